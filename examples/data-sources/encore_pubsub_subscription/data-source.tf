terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

data "encore_pubsub_subscription" "send_email" {
  app  = "shop"
  env  = "production"
  name = "send-email"
}

output "send_email_consumer" {
  value = {
    stream       = data.encore_pubsub_subscription.send_email.stream
    consumer     = data.encore_pubsub_subscription.send_email.consumer
    ack_deadline = data.encore_pubsub_subscription.send_email.ack_deadline
  }
}
