terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

provider "encore" {
  app = "shop"
  env = "production"
}

# The provider's app and env are the defaults; either can be given here.
data "encore_sql_database" "orders" {
  name = "orders"
}

data "encore_sql_database" "orders_staging" {
  name = "orders"
  env  = "staging"
}

output "orders_host" {
  value = "${data.encore_sql_database.orders.host}:${data.encore_sql_database.orders.port}"
}

output "orders_dsn" {
  value     = data.encore_sql_database.orders.connection_string
  sensitive = true
}
