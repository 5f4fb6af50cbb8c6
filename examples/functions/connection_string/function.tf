terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_sql_database" "orders" {
  app  = "shop"
  env  = "production"
  name = "orders"
}

# postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE, with the user,
# password and database percent-encoded.
output "orders_dsn" {
  value     = provider::encore::connection_string(data.encore_sql_database.orders)
  sensitive = true
}

# Any object with host, port, database, user and password works too.
output "example_dsn" {
  value = provider::encore::connection_string({
    host     = "::1"
    port     = 5432
    database = "orders"
    user     = "report@shop"
    password = "p@ss word"
    sslmode  = "disable"
  })
  # "postgresql://report%40shop:p%40ss%20word@[::1]:5432/orders?sslmode=disable"
}
