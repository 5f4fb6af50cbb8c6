# Invalid on purpose: region given for cloud local.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "bad" {
  app    = "shop"
  name   = "dev"
  type   = "development"
  cloud  = "local"
  region = "eu-west-1"
}
