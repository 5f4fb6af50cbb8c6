# Invalid on purpose: deploy.trigger = branch without deploy.branch.
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
    trigger = "branch"
  }
}
