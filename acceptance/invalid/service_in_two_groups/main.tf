# Invalid on purpose: one service in two process groups.
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
    name     = "a"
    services = ["orders"]
  }
  process_group {
    name     = "b"
    services = ["orders", "billing"]
  }
}
