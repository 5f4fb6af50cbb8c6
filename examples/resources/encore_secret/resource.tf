terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

# Values kept in state (sensitive): one per environment type, and one for a
# single named environment, which overrides its type's value.
resource "encore_secret" "stripe_key" {
  app  = "shop"
  name = "StripeKey"

  values = {
    production    = var.stripe_live_key
    development   = var.stripe_test_key
    preview       = var.stripe_test_key
    local         = var.stripe_test_key
    "env:staging" = var.stripe_staging_key
  }
}

# Write-only values (Terraform 1.11+): never stored in plan or state. Bump
# values_wo_version to send new values.
resource "encore_secret" "sendgrid_key" {
  app  = "shop"
  name = "SendgridKey"

  values_wo = {
    production  = var.sendgrid_key
    development = var.sendgrid_key
  }
  values_wo_version = 2
}

variable "stripe_live_key" {
  type      = string
  sensitive = true
}

variable "stripe_test_key" {
  type      = string
  sensitive = true
}

variable "stripe_staging_key" {
  type      = string
  sensitive = true
}

variable "sendgrid_key" {
  type      = string
  sensitive = true
  ephemeral = true
}
