# Invalid on purpose: encore_infra_override with a key its kind does not have.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_infra_override" "bad" {
  app         = "shop"
  environment = "production"
  kind        = "cache"
  name        = "sessions"
  settings = {
    instance_class = "db.t3.micro"
  }
}
