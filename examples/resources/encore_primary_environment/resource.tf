terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "production" {
  app    = "shop"
  name   = "production"
  type   = "production"
  cloud  = "aws"
  region = "eu-west-1"
}

# Data sources that name no environment use the app's primary one.
resource "encore_primary_environment" "shop" {
  app         = "shop"
  environment = encore_environment.production.name
}
