#!/usr/bin/env bash
# Real local infrastructure (DESIGN §5, §7) through real terraform, a real
# agent, PostgreSQL, Redis and NATS: examples/local applies; each service's
# role connects with the runtime config's credentials; the cache answers with
# its eviction policy; the stream and the durable consumer exist with the
# model's settings; the bucket directory exists. Then the minimal-patch
# rules: plan with refresh reads no backend; a non-infrastructure change
# makes no backend call; hand-made changes to what the agent does not own
# survive applies and show in `drift`; a hand-made change to an owned
# attribute makes the next apply that changes it fail with a conflict, and
# force_conflicts applies it; a foreign database with a model's name is an
# error naming the fix. Destroy removes what the agent made.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
command -v psql >/dev/null || die "psql is missing (install-deps.sh installs postgresql)"
command -v redis-cli >/dev/null || die "redis-cli is missing (install-deps.sh installs redis-server)"

start_agent
D="$WORK/local"
mkdir -p "$D"
cp "$REPO_ROOT/examples/local/main.tf" "$D/main.tf"
apply "$D" "apply examples/local" || die "cannot continue"
expect_eq "$(agent_json env show shop/local | jq -r .status)" "ready" "status after apply"

RC="$(agent runtime-config shop/local --secrets true)"
SQL_HOST="$(echo "$RC" | jq -r '.sql_servers[0].host')"
DB_USER="$(echo "$RC" | jq -r '.sql_servers[0].databases.orders.username')"
DB_PASS="$(echo "$RC" | jq -r '.sql_servers[0].databases.orders.password')"
PGURL="postgresql://$DB_USER:$DB_PASS@$SQL_HOST/orders?sslmode=disable"
psql_as() { PGCONNECT_TIMEOUT=5 psql "$PGURL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
expect_eq "$(psql_as 'select current_user')" "$DB_USER" "the service role connects"
psql_as "create table orders_t (id int); insert into orders_t values (1)" ||
  fail "the service role cannot create a table"
# Both forms of the document follow the JSON Schema in schema/.
validate_rc() {
  /usr/bin/python3 -c 'import json,sys,jsonschema
schema=json.load(open(sys.argv[1])); doc=json.load(sys.stdin)
jsonschema.validate(doc, schema)' "$REPO_ROOT/schema/runtime_config/v1/runtime_config.schema.json"
}
echo "$RC" | validate_rc || fail "the runtime config (with secrets) does not follow its JSON Schema"
agent runtime-config shop/local | validate_rc || fail "the runtime config does not follow its JSON Schema"
# On disk the runtime config holds no password: an $env reference instead.
expect_eq "$(agent runtime-config shop/local | jq -r '.sql_servers[0].databases.orders.password["$env"]')" \
  "ENCORE_DB_ORDERS_PASSWORD" "password reference without --secrets"

REDIS_PORT="$(echo "$RC" | jq -r '.redis.sessions.host' | cut -d: -f2)"
redis() { redis-cli -p "$REDIS_PORT" "$@"; }
expect_eq "$(redis ping)" "PONG" "the cache answers"
expect_eq "$(redis config get maxmemory-policy | tail -1)" "allkeys-lru" "eviction policy"

NATS_URL="$(echo "$RC" | jq -r '.pubsub[0].servers[0]')"
NATS_PORT="${NATS_URL##*:}"
# js_api SUBJECT: one JetStream API request over the NATS protocol.
js_api() {
  exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT" || return 1
  printf 'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.t 1\r\nPUB %s _INBOX.t 0\r\n\r\n' "$1" >&3
  local line
  while IFS= read -r -t 5 line <&3; do
    case "$line" in MSG*) IFS= read -r -t 5 line <&3; echo "${line%$'\r'}"; break ;; esac
  done
  exec 3>&-
}
STREAM="$(js_api '$JS.API.STREAM.INFO.order-created')"
expect_eq "$(echo "$STREAM" | jq -r '.config.subjects[0]')" "order-created" "stream subject"
expect_eq "$(echo "$STREAM" | jq -r '.config.description')" "managed-by=encore-agent env=shop/local" "stream mark"
CONSUMER="$(js_api '$JS.API.CONSUMER.INFO.order-created.send-email')"
expect_eq "$(echo "$CONSUMER" | jq -r '.config.ack_wait')" "30000000000" "consumer ack wait (30s)"
expect_eq "$(echo "$CONSUMER" | jq -r '.config.max_deliver')" "6" "consumer max deliveries (5 retries)"

BUCKET="$(echo "$RC" | jq -r '.object_storage[0].buckets.receipts.path')"
[ -f "$BUCKET/.encore-bucket.json" ] || fail "bucket directory $BUCKET is missing"
expect_eq "$(echo "$RC" | jq -r '.cron_jobs[0].status')" "not_triggered" "local cron"

# ---- backend call counters ---------------------------------------------------
counters() { agent_json counters | jq -c "{r: ([.[].reads] | add), w: ([.[].writes] | add)}"; }
C0="$(counters)"
expect_plan_empty "$D" "plan after apply"
C1="$(counters)"
expect_eq "$C1" "$C0" "terraform plan (with refresh) makes no backend call"
log "counters after plan: $C1"
sed -i 's/  cloud = "local"\n}/X/' "$D/main.tf"
python3 - "$D/main.tf" <<'PY'
import sys; p=sys.argv[1]; s=open(p).read()
s=s.replace('  cloud = "local"\n}', '  cloud = "local"\n  deletion_policy = "delete"\n}',1)
open(p,'w').write(s)
PY
apply "$D" "deletion_policy change"
C2="$(counters)"
expect_eq "$C2" "$C1" "a non-infrastructure change makes no backend read or write"
log "counters after a non-infrastructure change: $C2"

# ---- hand-made changes to what the agent does not own survive ------------------
psql_as "alter database orders set statement_timeout = '5s'"
redis config set timeout 30 >/dev/null
sed -i 's/eviction_policy = "allkeys-lru"/eviction_policy = "allkeys-lfu"/' "$D/main.tf"
apply "$D" "eviction policy change"
C3="$(counters)"
log "counters after one attribute change: $C3 (before $C2)"
expect_eq "$(( $(echo "$C3" | jq .w) - $(echo "$C2" | jq .w) ))" "1" "one changed attribute is one backend write"
expect_eq "$(redis config get maxmemory-policy | tail -1)" "allkeys-lfu" "policy changed"
expect_eq "$(redis config get timeout | tail -1)" "30" "a hand-set redis timeout survives"
expect_eq "$(psql_as 'show statement_timeout')" "5s" "a hand-set statement_timeout survives"
expect_eq "$(psql_as 'select count(*) from orders_t')" "1" "the table someone made survives"
DRIFT="$(agent drift shop/local || true)"
echo "$DRIFT" | grep -q 'foreign_change.*statement_timeout' || fail "drift does not list statement_timeout: $DRIFT"
echo "$DRIFT" | grep -q 'foreign_change.*cache sessions timeout' || fail "drift does not list redis timeout: $DRIFT"

# ---- a hand-made change to an owned attribute is a conflict --------------------
redis config set maxmemory-policy volatile-lru >/dev/null
sed -i 's/eviction_policy = "allkeys-lfu"/eviction_policy = "noeviction"/' "$D/main.tf"
if "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/conflict.out" 2>&1; then
  fail "apply over a hand-made change to an owned attribute succeeded"
fi
grep -q 'maxmemory-policy' "$D/conflict.out" && grep -q 'allkeys-lfu' "$D/conflict.out" &&
  grep -q 'volatile-lru' "$D/conflict.out" ||
  { fail "the conflict does not name attribute, expected and actual"; cat "$D/conflict.out" >&2; }
expect_eq "$(redis config get maxmemory-policy | tail -1)" "volatile-lru" "nothing written on conflict"
ENCORE_FORCE_CONFLICTS=1 apply "$D" "apply with force_conflicts"
expect_eq "$(redis config get maxmemory-policy | tail -1)" "noeviction" "force_conflicts applies"
expect_eq "$(agent_json audit | jq '[.[] | select(.action == "environment.force_conflicts")] | length')" "1" "forced write audited"

# ---- a foreign database with a model's name ------------------------------------
find_agent_postgres shop/local
psql_admin 'create database inventory' ||
  die "cannot make the foreign database"
sed -i 's/databases = \[{ name = "orders" }\]/databases = [{ name = "orders" }, { name = "inventory" }]/' "$D/main.tf"
sed -i 's/{ name = "email", databases = \["orders"\] }/{ name = "email", databases = ["orders", "inventory"] }/' "$D/main.tf"
if "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/foreign.out" 2>&1; then
  fail "apply over a foreign database succeeded"
fi
grep -q 'adopt' "$D/foreign.out" || { fail "the foreign-database error does not name the fix"; cat "$D/foreign.out" >&2; }
python3 - "$D/main.tf" <<'PY'
import sys; p=sys.argv[1]; s=open(p).read()
s=s.replace('  deletion_policy = "delete"\n}', '  deletion_policy = "delete"\n  adopt {\n    kind   = "sql_database"\n    name   = "inventory"\n    policy = "observe"\n  }\n}',1)
open(p,'w').write(s)
PY
apply "$D" "apply with adopt observe"

# ---- restart, then reconcile: nothing to write ---------------------------------
# The agent stopped (SIGTERM) and started again on the same data dir: the
# servers it started keep running, and `reconcile` of the unchanged
# environment (the path a restarted agent takes) makes no backend read or
# write, since the ledger says everything is in place. A drift scan after it
# reaches the same servers (re-attached by pid and port files, not started
# again).
NATS_PID_FILE="$AGENT_DIR/backends/nats/nats.pid"
NATS_PID="$(cat "$NATS_PID_FILE")"
kill -TERM "$AGENT_PID"
RC_TERM=0
wait "$AGENT_PID" 2>/dev/null || RC_TERM=$?
expect_eq "$RC_TERM" "0" "the agent exits cleanly on SIGTERM"
kill -0 "$NATS_PID" 2>/dev/null || fail "nats-server did not outlive the agent"
expect_eq "$(redis ping)" "PONG" "redis-server outlives the agent"
restart_agent
expect_eq "$(agent reconcile shop/local)" "shop/local: ready" "reconcile after restart"
CR="$(counters)"
log "counters after restart + reconcile: $CR (per driver: $(agent_json counters | jq -c 'map_values([.reads, .writes])'))"
expect_eq "$(echo "$CR" | jq .w)" "0" "reconcile after a restart makes no backend write"
expect_eq "$(echo "$CR" | jq .r)" "0" "reconcile after a restart makes no backend read"
DRIFT="$(agent drift shop/local || true)"
echo "$DRIFT" | grep -q 'foreign_change.*statement_timeout' ||
  fail "drift after the restart does not reach PostgreSQL: $DRIFT"
expect_eq "$(cat "$NATS_PID_FILE")" "$NATS_PID" "the restarted agent re-attaches to the same nats-server"
log "counters after a drift scan: $(counters)"

# ---- destroy -----------------------------------------------------------------
if ! "$TERRAFORM" -chdir="$D" destroy -no-color -input=false -auto-approve >"$D/destroy.out" 2>&1; then
  fail "destroy failed"; sed 's/^/    /' "$D/destroy.out" >&2
fi
DBS="$(psql_admin "select string_agg(datname, ',' order by datname) from pg_database where datname in ('orders','inventory')")"
expect_eq "$DBS" "inventory" "destroy drops the agent's database and never the adopted one"
[ -d "$BUCKET" ] && fail "bucket directory left after destroy"
finish
