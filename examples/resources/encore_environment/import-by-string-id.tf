# Terraform 1.5 and later: import with an import block (the id is APP/ENV),
# then plan as usual.
import {
  to = encore_environment.preview
  id = "shop/pr:42"
}
