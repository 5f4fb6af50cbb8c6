# A secret is imported by APP/NAME. Its values are not imported (the agent
# never returns them): the next apply sends the configured values.
terraform import encore_secret.stripe_key shop/StripeKey
