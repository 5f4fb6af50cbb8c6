#!/usr/bin/env bash
# A secret given through values_wo appears nowhere: not in the plan, the
# state, `terraform show -json`, the saved plan, the agent's log, or in
# clear in any file of the agent's data dir. One given through `values`
# appears only where Terraform itself keeps sensitive arguments (state,
# saved plan, and so show -json), and never in the agent's files or log.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

start_agent
D="$WORK/leak"
mkdir -p "$D"
WO_VALUE="wo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SV_VALUE="sv-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PW_VALUE="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
{
  provider_block
  cat <<HCL
variable "wo" {
  type      = string
  sensitive = true
  ephemeral = true
}
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({ services = [{ name = "orders" }] })
}
resource "encore_secret" "wo" {
  app               = encore_app.shop.name
  name              = "WriteOnly"
  values_wo         = { production = var.wo, local = var.wo }
  values_wo_version = 1
}
resource "encore_secret" "sv" {
  app    = encore_app.shop.name
  name   = "Sensitive"
  values = { local = "$SV_VALUE" }
}
resource "encore_environment" "ext" {
  app   = encore_app.shop.name
  name  = "ext"
  type  = "development"
  cloud = "local"
  database {
    existing_server {
      host                      = "127.0.0.1"
      admin_user                = "postgres"
      admin_password_wo         = var.wo
      admin_password_wo_version = 1
    }
  }
}
HCL
} >"$D/main.tf"
export TF_VAR_wo="$WO_VALUE"
export TF_LOG_PROVIDER=TRACE
export TF_LOG_PATH="$WORK/terraform.log"
"$TERRAFORM" -chdir="$D" plan -no-color -input=false -out="$D/saved.tfplan" >"$D/plan.out" 2>&1 ||
  { cat "$D/plan.out" >&2; die "plan failed"; }
"$TERRAFORM" -chdir="$D" show -json "$D/saved.tfplan" >"$D/plan.json"
"$TERRAFORM" -chdir="$D" apply -no-color -input=false "$D/saved.tfplan" >"$D/apply.out" 2>&1 ||
  { cat "$D/apply.out" >&2; die "apply failed"; }
"$TERRAFORM" -chdir="$D" show -json >"$D/show.json"
unset TF_LOG_PROVIDER TF_LOG_PATH

# The values did reach the agent.
expect_eq "$(agent secret get shop/WriteOnly --key production)" "$WO_VALUE" "agent holds the write-only value"
expect_eq "$(agent secret get shop/Sensitive --key local)" "$SV_VALUE" "agent holds the sensitive value"

# grep_all VALUE WHAT PATHS...: fails if VALUE is in any file under PATHS
# (binary files included: grep -a).
grep_none() {
  local value="$1" what="$2"
  shift 2
  local hits
  hits="$(grep -rla -- "$value" "$@" 2>/dev/null || true)"
  if [ -n "$hits" ]; then
    fail "$what found in: $(echo $hits)"
  fi
}
log "write-only value: nowhere"
grep_none "$WO_VALUE" "write-only secret value" "$D" "$AGENT_DIR" "$AGENT_LOG" "$WORK/terraform.log"
log "sensitive value: only in state and saved plan"
grep_none "$SV_VALUE" "sensitive secret value" "$AGENT_DIR" "$AGENT_LOG" "$WORK/terraform.log" "$D/plan.out" "$D/apply.out"
grep -qa -- "$SV_VALUE" "$D/terraform.tfstate" || fail "the sensitive value is not in the state (Terraform keeps sensitive arguments there)"
# Admin passwords given write-only: nowhere either.
[ -n "$(agent_json env show shop/ext | jq -r '.spec.database.existing_server.admin_password_fingerprint // empty')" ] ||
  fail "agent did not record the admin password (no fingerprint)"
# One request id joins the provider's and the agent's log lines of a call.
ids="$(grep -o 'req-[0-9a-f]\{16\}' "$WORK/terraform.log" | sort -u)"
[ -n "$ids" ] || fail "the provider's log shows no request id"
for id in $(head -n 5 <<<"$ids"); do
  grep -q "request_id=$id" "$AGENT_LOG" || fail "request id $id is in the provider's log but not the agent's"
done
# The agent's data dir has only sealed values: the SQLite file holds
# "v1:" sealed forms.
# (Dumped to a file first: grep -q ending a pipe early would make sqlite3
# fail with SIGPIPE under pipefail.)
sqlite3 "$AGENT_DIR/agent.db" .dump >"$WORK/store.sql"
grep -q 'v1:' "$WORK/store.sql" || fail "no sealed values in the store"
grep_none "$WO_VALUE" "write-only secret value" "$WORK/store.sql"
grep_none "$SV_VALUE" "sensitive secret value" "$WORK/store.sql"
finish
