terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_pubsub_topic" "order_created" {
  app  = "shop"
  env  = "production"
  name = "order-created"
}

output "order_created_subjects" {
  value = data.encore_pubsub_topic.order_created.subjects
}
