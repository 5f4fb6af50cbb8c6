# Invalid on purpose: a block the schema does not have (Terraform rejects it).
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
  autoscaling {
    min = 1
  }
}
