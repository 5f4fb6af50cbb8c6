# Invalid on purpose: a misspelt key in the application model.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_app" "bad" {
  name  = "shop"
  model = jsonencode({ servces = [{ name = "orders" }] })
}
