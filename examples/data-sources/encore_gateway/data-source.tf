terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_gateway" "api" {
  app  = "shop"
  env  = "production"
  name = "api-gateway"
}

output "api_url" {
  value = data.encore_gateway.api.url
}
