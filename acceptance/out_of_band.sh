#!/usr/bin/env bash
# Changes made outside Terraform show up in the next plan: an environment
# changed with the agent CLI, and a secret value changed with the CLI
# (the agent returns fingerprints, never values). Refresh is answered from
# the agent's store.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent
D="$WORK/oob"
mkdir -p "$D"
{
  provider_block
  cat <<'HCL'
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({ services = [{ name = "orders" }] })
}
resource "encore_environment" "dev" {
  app            = encore_app.shop.name
  name           = "dev"
  type           = "development"
  cloud          = "local"
  infra_approval = "automatic"
  deploy {
    trigger = "branch"
    branch  = "main"
  }
}
resource "encore_secret" "plain" {
  app    = encore_app.shop.name
  name   = "Plain"
  values = { development = "v1" }
}
resource "encore_secret" "wo" {
  app               = encore_app.shop.name
  name              = "WriteOnly"
  values_wo         = { development = "w1" }
  values_wo_version = 1
}
HCL
} >"$D/main.tf"
apply "$D" "create" || finish
expect_plan_empty "$D" "after create"

log "environment changed with the CLI"
agent env set shop/dev deploy.branch=release infra_approval=manual >"$WORK/cli.out" 2>&1 ||
  fail "encore-agent env set failed: $(cat "$WORK/cli.out")"
actions="$(plan_actions "$D")"
expect_eq "$actions" "encore_environment.dev:update" "plan after the CLI change"
flat_contains "$D/plan.out" '"release" -> "main"' || fail "plan does not show branch release -> main"
flat_contains "$D/plan.out" '"manual" -> "automatic"' || fail "plan does not show infra_approval manual -> automatic"
apply "$D" "revert the CLI change"
expect_eq "$(agent_json env show shop/dev | jq -r '.spec.deploy.branch')" main "agent: branch restored"
expect_plan_empty "$D" "after restoring"

log "secret values changed with the CLI"
agent secret set shop/Plain development=changed-by-hand >/dev/null || fail "secret set Plain"
agent secret set shop/WriteOnly development=changed-too >/dev/null || fail "secret set WriteOnly"
actions="$(plan_actions "$D")"
expect_eq "$actions" "encore_secret.plain:update
encore_secret.wo:update" "plan after secrets changed out of band"
apply "$D" "restore the secrets"
expect_eq "$(agent secret get shop/Plain --key development)" v1 "agent: Plain restored"
expect_eq "$(agent secret get shop/WriteOnly --key development)" w1 "agent: WriteOnly restored"
expect_plan_empty "$D" "after restoring secrets"

finish
