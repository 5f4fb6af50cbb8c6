#!/usr/bin/env bash
# The quick start (the main job). On a fresh Debian 12, as root:
#
#   bash .goreleaser-free-scripts/quickstart.sh
#
# Installs the Debian packages, builds terraform-provider-encore and
# encore-agent, starts the agent on a fresh data dir with its embedded
# defaults (unix socket, admin token written to the data dir), points
# Terraform at the provider with a dev_overrides CLI config (no `terraform
# init` needed), applies examples/quickstart and prints what was created:
# each environment's URL and status, the infrastructure the agent
# provisioned for it (PostgreSQL, Redis, NATS, bucket directories, run by the
# agent), and how to connect: the local environment's runtime config.
#
# The agent keeps running afterwards (its pid, data dir and how to stop it
# are printed) so you can explore with `encore-agent env show shop/local`.
# Environment: JOBS (default 2); QUICKSTART_DIR (default examples/quickstart);
# QUICKSTART_STOP_AGENT=1 stops the agent at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-2}"
EXAMPLE="${QUICKSTART_DIR:-$ROOT/examples/quickstart}"

step() { echo; echo "==> $*"; }

step "Installing build dependencies (Debian packages)"
bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"
command -v terraform >/dev/null || {
  echo "quickstart: terraform is not on PATH; install Terraform >= 1.11 first" >&2
  exit 1
}
terraform version | head -n1

step "Building terraform-provider-encore and encore-agent"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" -j"$JOBS" terraform-provider-encore encore-agent
BIN="$ROOT/build/bin/terraform-provider-encore"
AGENT="$ROOT/build/bin/encore-agent"
"$BIN" -version
"$AGENT" --version

[ -d "$EXAMPLE" ] && ls "$EXAMPLE"/*.tf >/dev/null 2>&1 || {
  echo "quickstart: no configuration in $EXAMPLE" >&2
  exit 1
}

step "Starting encore-agent with its embedded defaults"
# No flags: the agent picks its default data dir ($XDG_STATE_HOME/encore-agent,
# or /var/lib/encore-agent as root) and serves on agent.sock there; the
# provider, configured with nothing, finds that socket and the admin token
# the agent wrote beside it.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/encore-quickstart.XXXXXX")"
unset ENCORE_AGENT ENCORE_TOKEN ENCORE_CA_CERT
AGENT_PID=""
if "$AGENT" info >/dev/null 2>&1; then
  echo "    an encore-agent is already serving the default socket: using it"
else
  "$AGENT" serve >"$WORK/agent.log" 2>&1 &
  AGENT_PID=$!
  for _ in $(seq 1 200); do
    "$AGENT" info >/dev/null 2>&1 && break
    kill -0 "$AGENT_PID" 2>/dev/null || { cat "$WORK/agent.log" >&2; exit 1; }
    sleep 0.05
  done
  sed 's/^/    /' "$WORK/agent.log"
fi
"$AGENT" info | sed 's/^/    /'
cli() { "$AGENT" "$@"; }
if [ "${QUICKSTART_STOP_AGENT:-0}" = 1 ] && [ -n "$AGENT_PID" ]; then
  trap 'kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
fi

step "Writing a Terraform CLI config with dev_overrides"
RC="$ROOT/build/terraformrc"
cat >"$RC" <<HCL
# Terraform runs the provider from the build directory (no init needed).
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.terraform.io/encoredev/encore" = "$(dirname "$BIN")"
  }
  direct {}
}
HCL
echo "    $RC:"
sed 's/^/    /' "$RC"
export TF_CLI_CONFIG_FILE="$RC"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1

# Work on a copy so the example directory stays clean.
mkdir -p "$WORK/quickstart"
cp -r "$EXAMPLE"/. "$WORK/quickstart/"
rm -rf "$WORK/quickstart/.terraform" "$WORK/quickstart/.terraform.lock.hcl" "$WORK/quickstart"/*.tfstate*

step "terraform apply (${EXAMPLE#"$ROOT"/})"
terraform -chdir="$WORK/quickstart" apply -no-color -input=false -auto-approve | tail -n 20

step "What was created"
terraform -chdir="$WORK/quickstart" output -no-color
echo
cli env list --app shop
for env in $(cli env list --app shop --json | jq -r '.[].spec.name'); do
  echo
  cli env show "shop/$env"
done

step "How to connect (the local environment's runtime config; passwords with --secrets true)"
cli runtime-config shop/local

step "Plan after apply (expect no changes)"
terraform -chdir="$WORK/quickstart" plan -no-color -input=false -detailed-exitcode | tail -n 3

cat <<TXT

The agent keeps running${AGENT_PID:+ (pid $AGENT_PID)}; try:
  export TF_CLI_CONFIG_FILE=$RC
  $AGENT env show shop/local                  # an environment, its infrastructure
  $AGENT runtime-config shop/local --secrets true   # connection facts with passwords
  $AGENT drift shop/local                     # what changed outside the agent
  $AGENT audit                                # who changed what
  terraform -chdir=$WORK/quickstart destroy   # remove it all
  ${AGENT_PID:+kill $AGENT_PID                               # stop the agent}
The servers the agent started keep running after it stops;
\`$AGENT backends stop\` stops them.
TXT
