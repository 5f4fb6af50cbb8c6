# Terraform 1.5 and later: import with an import block (the id is the app's
# name), then plan as usual.
import {
  to = encore_app.shop
  id = "shop"
}
