# Invalid on purpose: encore_infra_override kind not in the list.
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
  kind        = "queue"
  name        = "jobs"
  settings    = {}
}
