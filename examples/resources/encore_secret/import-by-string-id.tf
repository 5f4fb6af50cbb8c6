# Terraform 1.5 and later: import with an import block (the id is
# APP/NAME), then apply to send the configured values.
import {
  to = encore_secret.stripe_key
  id = "shop/StripeKey"
}
