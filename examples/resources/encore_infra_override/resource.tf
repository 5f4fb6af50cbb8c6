terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

# A bigger database instance in production than the model implies.
resource "encore_infra_override" "orders_db" {
  app         = "shop"
  environment = "production"
  kind        = "sql_database"
  name        = "orders"

  settings = {
    instance_class  = "db.r6g.large"
    storage_gb      = "100"
    max_connections = "400"
    version         = "16"
  }
}

# Instance limits for a service.
resource "encore_infra_override" "orders_service" {
  app         = "shop"
  environment = "production"
  kind        = "service"
  name        = "orders"

  settings = {
    min_instances = "2"
    max_instances = "10"
    cpu           = "1"
    memory        = "2Gi"
  }
}
