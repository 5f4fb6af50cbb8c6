terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

# Every preview environment of the app.
data "encore_environments" "previews" {
  app  = "shop"
  type = "preview"
}

output "preview_urls" {
  value = { for e in data.encore_environments.previews.environments : e.name => e.url }
}
