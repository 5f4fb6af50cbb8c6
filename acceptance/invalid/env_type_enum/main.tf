# Invalid on purpose: type is not one of the environment types.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app   = "shop"
  name  = "production"
  type  = "prod"
  cloud = "local"
}
