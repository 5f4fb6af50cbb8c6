# Helpers for acceptance scripts that need a real encore-agent (sourced
# after lib.sh).
#
# Environment: AGENT_BIN  path of the built encore-agent (set by
# acceptance/CMakeLists.txt; default build/bin/encore-agent).
#
# start_agent [NAME] starts `encore-agent serve` on a fresh data dir
# $WORK/NAME (default "agent"), waits until it serves, and exports
# ENCORE_AGENT and ENCORE_TOKEN (the admin token it wrote), which both the
# provider and the CLI read. The agent is stopped on exit.

: "${AGENT_BIN:=$REPO_ROOT/build/bin/encore-agent}"
[ -x "$AGENT_BIN" ] || die "agent binary $AGENT_BIN is missing (build it first)"
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (install-deps.sh installs it)"

# Local infrastructure goes to the agent's fast PostgreSQL cluster (tmpfs,
# fsync off); the servers it starts are stopped when the script ends.
export ENCORE_AGENT_SQL_CLUSTER="${ENCORE_AGENT_SQL_CLUSTER:-test}"
AGENT_PIDS=()
AGENT_DIRS=()
stop_all_agents() {
  local p d
  for p in "${AGENT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${AGENT_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for d in "${AGENT_DIRS[@]}"; do
    "$AGENT_BIN" backends stop --data-dir "$d" >/dev/null 2>&1 || true
  done
}
CLEANUP_HOOK="stop_all_agents"

# start_agent [NAME]: see above. Sets AGENT_DIR, AGENT_PID, AGENT_LOG.
start_agent() {
  local name="${1:-agent}"
  AGENT_DIR="$WORK/$name"
  AGENT_LOG="$WORK/$name.log"
  mkdir -p "$AGENT_DIR"
  chmod 700 "$AGENT_DIR"
  AGENT_DIRS+=("$AGENT_DIR")
  "$AGENT_BIN" serve --data-dir "$AGENT_DIR" >>"$AGENT_LOG" 2>&1 &
  AGENT_PID=$!
  AGENT_PIDS+=("$AGENT_PID")
  local i
  for i in $(seq 1 200); do
    if [ -S "$AGENT_DIR/agent.sock" ] && [ -s "$AGENT_DIR/admin.token" ] &&
      grep -q "serving on" "$AGENT_LOG"; then
      break
    fi
    kill -0 "$AGENT_PID" 2>/dev/null || die "encore-agent exited: $(tail -5 "$AGENT_LOG")"
    sleep 0.05
  done
  [ -S "$AGENT_DIR/agent.sock" ] || die "encore-agent did not start: $(tail -5 "$AGENT_LOG")"
  export ENCORE_AGENT="unix://$AGENT_DIR/agent.sock"
  ENCORE_TOKEN="$(tr -d '\n' <"$AGENT_DIR/admin.token")"
  export ENCORE_TOKEN
  ADMIN_TOKEN="$ENCORE_TOKEN"
}

# restart_agent: starts the agent again on the same data dir (after a kill).
restart_agent() {
  local dir="$AGENT_DIR"
  "$AGENT_BIN" serve --data-dir "$dir" >>"$AGENT_LOG" 2>&1 &
  AGENT_PID=$!
  AGENT_PIDS+=("$AGENT_PID")
  local i
  for i in $(seq 1 200); do
    if "$AGENT_BIN" --agent "$ENCORE_AGENT" --token "$ADMIN_TOKEN" info >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.05
  done
  die "encore-agent did not restart: $(tail -5 "$AGENT_LOG")"
}

# agent ARGS...: the CLI against the running agent, with the admin token
# (AS_TOKEN=... overrides the token).
agent() {
  "$AGENT_BIN" --agent "$ENCORE_AGENT" --token "${AS_TOKEN:-$ADMIN_TOKEN}" "$@"
}

# agent_json ARGS...: the CLI's --json output.
agent_json() { agent "$@" --json; }

# find_agent_postgres APP/ENV: sets PG_PORT and PG_SOCK to the agent's
# PostgreSQL cluster that serves the environment's databases (its runtime
# config names the port; the socket is in the test cluster's run dir).
find_agent_postgres() {
  local host d
  host="$(agent runtime-config "$1" | jq -r '.sql_servers[0].host')"
  PG_PORT="${host##*:}"
  PG_SOCK=""
  for d in /dev/shm/encore-agent-*/postgres-test/run "$AGENT_DIR"/backends/postgres-test/run; do
    if [ -S "$d/.s.PGSQL.$PG_PORT" ]; then PG_SOCK="$d"; fi
  done
  [ -n "$PG_SOCK" ] || die "cannot find the agent's PostgreSQL socket for port $PG_PORT"
}

# psql_admin SQL [DATABASE]: SQL as the cluster's superuser over its unix
# socket (after find_agent_postgres); rows unaligned, no headers.
psql_admin() {
  PGCONNECT_TIMEOUT=5 psql -h "$PG_SOCK" -p "$PG_PORT" -U encore_admin -d "${2:-postgres}" \
    -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  if [ "$1" != "$2" ]; then
    fail "$3: got '$1', want '$2'"
    return 1
  fi
}

# plan_actions DIR: "address:action,action" for every resource change that
# is not a no-op, one per line, sorted (empty when the plan is empty).
plan_actions() {
  local dir="$1"
  "$TERRAFORM" -chdir="$dir" plan -no-color -input=false -out="$dir/actions.tfplan" >"$dir/plan.out" 2>&1 ||
    { cat "$dir/plan.out" >&2; return 1; }
  "$TERRAFORM" -chdir="$dir" show -json "$dir/actions.tfplan" |
    jq -r '.resource_changes[]? | select(.change.actions != ["no-op"]) |
           "\(.address):\(.change.actions | join(","))"' | sort
}

# expect_plan_empty DIR WHAT: `terraform plan -detailed-exitcode` is 0.
expect_plan_empty() {
  local dir="$1" what="$2" rc=0
  "$TERRAFORM" -chdir="$dir" plan -no-color -input=false -detailed-exitcode >"$dir/plan.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "$what: plan is not empty (exit $rc)"
    sed 's/^/    /' "$dir/plan.out" >&2
    return 1
  fi
}

# apply DIR WHAT [ARGS...]: terraform apply -auto-approve, output in
# DIR/apply.out; fails the test on error.
apply() {
  local dir="$1" what="$2"
  shift 2
  if ! "$TERRAFORM" -chdir="$dir" apply -no-color -input=false -auto-approve "$@" >"$dir/apply.out" 2>&1; then
    fail "$what: apply failed"
    sed 's/^/    /' "$dir/apply.out" >&2
    return 1
  fi
}

# provider_block: the terraform + provider blocks every config starts with.
provider_block() {
  cat <<'HCL'
terraform {
  required_providers {
    encore = { source = "encoredev/encore" }
  }
}
provider "encore" {}
HCL
}
