# Invalid on purpose: database.provider rds on cloud local.
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
  database {
    provider = "rds"
  }
}
