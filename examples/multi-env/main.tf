# Several environments of one app: production on AWS with manual approval of
# infrastructure changes, a shared development environment on GCP, and one
# preview environment per open pull request on the agent's own hosting.
#
#   encore-agent serve &
#   terraform init
#   terraform plan -var 'pull_requests=[12, 15]'
#
# The AWS and GCP drivers cannot run here: plan works, and apply of those
# environments records them and says that their provisioning is plan-only.
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
}

variable "pull_requests" {
  description = "Open pull requests that get a preview environment."
  type        = list(number)
  default     = [1]
}

resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services = [
      { name = "orders", databases = ["orders"], publishes = ["order-created"] },
      { name = "email" },
    ]
    databases = [{ name = "orders" }]
    topics    = [{ name = "order-created", delivery = "at-least-once" }]
    subscriptions = [{
      name         = "send-email", topic = "order-created", service = "email",
      ack_deadline = "30s", max_retries = 5
    }]
  })
}

# Production: every infrastructure change waits for an approval.
resource "encore_environment" "production" {
  app            = encore_app.shop.name
  name           = "production"
  type           = "production"
  cloud          = "aws"
  region         = "eu-west-1"
  infra_approval = "manual"

  deploy {
    trigger = "branch"
    branch  = "main"
  }

  deletion_policy = "retain"
}

resource "encore_environment" "development" {
  app    = encore_app.shop.name
  name   = "development"
  type   = "development"
  cloud  = "gcp"
  region = "europe-west1"

  deploy {
    trigger = "branch"
    branch  = "develop"
  }
}

# One preview environment per pull request, its database a copy of
# development's.
resource "encore_environment" "preview" {
  for_each = toset([for n in var.pull_requests : tostring(n)])

  app   = encore_app.shop.name
  name  = "pr:${each.key}"
  type  = "preview"
  cloud = "encore"

  deploy {
    trigger = "manual"
  }
}

resource "encore_primary_environment" "shop" {
  app         = encore_app.shop.name
  environment = encore_environment.production.name
}

output "preview_environments" {
  value = sort([for e in encore_environment.preview : e.name])
}
