# Invalid on purpose: timeouts.create that is not a duration.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app   = "shop"
  name  = "dev"
  type  = "development"
  cloud = "local"
  timeouts {
    create = "soon"
  }
}
