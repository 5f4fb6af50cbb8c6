terraform {
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

# Every setting is optional. Without "agent", the provider talks to the local
# agent's default socket (or ENCORE_AGENT); the token comes from ENCORE_TOKEN.
provider "encore" {
  agent = "unix:///var/lib/encore-agent/agent.sock"

  # Defaults for data sources that name no app or environment.
  app = "shop"
  env = "production"
}

# A remote agent over TLS, as a second, aliased configuration.
provider "encore" {
  alias   = "remote"
  agent   = "https://agent.internal.example.com:7443"
  token   = var.encore_token
  ca_cert = var.encore_ca_cert # PEM text, or the path of a PEM file
}

variable "encore_token" {
  type      = string
  sensitive = true
}

variable "encore_ca_cert" {
  type    = string
  default = "/etc/encore/agent-ca.pem"
}
