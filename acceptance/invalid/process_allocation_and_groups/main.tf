# Invalid on purpose: process_allocation together with process_group blocks.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app                = "shop"
  name               = "dev"
  type               = "development"
  cloud              = "local"
  process_allocation = "per_service"
  process_group {
    name     = "all"
    services = ["orders", "billing"]
  }
}
