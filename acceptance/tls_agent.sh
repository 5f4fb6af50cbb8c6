#!/usr/bin/env bash
# The provider reaches an agent over TCP with TLS: `encore-agent serve
# --listen tcp://127.0.0.1:PORT` makes a self-signed certificate, and the
# provider's `agent = "https://127.0.0.1:PORT"` with `ca_cert` (a file path
# here; PEM text works too) applies and plans empty. Without the CA the
# provider reports an error naming the agent, never a silent fallback.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"

PORT=$((20000 + RANDOM % 20000))
DIR="$WORK/tls-agent"
mkdir -m 700 "$DIR"
"$AGENT_BIN" serve --data-dir "$DIR" --listen "tcp://127.0.0.1:$PORT" >"$WORK/tls-agent.log" 2>&1 &
AGENT_PIDS+=($!)
for _ in $(seq 1 200); do
  grep -q "serving on" "$WORK/tls-agent.log" && break
  sleep 0.05
done
grep -q "serving on" "$WORK/tls-agent.log" || die "agent did not start: $(cat "$WORK/tls-agent.log")"
[ -s "$DIR/tls/cert.pem" ] || die "no certificate in $DIR/tls"
expect_contains "$WORK/tls-agent.log" "ca_cert" "agent prints how clients trust it"
unset ENCORE_AGENT ENCORE_CA_CERT
export ENCORE_TOKEN="$(tr -d '\n' <"$DIR/admin.token")"

# config DIR CA_LINE
config() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<HCL
terraform {
  required_providers {
    encore = { source = "encoredev/encore" }
  }
}
provider "encore" {
  agent = "https://127.0.0.1:$PORT"
  $2
}
resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({ services = [{ name = "orders" }] })
}
HCL
}

D="$WORK/tls"
config "$D" "ca_cert = \"$DIR/tls/cert.pem\""
apply "$D" "apply over TLS" || finish
expect_plan_empty "$D" "after apply over TLS"
[ "$("$AGENT_BIN" --agent "https://127.0.0.1:$PORT" --ca-cert "$DIR/tls/cert.pem" --token "$ENCORE_TOKEN" app list --json | jq -r '.[0].name')" = shop ] ||
  fail "the agent does not list app shop"

N="$WORK/noca"
config "$N" ""
sed -i 's/name  = "shop"/name  = "other"/' "$N/main.tf"
if "$TERRAFORM" -chdir="$N" apply -no-color -input=false -auto-approve >"$N/apply.out" 2>&1; then
  fail "apply without the CA succeeded against a self-signed agent"
fi
expect_contains "$N/apply.out" "127.0.0.1:$PORT" "error without the CA names the agent"
finish
