# One of each encore resource, planned by acceptance/plan_all_resources.sh
# (and used for the golden value captures). No agent is needed to plan.
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

provider "encore" {
  app = "shop"
}

resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services = [
      { name = "orders", databases = ["orders"], publishes = ["order-created"], secrets = ["StripeKey"] },
      { name = "billing", caches = ["sessions"], buckets = ["invoices"] },
    ]
    databases     = [{ name = "orders" }]
    topics        = [{ name = "order-created" }]
    subscriptions = [{ name = "bill-order", topic = "order-created", service = "billing" }]
    caches        = [{ name = "sessions" }]
    buckets       = [{ name = "invoices" }]
    secrets       = ["StripeKey"]
  })
}

resource "encore_environment" "production" {
  app    = encore_app.shop.name
  name   = "production"
  type   = "production"
  cloud  = "aws"
  region = "eu-west-1"

  deploy {
    trigger = "branch"
    branch  = "main"
  }
  compute {
    platform = "fargate"
  }
  database {
    provider = "rds"
  }
}

resource "encore_environment" "local" {
  app   = encore_app.shop.name
  name  = "local"
  type  = "local"
  cloud = "local"

  process_group {
    name     = "front"
    services = ["orders"]
  }
  process_group {
    name     = "back"
    services = ["billing"]
  }
  timeouts {
    create = "10m"
  }
}

resource "encore_environment" "preview" {
  app   = encore_app.shop.name
  name  = "pr:12"
  type  = "preview"
  cloud = "local"
  database {
    branch_from = "local"
  }
}

resource "encore_primary_environment" "shop" {
  app         = encore_app.shop.name
  environment = encore_environment.production.name
}

resource "encore_secret" "stripe" {
  app  = encore_app.shop.name
  name = "StripeKey"
  values = {
    production  = "sk_live_SUPERSECRET_1"
    "env:local" = "sk_test_SUPERSECRET_2"
  }
}

resource "encore_infra_override" "orders_db" {
  app         = encore_app.shop.name
  environment = encore_environment.production.name
  kind        = "sql_database"
  name        = "orders"
  settings = {
    instance_class = "db.t3.micro"
    storage_gb     = "20"
  }
}

# Something truly unknown at plan time (a fresh id) feeds a setting.
resource "terraform_data" "build" {
  input = "v1"
}

resource "encore_infra_override" "orders_service" {
  app         = encore_app.shop.name
  environment = encore_environment.local.name
  kind        = "service"
  name        = "orders"
  settings = {
    min_instances = "1"
    cpu           = terraform_data.build.id
    memory        = encore_environment.local.url
  }
}
