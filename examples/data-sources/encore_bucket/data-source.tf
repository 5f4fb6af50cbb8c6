terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_bucket" "receipts" {
  app  = "shop"
  env  = "production"
  name = "receipts"
}

output "receipts_bucket" {
  value = data.encore_bucket.receipts.provider_id
}
