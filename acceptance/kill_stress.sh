#!/usr/bin/env bash
# kill -9 of the agent at a random point of real local provisioning,
# repeated: every trial converges with no duplicate and no orphaned backend
# object (DESIGN §4 journal, §5 ownership marks).
#
# Each trial: a fresh app (stressN, environment "local") whose model has
# $K databases, topics, subscriptions, caches and buckets (names unique to
# the trial); `terraform apply` starts, the agent is killed with SIGKILL a
# random delay after the environment appears in its store, restarted (at
# once, or once the interrupted apply has failed: a coin toss), and apply
# re-runs until it succeeds (bounded). Then, against the real
# backends: status ready; each model resource exists exactly once with the
# environment's mark (PostgreSQL databases and roles by COMMENT, JetStream
# streams by description, consumers on their streams, cache directories by
# their mark file, one redis-server each (by its working directory) answering
# PING at the runtime config's address, bucket directories by their
# metadata); nothing else carries the mark (orphans). Destroy leaves nothing
# with the mark and no redis-server of the trial.
#
# Environment:
#   TRIALS       number of trials (default 3, what ctest runs; TRIALS=20 by
#                hand for a real stress run)
#   SEED         replays a run: the seed printed by a previous run
#   K            resources of each kind per trial (default 5)
#   KILL_MAX_MS  the kill comes 0..KILL_MAX_MS ms after the environment is
#                stored (default 1200; provisioning takes about 1 s)
# One line per trial: seed, kill delay, apply attempts, result.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
command -v psql >/dev/null || die "psql is missing (install-deps.sh installs postgresql)"
command -v redis-cli >/dev/null || die "redis-cli is missing (install-deps.sh installs redis-server)"

TRIALS="${TRIALS:-3}"
K="${K:-5}"
KILL_MAX_MS="${KILL_MAX_MS:-1200}"
SEED="${SEED:-$RANDOM}"
RANDOM="$SEED"
log "seed $SEED (SEED=$SEED TRIALS=$TRIALS replays this run)"

start_agent

# model_tf DIR TRIAL: the configuration of one trial.
model_tf() {
  local dir="$1" t="$2" k svcs="" dbs="" topics="" subs="" caches="" buckets=""
  for k in $(seq 1 "$K"); do
    svcs+="{ name = \"t${t}svc$k\", databases = [\"t${t}db$k\"], publishes = [\"t${t}topic$k\"], caches = [\"t${t}cache$k\"], buckets = [\"t${t}bucket$k\"] },"$'\n'
    dbs+="{ name = \"t${t}db$k\" },"
    topics+="{ name = \"t${t}topic$k\", delivery = \"at-least-once\" },"
    subs+="{ name = \"t${t}sub$k\", topic = \"t${t}topic$k\", service = \"t${t}svc$k\", max_retries = 3 },"
    caches+="{ name = \"t${t}cache$k\", eviction_policy = \"allkeys-lru\" },"
    buckets+="{ name = \"t${t}bucket$k\", public = false, versioned = false },"
  done
  {
    provider_block
    cat <<HCL
resource "encore_app" "a" {
  name = "stress$t"
  model = jsonencode({
    services      = [$svcs]
    databases     = [$dbs]
    topics        = [$topics]
    subscriptions = [$subs]
    caches        = [$caches]
    buckets       = [$buckets]
  })
}
resource "encore_environment" "e" {
  app             = encore_app.a.name
  name            = "local"
  type            = "local"
  cloud           = "local"
  deletion_policy = "delete"
}
HCL
  } >"$dir/main.tf"
}

# ---- what the backends hold with a mark ------------------------------------------
PG_HOST="" PG_PORT="" PG_SOCK="" NATS_PORT=""
find_backends() {
  local rc="$1" d
  [ -n "$PG_SOCK" ] && return 0
  PG_HOST="$(jq -r '.sql_servers[0].host' <<<"$rc")"
  PG_PORT="${PG_HOST##*:}"
  for d in /dev/shm/encore-agent-*/postgres-test/run; do
    [ -S "$d/.s.PGSQL.$PG_PORT" ] && PG_SOCK="$d"
  done
  [ -n "$PG_SOCK" ] || die "cannot find the agent's PostgreSQL socket"
  local url
  url="$(jq -r '.pubsub[0].servers[0]' <<<"$rc")"
  NATS_PORT="${url##*:}"
}
admin_sql() {
  PGCONNECT_TIMEOUT=5 psql -h "$PG_SOCK" -p "$PG_PORT" -U encore_admin -d postgres -XAtq -v ON_ERROR_STOP=1 -c "$1"
}
# js_api SUBJECT: one JetStream API request (as local_infra.sh does).
js_api() {
  exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT" || return 1
  printf 'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.t 1\r\nPUB %s _INBOX.t 0\r\n\r\n' "$1" >&3
  local line
  while IFS= read -r -t 5 line <&3; do
    case "$line" in MSG*) IFS= read -r -t 5 line <&3; echo "${line%$'\r'}"; break ;; esac
  done
  exec 3>&-
}
# marked_* MARK: sorted names of the objects carrying MARK, one per line.
marked_dbs() {
  admin_sql "select d.datname from pg_database d join pg_shdescription s on s.objoid = d.oid
             and s.classoid = 'pg_database'::regclass where s.description = '$1' order by 1"
}
marked_roles() {
  admin_sql "select r.rolname from pg_roles r join pg_shdescription s on s.objoid = r.oid
             and s.classoid = 'pg_authid'::regclass where s.description = '$1' order by 1"
}
marked_streams() {
  local out
  out="$(js_api '$JS.API.STREAM.LIST')" || return 1
  jq -e '.streams' <<<"$out" >/dev/null || { echo "bad STREAM.LIST answer: $out" >&2; return 1; }
  jq -r --arg m "$1" '.streams[] | select(.config.description == $m) | .config.name' <<<"$out" | sort
}
# consumers STREAM: "stream/consumer" for each consumer on STREAM.
consumers() {
  local out
  out="$(js_api "\$JS.API.CONSUMER.NAMES.$1")" || return 1
  jq -r --arg s "$1" '(.consumers // [])[] | "\($s)/\(.)"' <<<"$out"
}
marked_dirs() {  # ROOT FILE MARK_JQ MARK
  local root="$1" file="$2" d
  [ -d "$root" ] || return 0
  for d in "$root"/*/; do
    d="${d%/}"
    [ -f "$d/$file" ] || continue
    if [ "$file" = encore-agent.mark ]; then
      [ "$(cat "$d/$file")" = "$4" ] && basename "$d"
    else
      [ "$(jq -r "$3" "$d/$file" 2>/dev/null)" = "$4" ] && basename "$d"
    fi
  done | sort
}
# redis_servers PREFIX: the cache dir (basename) of every running
# redis-server whose working directory (--dir) is a cache dir of this agent
# named PREFIX*, one line per server (a second server for a cache shows
# twice; a server of a removed dir shows too).
redis_servers() {
  local p cwd
  for p in $(pgrep -x redis-server || true); do
    cwd="$(readlink "/proc/$p/cwd" 2>/dev/null)" || continue
    cwd="${cwd% (deleted)}"
    case "$cwd" in "$AGENT_DIR/backends/redis/$1"*) basename "$cwd" ;; esac
  done | sort
}
marked_caches() { marked_dirs "$AGENT_DIR/backends/redis" encore-agent.mark "" "$1"; }
marked_buckets() { marked_dirs "$AGENT_DIR/buckets" .encore-bucket.json .mark "$1"; }

# expect_set WHAT ACTUAL EXPECTED: two newline lists, compared as sorted sets
# (a duplicate shows as an extra line).
expect_set() {
  local got want
  got="$(sort <<<"$2" | sed '/^$/d' | tr '\n' ' ')"
  want="$(sort <<<"$3" | sed '/^$/d' | tr '\n' ' ')"
  expect_eq "$got" "$want" "$1"
}

names() { local p="$1" k; for k in $(seq 1 "$K"); do echo "$p$k"; done; }

# verify_converged TRIAL: the checks after a successful apply.
verify_converged() {
  local t="$1" mark="managed-by=encore-agent env=stress$1/local" rc k ok=0
  local before=$FAILURES
  expect_eq "$(agent_json env show "stress$t/local" | jq -r .status)" ready "trial $t status" || return 1
  rc="$(agent runtime-config "stress$t/local" --secrets true)"
  find_backends "$rc"
  expect_set "trial $t marked databases" "$(marked_dbs "$mark")" "$(names "t${t}db")"
  expect_set "trial $t marked roles" "$(marked_roles "$mark")" "$(names "t${t}svc" | sed 's/$/_svc/')"
  expect_set "trial $t marked streams" "$(marked_streams "$mark")" \
    "$(names "t${t}topic"; names "t${t}sub" | sed 's/$/-dlq/')"
  local cons=""
  for k in $(seq 1 "$K"); do cons+="$(consumers "t${t}topic$k")"$'\n'; done
  expect_set "trial $t consumers" "$cons" "$(for k in $(seq 1 "$K"); do echo "t${t}topic$k/t${t}sub$k"; done)"
  expect_set "trial $t marked cache dirs" "$(marked_caches "$mark")" "$(names "t${t}cache")"
  expect_set "trial $t marked bucket dirs" "$(marked_buckets "$mark")" "$(names "t${t}bucket")"
  expect_set "trial $t redis-servers" "$(redis_servers "t${t}cache")" "$(names "t${t}cache")"
  local pongs=0 addr
  for k in $(seq 1 "$K"); do
    addr="$(jq -r --arg c "t${t}cache$k" '.redis[$c].host' <<<"$rc")"
    [ "$(redis-cli -h "${addr%:*}" -p "${addr##*:}" ping 2>/dev/null)" = PONG ] && pongs=$((pongs + 1))
  done
  expect_eq "$pongs" "$K" "trial $t caches answering PING"
  # The databases answer as their roles (credentials in the runtime config).
  local user pass
  user="$(jq -r --arg d "t${t}db1" '.sql_servers[0].databases[$d].username' <<<"$rc")"
  pass="$(jq -r --arg d "t${t}db1" '.sql_servers[0].databases[$d].password' <<<"$rc")"
  expect_eq "$(PGCONNECT_TIMEOUT=5 psql "postgresql://$user:$pass@$PG_HOST/t${t}db1?sslmode=disable" -XAtq -c 'select current_user' 2>&1)" \
    "$user" "trial $t the service role connects"
  [ "$FAILURES" -eq "$before" ]
}

# verify_gone TRIAL: nothing with the trial's mark remains.
verify_gone() {
  local t="$1" mark="managed-by=encore-agent env=stress$1/local"
  local before=$FAILURES
  expect_set "trial $t databases after destroy" "$(marked_dbs "$mark")" ""
  expect_set "trial $t roles after destroy" "$(marked_roles "$mark")" ""
  expect_set "trial $t streams after destroy" "$(marked_streams "$mark")" ""
  expect_set "trial $t cache dirs after destroy" "$(marked_caches "$mark")" ""
  expect_set "trial $t bucket dirs after destroy" "$(marked_buckets "$mark")" ""
  expect_set "trial $t redis-servers after destroy" "$(redis_servers "t${t}cache")" ""
  [ "$FAILURES" -eq "$before" ]
}

SUMMARY=()
for t in $(seq 1 "$TRIALS"); do
  D="$WORK/t$t"
  mkdir -p "$D"
  model_tf "$D" "$t"
  delay_ms=$((RANDOM % (KILL_MAX_MS + 1)))
  before=$FAILURES
  started=$SECONDS
  "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/apply0.out" 2>&1 &
  apply_pid=$!
  # The environment is stored when the agent starts provisioning it.
  for i in $(seq 1 600); do
    n="$(sqlite3 "$AGENT_DIR/agent.db" "select count(*) from environments where app = 'stress$t'" 2>/dev/null || echo 0)"
    [ "${n:-0}" -ge 1 ] && break
    kill -0 "$apply_pid" 2>/dev/null || break
    sleep 0.02
  done
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  st="$(sqlite3 "$AGENT_DIR/agent.db" "select status from environments where app = 'stress$t'" 2>/dev/null || true)"
  kill -9 "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  # Restarted at once (as a supervisor would: the interrupted apply fails or,
  # if its provider reconnects in time, finishes) or once the interrupted
  # apply has failed.
  if [ $((RANDOM % 2)) -eq 0 ]; then
    restart=" at once"
    restart_agent
    first=ok
    wait "$apply_pid" || first=failed
  else
    restart=" after the apply ended"
    first=ok
    wait "$apply_pid" || first=failed
    restart_agent
  fi
  attempts=0 applied=no
  while [ "$attempts" -lt 5 ]; do
    attempts=$((attempts + 1))
    if "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/apply$attempts.out" 2>&1; then
      applied=yes
      break
    fi
    log "trial $t: re-apply $attempts failed: $(grep -m1 'Error' "$D/apply$attempts.out" || tail -1 "$D/apply$attempts.out")"
  done
  result=converged
  if [ "$applied" != yes ]; then
    fail "trial $t: no apply succeeded after the kill ($attempts attempts)"
    sed 's/^/    /' "$D/apply$attempts.out" >&2
    result=FAILED
  else
    expect_plan_empty "$D" "trial $t after convergence" || true
    verify_converged "$t" || result=FAILED
    if ! "$TERRAFORM" -chdir="$D" destroy -no-color -input=false -auto-approve >"$D/destroy.out" 2>&1; then
      fail "trial $t: destroy failed"
      sed 's/^/    /' "$D/destroy.out" >&2
    fi
    verify_gone "$t" || result=FAILED
  fi
  [ "$FAILURES" -eq "$before" ] || result=FAILED
  line="trial $t: seed $SEED, kill ${delay_ms} ms after store (status \"${st:0:24}\"), restart$restart, first apply $first, re-applies $attempts, $result ($((SECONDS - started)) s)"
  log "$line"
  SUMMARY+=("$line")
done
agent audit verify >"$WORK/verify.out" 2>&1 || fail "audit verify after the kills: $(cat "$WORK/verify.out")"
expect_eq "$(sqlite3 "$AGENT_DIR/agent.db" 'PRAGMA integrity_check')" ok "store integrity"
log "summary (seed $SEED):"
printf '  %s\n' "${SUMMARY[@]}"
finish
