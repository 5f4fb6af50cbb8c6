# Terraform 1.5 and later: import with an import block (the id is
# APP/ENV/KIND/NAME), then plan as usual.
import {
  to = encore_infra_override.orders_db
  id = "shop/production/sql_database/orders"
}
