terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

# A development environment hosted by the agent, deployed from "main".
resource "encore_environment" "staging" {
  app   = "shop"
  name  = "staging"
  type  = "development"
  cloud = "encore"

  deploy {
    trigger = "branch"
    branch  = "main"
  }

  # Run the two services together in one process.
  process_group {
    name     = "all"
    services = ["orders", "email"]
  }
}

# The preview environment of pull request 42, with a copy of staging's data.
resource "encore_environment" "preview" {
  app   = "shop"
  name  = "pr:42"
  type  = "preview"
  cloud = "encore"

  deploy {
    trigger = "manual"
  }

  database {
    branch_from = encore_environment.staging.name
  }
}

# Production on AWS, in a PostgreSQL server this configuration owns, using
# a bucket that exists already.
resource "encore_environment" "production" {
  app            = "shop"
  name           = "production"
  type           = "production"
  cloud          = "aws"
  region         = "eu-west-1"
  infra_approval = "manual"

  process_allocation = "per_service"

  compute {
    platform = "fargate"
  }

  database {
    provider = "rds"
    existing_server {
      host       = "shop-db.abc123.eu-west-1.rds.amazonaws.com"
      port       = 5432
      admin_user = "encore_admin"
      # Write-only (Terraform 1.11+): never stored in plan or state.
      admin_password_wo         = var.db_admin_password
      admin_password_wo_version = 1
      sslmode                   = "verify-full"
    }
  }

  adopt {
    kind   = "bucket"
    name   = "receipts"
    policy = "observe"
  }

  deletion_policy = "retain"

  timeouts {
    create = "1h"
    update = "1h"
  }
}

variable "db_admin_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

output "staging_url" {
  value = encore_environment.staging.url
}
