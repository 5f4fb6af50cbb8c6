# Invalid on purpose: kubernetes provider gke on cloud aws.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app    = "shop"
  name   = "production"
  type   = "production"
  cloud  = "aws"
  region = "eu-west-1"
  compute {
    platform = "kubernetes"
    kubernetes {
      provider = "gke"
    }
  }
}
