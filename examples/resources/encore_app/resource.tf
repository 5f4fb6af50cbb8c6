terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

resource "encore_app" "shop" {
  name = "shop"

  # The application model: what the app's code declares. Usually generated
  # from the code and read with file("model.json").
  model = jsonencode({
    services = [
      {
        name      = "orders"
        databases = ["orders"]
        publishes = ["order-created"]
        caches    = ["sessions"]
        buckets   = ["receipts"]
        secrets   = ["StripeKey"]
      },
      { name = "email" },
    ]
    databases = [{ name = "orders" }]
    topics    = [{ name = "order-created", delivery = "at-least-once" }]
    subscriptions = [{
      name         = "send-email"
      topic        = "order-created"
      service      = "email"
      ack_deadline = "30s"
      max_retries  = 5
    }]
    caches    = [{ name = "sessions", eviction_policy = "allkeys-lru" }]
    cron_jobs = [{ name = "cleanup", schedule = "0 4 * * *", endpoint = "orders.Cleanup" }]
    buckets   = [{ name = "receipts", public = false, versioned = true }]
    secrets   = ["StripeKey"]
  })
}

output "services" {
  value = encore_app.shop.services
}
