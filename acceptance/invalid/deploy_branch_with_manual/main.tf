# Invalid on purpose: deploy.branch set while trigger = manual.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app   = "shop"
  name  = "staging"
  type  = "development"
  cloud = "local"
  deploy {
    trigger = "manual"
    branch  = "main"
  }
}
