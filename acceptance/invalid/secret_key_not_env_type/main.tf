# Invalid on purpose: encore_secret map key that is neither a type nor env:<name>.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_secret" "bad" {
  app  = "shop"
  name = "StripeKey"
  values = {
    staging = "sk_test_1"
  }
}
