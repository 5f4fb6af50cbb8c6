#!/usr/bin/env bash
# Concurrent applies of different environments (one working directory
# each, at the same time) all succeed, and each environment gets its own
# gateway address.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent
N=6
APPDIR="$WORK/app"
mkdir -p "$APPDIR"
{
  provider_block
  cat <<'HCL'
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({
    services  = [{ name = "orders", databases = ["orders"] }]
    databases = [{ name = "orders" }]
  })
}
HCL
} >"$APPDIR/main.tf"
apply "$APPDIR" "create the app" || finish

pids=()
for i in $(seq 1 $N); do
  d="$WORK/env$i"
  mkdir -p "$d"
  {
    provider_block
    cat <<HCL
resource "encore_environment" "e" {
  app   = "shop"
  name  = "dev$i"
  type  = "development"
  cloud = "encore" # per-environment names: local ones share the model names
}
HCL
  } >"$d/main.tf"
  "$TERRAFORM" -chdir="$d" apply -no-color -input=false -auto-approve >"$d/apply.out" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 $N); do
  wait "${pids[$((i - 1))]}" || { fail "apply of dev$i failed"; sed 's/^/    /' "$WORK/env$i/apply.out" >&2; }
done
expect_eq "$(agent_json env list --app shop | jq -r 'length')" "$N" "environments in the agent"
expect_eq "$(agent_json env list --app shop | jq -r '[.[].url] | unique | length')" "$N" "distinct urls"
for i in $(seq 1 $N); do expect_plan_empty "$WORK/env$i" "dev$i after the concurrent applies"; done
finish
