#!/usr/bin/env bash
# The whole Terraform lifecycle of every resource, with real terraform, the
# real provider and a real encore-agent: create, plan empty, refresh, plan
# empty, update in place, a RequiresReplace change replaces, import into a
# fresh state (import blocks, `terraform import`, -generate-config-out) with
# an empty plan, destroy; the agent's records are checked at each step.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent

MODEL_V1='{
  services = [
    { name = "orders", databases = ["orders"], caches = ["sessions"] },
    { name = "email" },
  ]
  databases = [{ name = "orders" }]
  caches    = [{ name = "sessions", eviction_policy = "allkeys-lru" }]
}'
MODEL_V2='{
  services = [
    { name = "orders", databases = ["orders"], caches = ["sessions"] },
    { name = "email" },
    { name = "billing" },
  ]
  databases = [{ name = "orders" }]
  caches    = [{ name = "sessions", eviction_policy = "allkeys-lfu" }]
}'

# write_config DIR MODEL ENV_NAME BRANCH_TRIGGER SECRET_VALUE MAXMEM SECRET_NAME
write_config() {
  local dir="$1" model="$2" env="$3" trigger="$4" secret="$5" maxmem="$6" sname="$7"
  local deploy
  if [ "$trigger" = branch ]; then
    deploy='deploy {
    trigger = "branch"
    branch  = "main"
  }'
  else
    deploy='deploy {
    trigger = "manual"
  }'
  fi
  mkdir -p "$dir"
  {
    provider_block
    cat <<HCL
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode($model)
}

resource "encore_environment" "dev" {
  app   = encore_app.shop.name
  name  = "$env"
  type  = "development"
  cloud = "local"
  $deploy
}

resource "encore_primary_environment" "shop" {
  app         = encore_app.shop.name
  environment = encore_environment.dev.name
}

resource "encore_secret" "key" {
  app  = encore_app.shop.name
  name = "$sname"
  values = {
    development = "$secret"
    local       = "local-$secret"
  }
}

resource "encore_infra_override" "sessions" {
  app         = encore_app.shop.name
  environment = encore_environment.dev.name
  kind        = "cache"
  name        = "sessions"
  settings    = { max_memory = "$maxmem" }
}
HCL
  } >"$dir/main.tf"
}

A="$WORK/a"
write_config "$A" "$MODEL_V1" dev manual s3cret-one 64mb StripeKey

log "create"
apply "$A" "create" || finish
env_json="$(agent_json env show shop/dev)"
expect_eq "$(jq -r '.spec.deploy.trigger' <<<"$env_json")" manual "agent: deploy.trigger after create"
expect_eq "$(jq -r '.spec.type' <<<"$env_json")" development "agent: type after create"
expect_eq "$(jq -r '.url' <<<"$env_json")" "http://127.0.0.1:4000" "agent: url of the first local environment"
expect_eq "$(jq -r '[.infrastructure[] | select(.kind=="sql_database")] | length' <<<"$env_json")" 1 \
  "agent: planned infrastructure has the database"
expect_eq "$(agent_json app show shop | jq -r '.services | join(",")')" "orders,email" "agent: app services"
expect_eq "$("$TERRAFORM" -chdir="$A" output -json 2>/dev/null | jq -r 'length')" 0 "no outputs"
state_url="$("$TERRAFORM" -chdir="$A" show -json | jq -r '.values.root_module.resources[] | select(.address=="encore_environment.dev") | .values.url')"
expect_eq "$state_url" "http://127.0.0.1:4000" "state: url"
expect_plan_empty "$A" "after create"

log "refresh"
apply "$A" "refresh-only" -refresh-only
expect_plan_empty "$A" "after refresh"

log "update in place"
write_config "$A" "$MODEL_V2" dev branch s3cret-two 128mb StripeKey
actions="$(plan_actions "$A")"
expected="encore_app.shop:update
encore_environment.dev:update
encore_infra_override.sessions:update
encore_secret.key:update"
expect_eq "$actions" "$expected" "update plan (in place, no replace)"
v_before="$(agent_json env show shop/dev | jq -r '.version')"
apply "$A" "update"
env_json="$(agent_json env show shop/dev)"
expect_eq "$(jq -r '.spec.deploy.trigger + "/" + .spec.deploy.branch' <<<"$env_json")" "branch/main" "agent: deploy after update"
[ "$(jq -r '.version' <<<"$env_json")" -gt "$v_before" ] || fail "agent: environment version did not change on update"
expect_eq "$(agent_json app show shop | jq -r '.services | join(",")')" "orders,email,billing" "agent: app services after update"
expect_eq "$(agent secret get shop/StripeKey --key development)" "s3cret-two" "agent: secret value after update"
expect_plan_empty "$A" "after update"

log "replace (RequiresReplace attributes)"
write_config "$A" "$MODEL_V2" dev2 branch s3cret-two 128mb StripeKey2
actions="$(plan_actions "$A")"
expected="encore_environment.dev:create,delete
encore_infra_override.sessions:create,delete
encore_primary_environment.shop:update
encore_secret.key:create,delete"
# Terraform orders replace actions as delete,create (or create,delete with
# create_before_destroy); accept either order, but every one must replace.
norm() { sed -e 's/:delete,create$/:replace/' -e 's/:create,delete$/:replace/' | sort; }
expect_eq "$(norm <<<"$actions")" "$(norm <<<"$expected")" "replace plan"
flat_contains "$A/plan.out" "must be replaced" || fail "plan does not say 'must be replaced'"
apply "$A" "replace"
agent env show shop/dev >/dev/null 2>&1 && fail "agent: shop/dev still exists after replace"
expect_eq "$(agent_json env show shop/dev2 | jq -r '.spec.name')" dev2 "agent: shop/dev2 exists"
expect_plan_empty "$A" "after replace"

log "import into a fresh state (import blocks)"
B="$WORK/b"
mkdir -p "$B"
cp "$A/main.tf" "$B/main.tf"
cat >>"$B/main.tf" <<'HCL'
import {
  to = encore_app.shop
  id = "shop"
}
import {
  to = encore_environment.dev
  id = "shop/dev2"
}
import {
  to = encore_primary_environment.shop
  id = "shop"
}
import {
  to = encore_secret.key
  id = "shop/StripeKey2"
}
import {
  to = encore_infra_override.sessions
  id = "shop/dev2/cache/sessions"
}
HCL
actions="$(plan_actions "$B")"
# Secret values cannot be imported (the agent never returns them): the
# plan sets them, and nothing else changes.
expect_eq "$actions" "encore_secret.key:update" "plan after import blocks"
flat_contains "$B/plan.out" "5 to import" || fail "plan does not import 5 resources"
apply "$B" "apply of the import"
expect_plan_empty "$B" "after import apply"

log "terraform import (CLI) into a fresh state"
C="$WORK/c"
mkdir -p "$C"
cp "$A/main.tf" "$C/main.tf"
for pair in "encore_app.shop shop" "encore_environment.dev shop/dev2" \
  "encore_primary_environment.shop shop" "encore_secret.key shop/StripeKey2" \
  "encore_infra_override.sessions shop/dev2/cache/sessions"; do
  set -- $pair
  "$TERRAFORM" -chdir="$C" import -no-color -input=false "$1" "$2" >"$C/import.out" 2>&1 ||
    { fail "terraform import $1 $2"; sed 's/^/    /' "$C/import.out" >&2; }
done
expect_eq "$(plan_actions "$C")" "encore_secret.key:update" "plan after terraform import"

log "plan -generate-config-out"
G="$WORK/g"
mkdir -p "$G"
{
  provider_block
  cat <<'HCL'
import {
  to = encore_app.shop
  id = "shop"
}
import {
  to = encore_environment.dev
  id = "shop/dev2"
}
import {
  to = encore_primary_environment.shop
  id = "shop"
}
import {
  to = encore_infra_override.sessions
  id = "shop/dev2/cache/sessions"
}
HCL
} >"$G/main.tf"
if "$TERRAFORM" -chdir="$G" plan -no-color -input=false -generate-config-out=generated.tf >"$G/gen.out" 2>&1; then
  expect_plan_empty_imports() {
    "$TERRAFORM" -chdir="$G" plan -no-color -input=false -out="$G/g.tfplan" >"$G/plan2.out" 2>&1 ||
      { fail "plan with the generated config failed"; sed 's/^/    /' "$G/plan2.out" >&2; return; }
    flat_contains "$G/plan2.out" "4 to import, 0 to add, 0 to change, 0 to destroy" ||
      { fail "generated config does not plan empty"; sed 's/^/    /' "$G/plan2.out" >&2; }
  }
  expect_plan_empty_imports
else
  fail "plan -generate-config-out failed"
  sed 's/^/    /' "$G/gen.out" >&2
fi

log "destroy"
if ! "$TERRAFORM" -chdir="$A" destroy -no-color -input=false -auto-approve >"$A/destroy.out" 2>&1; then
  fail "destroy failed"
  sed 's/^/    /' "$A/destroy.out" >&2
fi
expect_eq "$(agent_json env list | jq -r 'length')" 0 "agent: environments after destroy"
expect_eq "$(agent_json app list | jq -r 'length')" 0 "agent: apps after destroy"

finish
