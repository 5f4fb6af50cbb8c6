# Invalid on purpose: values_wo without values_wo_version.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_secret" "bad" {
  app       = "shop"
  name      = "StripeKey"
  values_wo = { production = "sk_live_2" }
}
