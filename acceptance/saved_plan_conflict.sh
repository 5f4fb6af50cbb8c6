#!/usr/bin/env bash
# No lost update: two working directories manage the same environment. B
# saves a plan, A applies a change, then B applies its saved plan: B gets
# the "changed since your plan" diagnostic and A's change is intact.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent

# env_config BRANCH [IMPORT]: the environment shop/dev with deploy.branch.
env_config() {
  provider_block
  cat <<HCL
resource "encore_environment" "dev" {
  app   = "shop"
  name  = "dev"
  type  = "development"
  cloud = "local"
  deploy {
    trigger = "branch"
    branch  = "$1"
  }
}
HCL
  if [ "${2:-}" = import ]; then
    printf 'import {\n  to = encore_environment.dev\n  id = "shop/dev"\n}\n'
  fi
}

A="$WORK/a"
B="$WORK/b"
mkdir -p "$A" "$B"
{
  env_config main
  cat <<'HCL'
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({ services = [{ name = "orders" }] })
}
HCL
} >"$A/main.tf"
# The environment needs the app first.
apply "$A" "A creates app" -target=encore_app.shop || finish
apply "$A" "A creates the environment" || finish

env_config main import >"$B/main.tf"
apply "$B" "B imports the environment" || finish
env_config main >"$B/main.tf"
expect_plan_empty "$B" "B after import"

log "B saves a plan; A applies first"
env_config from-b >"$B/main.tf"
"$TERRAFORM" -chdir="$B" plan -no-color -input=false -out="$B/b.tfplan" >"$B/plan.out" 2>&1 ||
  die "B's plan failed: $(cat "$B/plan.out")"
sed -i 's/branch  = "main"/branch  = "from-a"/' "$A/main.tf"
apply "$A" "A applies its change"
expect_eq "$(agent_json env show shop/dev | jq -r '.spec.deploy.branch')" from-a "agent after A"

log "B applies its saved plan: conflict"
if "$TERRAFORM" -chdir="$B" apply -no-color -input=false "$B/b.tfplan" >"$B/apply.out" 2>&1; then
  fail "B's stale saved plan applied"
fi
expect_contains "$B/apply.out" "Changed since your plan" "B's diagnostic"
expect_contains "$B/apply.out" "plan" "B's diagnostic says to re-run plan"
expect_eq "$(agent_json env show shop/dev | jq -r '.spec.deploy.branch')" from-a "A's change is intact"

log "B re-plans and sees A's change as a diff"
flat_contains <("$TERRAFORM" -chdir="$B" plan -no-color -input=false 2>&1) '"from-a" -> "from-b"' ||
  fail "B's new plan does not show from-a -> from-b"
finish
