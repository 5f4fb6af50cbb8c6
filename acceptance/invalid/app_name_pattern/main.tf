# Invalid on purpose: app name with uppercase letters and an underscore.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_app" "bad" {
  name  = "Shop_1"
  model = jsonencode({ services = [{ name = "orders" }] })
}
