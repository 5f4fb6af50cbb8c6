terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_cache" "sessions" {
  app  = "shop"
  env  = "production"
  name = "sessions"
}

output "sessions_address" {
  value = data.encore_cache.sessions.address
}
