terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_environment" "production" {
  app  = "shop"
  name = "production"
}

output "production_url" {
  value = data.encore_environment.production.url
}

# Everything the agent manages (or plans to) for the environment.
output "production_databases" {
  value = [
    for r in data.encore_environment.production.infrastructure :
    r.provider_id if r.kind == "sql_database"
  ]
}
