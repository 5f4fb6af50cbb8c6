terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_environment" "staging" {
  app   = "shop"
  name  = "staging"
  type  = "development"
  cloud = "encore"
}

# The base URL of the orders service in staging (known once staging exists).
output "orders_url" {
  value = provider::encore::service_url(encore_environment.staging, "orders")
}

# It takes the encore_environment data source too.
data "encore_environment" "production" {
  app  = "shop"
  name = "production"
}

output "production_orders_url" {
  value = provider::encore::service_url(data.encore_environment.production, "orders")
}
