terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_app" "shop" {
  name = "shop"
}

output "shop_services" {
  value = data.encore_app.shop.services
}

output "shop_model" {
  value = jsondecode(data.encore_app.shop.model)
}
