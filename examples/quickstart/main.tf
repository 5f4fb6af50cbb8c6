# Quickstart: an Encore app with a local environment, a hosted preview
# environment for pull request 1, and a production environment that is the
# app's primary one.
#
#   encore-agent serve &        # the agent, on its default socket
#   terraform init && terraform apply
terraform {
  required_version = ">= 1.11"
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

provider "encore" {
  app = "shop" # the default for data sources
}

resource "encore_app" "shop" {
  name = "shop"

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
    caches  = [{ name = "sessions", eviction_policy = "allkeys-lru" }]
    buckets = [{ name = "receipts", public = false, versioned = true }]
    secrets = ["StripeKey"]
  })
}

resource "encore_secret" "stripe_key" {
  app  = encore_app.shop.name
  name = "StripeKey"

  values_wo = {
    production  = var.stripe_live_key
    development = var.stripe_test_key
    preview     = var.stripe_test_key
    local       = var.stripe_test_key
  }
  values_wo_version = 1
}

# On this machine: PostgreSQL, Redis, NATS and a directory per bucket, run
# by the agent. Its URL is http://127.0.0.1:4000 (the first local one).
resource "encore_environment" "local" {
  app   = encore_app.shop.name
  name  = "local"
  type  = "local"
  cloud = "local"
}

# Hosted by the agent, cheap to make and throw away.
resource "encore_environment" "pr_1" {
  app   = encore_app.shop.name
  name  = "pr:1"
  type  = "preview"
  cloud = "encore"

  deploy {
    trigger = "manual"
  }
}

resource "encore_environment" "production" {
  app   = encore_app.shop.name
  name  = "production"
  type  = "production"
  cloud = "encore"

  deploy {
    trigger = "branch"
    branch  = "main"
  }
}

resource "encore_primary_environment" "shop" {
  app         = encore_app.shop.name
  environment = encore_environment.production.name
}

variable "stripe_live_key" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "sk_live_replace_me"
}

variable "stripe_test_key" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "sk_test_replace_me"
}

output "local_url" {
  value = encore_environment.local.url
}

output "preview_url" {
  value = encore_environment.pr_1.url
}

output "production_url" {
  value = encore_environment.production.url
}

output "orders_url" {
  value = provider::encore::service_url(encore_environment.production, "orders")
}
