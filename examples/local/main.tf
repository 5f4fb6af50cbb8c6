# A local environment with real infrastructure on this machine: the agent
# runs PostgreSQL (a database and a role per service using it), one
# redis-server per cache, NATS JetStream (a stream per topic, a durable
# consumer per subscription) and a directory per bucket.
#
#   encore-agent serve &
#   terraform init && terraform apply
#   encore-agent runtime-config shop/local --secrets true   # how to connect
terraform {
  required_version = ">= 1.11"
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

provider "encore" {
  app = "shop"
  env = "local"
}

resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services = [
      { name = "orders", databases = ["orders"], publishes = ["order-created"],
      caches = ["sessions"], buckets = ["receipts"] },
      { name = "email", databases = ["orders"] },
    ]
    databases = [{ name = "orders" }]
    topics    = [{ name = "order-created", delivery = "at-least-once" }]
    subscriptions = [{
      name         = "send-email", topic = "order-created", service = "email",
      ack_deadline = "30s", max_retries = 5
    }]
    caches    = [{ name = "sessions", eviction_policy = "allkeys-lru" }]
    buckets   = [{ name = "receipts", public = false, versioned = true }]
    cron_jobs = [{ name = "cleanup", schedule = "0 4 * * *", endpoint = "orders.Cleanup" }]
  })
}

resource "encore_environment" "local" {
  app   = encore_app.shop.name
  name  = "local"
  type  = "local"
  cloud = "local"
}

data "encore_sql_database" "orders" {
  name       = "orders"
  depends_on = [encore_environment.local]
}

output "url" {
  value = encore_environment.local.url
}

output "orders_database" {
  value = "${data.encore_sql_database.orders.host}:${data.encore_sql_database.orders.port}/${data.encore_sql_database.orders.database}"
}

output "infrastructure" {
  value = [for i in encore_environment.local.infrastructure : "${i.kind} ${i.name}: ${i.status}"]
}
