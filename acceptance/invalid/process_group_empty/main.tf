# Invalid on purpose: a process group with no services.
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
  process_group {
    name     = "web"
    services = []
  }
}
