terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

# A 30-minute login for production's "orders" database with the access of its
# "orders" service, issued for this Terraform run only and dropped when it
# ends: never stored in plan or state (Terraform 1.10+).
ephemeral "encore_database_credentials" "orders" {
  app      = "shop"
  env      = "production"
  database = "orders"
  service  = "orders"
  ttl      = "30m"
}

locals {
  # Ephemeral values may be used in provider blocks, locals and write-only
  # arguments. For example, to manage grants with a PostgreSQL provider:
  #
  #   provider "postgresql" {
  #     host     = ephemeral.encore_database_credentials.orders.host
  #     port     = ephemeral.encore_database_credentials.orders.port
  #     username = ephemeral.encore_database_credentials.orders.user
  #     password = ephemeral.encore_database_credentials.orders.password
  #     sslmode  = ephemeral.encore_database_credentials.orders.sslmode
  #   }
  orders_dsn = provider::encore::connection_string(ephemeral.encore_database_credentials.orders)
}
