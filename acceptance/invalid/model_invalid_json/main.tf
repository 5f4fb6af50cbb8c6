# Invalid on purpose: encore_app.model is not JSON.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_app" "bad" {
  name  = "shop"
  model = "{\"services\": ["
}
