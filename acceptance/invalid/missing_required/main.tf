# Invalid on purpose: encore_environment without cloud (Terraform rejects it).
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app  = "shop"
  name = "dev"
  type = "development"
}
