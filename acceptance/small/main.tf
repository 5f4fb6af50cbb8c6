# A small configuration: one app and one local environment.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services = [{ name = "orders" }, { name = "billing" }]
  })
}

resource "encore_environment" "local" {
  app   = encore_app.shop.name
  name  = "local"
  type  = "local"
  cloud = "local"
}
