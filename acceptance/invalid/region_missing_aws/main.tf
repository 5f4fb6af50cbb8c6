# Invalid on purpose: cloud aws without a region.
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
  type  = "production"
  cloud = "aws"
}
