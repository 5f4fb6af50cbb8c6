#!/usr/bin/env bash
# Roles and manual approval, end to end: a viewer token gets a permission
# diagnostic on apply; a member cannot approve; an admin can. With
# infra_approval = "manual" the apply waits, the CLI approves, the apply
# completes; a rejected change set fails the apply and leaves the state
# as it was; a timeout names the change set.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent
VIEWER="$(agent token create ci-viewer --role viewer | grep -o 'enc_[A-Za-z0-9_-]*' | head -1)"
MEMBER="$(agent token create ci-member --role member | grep -o 'enc_[A-Za-z0-9_-]*' | head -1)"
[ -n "$VIEWER" ] && [ -n "$MEMBER" ] || die "token create did not print the tokens"

# write_env DIR TIMEOUT PROCESS_ALLOCATION (a change of allocation changes
# the environment's processes: an infrastructure change).
write_env() {
  local dir="$1" timeout="$2" alloc="$3"
  mkdir -p "$dir"
  {
    provider_block
    cat <<HCL
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({
    services  = [{ name = "orders", databases = ["orders"] }, { name = "email" }]
    databases = [{ name = "orders" }]
  })
}
resource "encore_environment" "staging" {
  app            = encore_app.shop.name
  name           = "staging"
  type           = "development"
  cloud          = "encore"
  infra_approval     = "manual"
  process_allocation = "$alloc"
  timeouts {
    create = "$timeout"
    update = "$timeout"
  }
}
HCL
  } >"$dir/main.tf"
}

# wait_pending_change_set: prints the id of the change set waiting for
# approval once there is one (empty after 20 s).
wait_pending_change_set() {
  local cs="" i
  for i in $(seq 1 200); do
    cs="$(agent_json changeset list --state pending_approval 2>/dev/null | jq -r '.[0].id // empty' 2>/dev/null || true)"
    [ -n "$cs" ] && break
    sleep 0.1
  done
  echo "$cs"
}

D="$WORK/approve"
write_env "$D" "2m" single

log "a viewer cannot apply"
if ENCORE_TOKEN="$VIEWER" "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/viewer.out" 2>&1; then
  fail "apply with a viewer token succeeded"
fi
expect_contains "$D/viewer.out" "Permission denied" "viewer apply"
expect_contains "$D/viewer.out" "viewer" "viewer apply"

log "manual approval: apply waits, a member cannot approve, an admin approves"
ENCORE_TOKEN="$MEMBER" "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/apply.out" 2>&1 &
apply_pid=$!
cs="$(wait_pending_change_set)"
[ -n "$cs" ] || { kill $apply_pid; die "no pending change set appeared: $(cat "$D/apply.out")"; }
log "pending: $cs"
agent changeset show "$cs" >"$WORK/cs.out" 2>&1 || fail "changeset show $cs"
expect_contains "$WORK/cs.out" "CREATE DATABASE" "change set shows the planned calls"
kill -0 $apply_pid 2>/dev/null || fail "apply did not wait for approval"
rc=0
AS_TOKEN="$MEMBER" agent approve "$cs" >"$WORK/member.out" 2>&1 || rc=$?
expect_eq "$rc" 2 "member approve exit code (user error)"
expect_contains "$WORK/member.out" "admin" "member approve message"
agent approve "$cs" >/dev/null || fail "admin approve failed"
wait $apply_pid || { fail "apply failed after approval"; sed 's/^/    /' "$D/apply.out" >&2; }
expect_eq "$(agent_json changeset show "$cs" | jq -r '.state')" applied "change set state after approval"
expect_eq "$(agent_json env show shop/staging | jq -r '.status')" ready "environment status after approval (provisioned)"
expect_plan_empty "$D" "after approved create"

log "reject: the apply fails and the state keeps the previous values"
write_env "$D" "2m" per_service
ENCORE_TOKEN="$MEMBER" "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/reject.out" 2>&1 &
apply_pid=$!
cs="$(wait_pending_change_set)"
[ -n "$cs" ] || { kill $apply_pid; die "no pending change set for the update: $(cat "$D/reject.out")"; }
agent reject "$cs" --reason "not this week" >/dev/null || fail "reject failed"
if wait $apply_pid; then fail "apply succeeded although its change set was rejected"; fi
expect_contains "$D/reject.out" "$cs" "reject diagnostic names the change set"
expect_contains "$D/reject.out" "not this week" "reject diagnostic carries the reason"
expect_eq "$(agent_json changeset show "$cs" | jq -r '.state')" rejected "change set state after reject"
expect_eq "$(agent_json env show shop/staging | jq -r '.spec.process_allocation')" single \
  "environment unchanged after reject"
expect_eq "$("$TERRAFORM" -chdir="$D" show -json | jq -r '.values.root_module.resources[] | select(.address=="encore_environment.staging") | .values.process_allocation')" \
  single "state keeps the previous value after reject"

log "timeout names the change set"
write_env "$D" "3s" per_service
ENCORE_TOKEN="$MEMBER" "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/timeout.out" 2>&1 &&
  fail "apply succeeded without approval"
cs="$(agent_json changeset list --state pending_approval | jq -r '.[0].id // empty')"
[ -n "$cs" ] || fail "no pending change set after the timeout"
expect_contains "$D/timeout.out" "Timed out" "timeout diagnostic"
expect_contains "$D/timeout.out" "$cs" "timeout diagnostic names the change set"

log "audit log verifies"
agent audit verify >"$WORK/verify.out" 2>&1 || fail "audit verify failed: $(cat "$WORK/verify.out")"
finish
