# An override is imported by APP/ENV/KIND/NAME.
terraform import encore_infra_override.orders_db shop/production/sql_database/orders
