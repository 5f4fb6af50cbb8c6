# Invalid on purpose: a bad value that only shows at plan time (from a variable).
terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

variable "env_type" {
  type    = string
  default = "staging"
}

resource "encore_environment" "bad" {
  app   = "shop"
  name  = "staging"
  type  = var.env_type
  cloud = "local"
}
