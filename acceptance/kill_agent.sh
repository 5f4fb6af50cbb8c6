#!/usr/bin/env bash
# kill -9 of the agent during an apply, restart, re-apply: converges, with no
# duplicate or half-written record; the audit log still verifies.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent
N=30
D="$WORK/k"
mkdir -p "$D"
{
  provider_block
  cat <<HCL
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({
    services  = [{ name = "orders", databases = ["orders"], caches = ["c"] }]
    databases = [{ name = "orders" }]
    caches    = [{ name = "c" }]
  })
}
resource "encore_environment" "e" {
  count = $N
  app   = encore_app.shop.name
  name  = "dev\${count.index}"
  type  = "development"
  cloud = "encore"
}
HCL
} >"$D/main.tf"

"$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve -parallelism=4 >"$D/apply1.out" 2>&1 &
apply_pid=$!
# Kill the agent once some environments exist, mid-apply.
for i in $(seq 1 400); do
  n="$(sqlite3 "$AGENT_DIR/agent.db" 'select count(*) from environments' 2>/dev/null || echo 0)"
  [ "${n:-0}" -ge 5 ] && break
  sleep 0.02
done
kill -9 "$AGENT_PID"
log "killed the agent with ${n:-0} environments stored"
wait "$apply_pid" || log "the first apply failed, as it may"
restart_agent
apply "$D" "re-apply after restart" -parallelism=4 || finish
expect_plan_empty "$D" "after convergence"
envs="$(agent_json env list --app shop)"
expect_eq "$(jq -r 'length' <<<"$envs")" "$N" "environments in the agent"
expect_eq "$(jq -r '[.[].spec.name] | unique | length' <<<"$envs")" "$N" "no duplicates"
expect_eq "$(jq -r '[.[] | select(.status != "ready" or (.infrastructure | length) == 0)] | length' <<<"$envs")" 0 \
  "no half-written environment"
expect_eq "$(sqlite3 "$AGENT_DIR/agent.db" 'PRAGMA integrity_check')" ok "store integrity"
agent audit verify >"$WORK/verify.out" 2>&1 || fail "audit verify after the kill: $(cat "$WORK/verify.out")"
finish
