# Invalid on purpose: encore_secret with both values and values_wo.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_secret" "bad" {
  app               = "shop"
  name              = "StripeKey"
  values            = { production = "sk_live_1" }
  values_wo         = { production = "sk_live_2" }
  values_wo_version = 1
}
