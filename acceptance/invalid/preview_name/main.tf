# Invalid on purpose: a preview environment not named pr:<N>.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app   = "shop"
  name  = "feature-x"
  type  = "preview"
  cloud = "local"
}
