terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_service" "orders" {
  app  = "shop"
  env  = "production"
  name = "orders"
}

output "orders_base_url" {
  value = data.encore_service.orders.base_url
}

output "orders_databases" {
  value = data.encore_service.orders.databases
}
