#!/usr/bin/env bash
# database { branch_from = "ENV" } (DESIGN §3, §7) through real terraform, a
# real agent and its PostgreSQL: environment `dev` (cloud encore) gets a
# database and, through its service role, a table with rows; preview
# environment pr:7 branches from it while nobody is connected to dev's
# database (CREATE DATABASE ... TEMPLATE): the preview's service role reads
# dev's rows and writes its own, which dev never sees; destroying the
# preview leaves dev intact. Then pr:8 branches while a session of dev's
# service holds dev's database open: the copy is made anyway (a dump and
# restore), with dev's rows, and the session is not ended.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
command -v psql >/dev/null || die "psql is missing (install-deps.sh installs postgresql)"

HOLDER_PID=""
PR8_DB=""
PR8_USER=""
CLEANUP_HOOK='[ -n "$HOLDER_PID" ] && kill "$HOLDER_PID" 2>/dev/null; stop_all_agents'
start_agent
D="$WORK/branch"
mkdir -p "$D"
# write_config PREVIEWS...: dev plus one preview environment per number.
write_config() {
  provider_block
  cat <<'HCL'
resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services  = [{ name = "orders", databases = ["orders"] }]
    databases = [{ name = "orders" }]
  })
}
resource "encore_environment" "dev" {
  app   = encore_app.shop.name
  name  = "dev"
  type  = "development"
  cloud = "encore"
}
HCL
  local n
  for n in "$@"; do
    cat <<HCL
resource "encore_environment" "pr$n" {
  app   = encore_app.shop.name
  name  = "pr:$n"
  type  = "preview"
  cloud = "encore"
  database {
    branch_from = encore_environment.dev.name
  }
}
HCL
  done
}
write_config >"$D/main.tf"
apply "$D" "apply dev" || die "cannot continue"
expect_eq "$(agent_json env show shop/dev | jq -r .status)" "ready" "dev's status"

# url_of ENV: the orders database's URL for its service role.
url_of() {
  local rc host
  rc="$(agent runtime-config "shop/$1" --secrets true)" || return 1
  host="$(echo "$rc" | jq -r '.sql_servers[0].host')"
  printf 'postgresql://%s:%s@%s/%s?sslmode=disable' \
    "$(echo "$rc" | jq -r '.sql_servers[0].databases.orders.username' | jq -Rr @uri)" \
    "$(echo "$rc" | jq -r '.sql_servers[0].databases.orders.password' | jq -Rr @uri)" \
    "$host" \
    "$(echo "$rc" | jq -r '.sql_servers[0].databases.orders.name // "orders"' | jq -Rr @uri)"
}
sql() { PGCONNECT_TIMEOUT=5 psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }
DEV_URL="$(url_of dev)"
DEV_DB="$(agent runtime-config shop/dev | jq -r '.sql_servers[0].databases.orders.name // empty')"
log "dev's database: $DEV_DB"
sql "$DEV_URL" "create table items (id int primary key, name text);
  insert into items values (1, 'one'), (2, 'two'), (3, 'three')" ||
  die "cannot fill dev's database"
expect_eq "$(sql "$DEV_URL" 'select count(*) from items')" "3" "dev's rows"

find_agent_postgres shop/dev
sessions_on() { psql_admin "select count(*) from pg_stat_activity where datname = '$1'"; }
# Our psql sessions are closed: the TEMPLATE path is open.
for _ in $(seq 1 100); do [ "$(sessions_on "$DEV_DB")" = 0 ] && break; sleep 0.05; done
expect_eq "$(sessions_on "$DEV_DB")" "0" "nobody is connected to dev's database"

# ---- pr:7, nobody connected to the source --------------------------------------
write_config 7 >"$D/main.tf"
T0=$SECONDS
apply "$D" "apply pr:7 branched from dev" || die "cannot continue"
log "pr:7 branched in $((SECONDS - T0)) s"
expect_eq "$(agent_json env show 'shop/pr:7' | jq -r .status)" "ready" "pr:7's status"
PR7_URL="$(url_of 'pr:7')"
PR7_DB="$(agent runtime-config 'shop/pr:7' | jq -r '.sql_servers[0].databases.orders.name // empty')"
PR7_USER="$(agent runtime-config 'shop/pr:7' | jq -r '.sql_servers[0].databases.orders.username')"
log "pr:7's database: $PR7_DB, its service role: $PR7_USER"
[ "$PR7_DB" != "$DEV_DB" ] || fail "pr:7 uses dev's database $DEV_DB"
expect_eq "$(sql "$PR7_URL" 'select current_database()' 2>&1)" "$PR7_DB" "pr:7's role connects to its own database"
expect_eq "$(sql "$PR7_URL" 'select string_agg(name, $$,$$ order by id) from items' 2>&1)" "one,two,three" \
  "pr:7's service reads dev's rows"
log "pr:7 items owner: $(psql_admin "select tableowner from pg_tables where tablename = 'items'" "$PR7_DB")"
sql "$PR7_URL" "insert into items values (4, 'preview only'); update items set name = 'changed' where id = 1" 2>&1 ||
  fail "pr:7's service cannot write to its copy"
expect_eq "$(sql "$PR7_URL" 'select count(*) from items' 2>&1)" "4" "pr:7's write"
expect_eq "$(sql "$DEV_URL" 'select string_agg(name, $$,$$ order by id) from items')" "one,two,three" \
  "dev does not see pr:7's writes"

# ---- pr:8 while a session of dev's service holds dev's database open ------------
PGCONNECT_TIMEOUT=5 psql "$DEV_URL" -XAtq -c 'select pg_sleep(300)' >/dev/null 2>&1 &
HOLDER_PID=$!
for _ in $(seq 1 100); do [ "$(sessions_on "$DEV_DB")" -ge 1 ] && break; sleep 0.05; done
expect_eq "$(sessions_on "$DEV_DB")" "1" "a session holds dev's database"
write_config 7 8 >"$D/main.tf"
T0=$SECONDS
if apply "$D" "apply pr:8 branched from dev while dev is in use"; then
  log "pr:8 branched in $((SECONDS - T0)) s while dev was in use"
  PR8_URL="$(url_of 'pr:8')"
  PR8_DB="$(agent runtime-config 'shop/pr:8' | jq -r '.sql_servers[0].databases.orders.name // empty')"
  PR8_USER="$(agent runtime-config 'shop/pr:8' | jq -r '.sql_servers[0].databases.orders.username')"
  expect_eq "$(sql "$PR8_URL" 'select string_agg(name, $$,$$ order by id) from items' 2>&1)" "one,two,three" \
    "pr:8's service reads dev's rows (copied while dev was in use)"
  sql "$PR8_URL" "insert into items values (5, 'pr8')" 2>&1 || fail "pr:8's service cannot write to its copy"
fi
kill -0 "$HOLDER_PID" 2>/dev/null || fail "the session on dev's database was ended by the branch"
expect_eq "$(sessions_on "$DEV_DB")" "1" "dev's session is still connected"
kill "$HOLDER_PID" 2>/dev/null || true
wait "$HOLDER_PID" 2>/dev/null || true
HOLDER_PID=""

# ---- destroying the previews leaves dev intact ---------------------------------
DEV_USER="$(agent runtime-config shop/dev | jq -r '.sql_servers[0].databases.orders.username')"
expect_eq "$(psql_admin "select count(*) from pg_database where datname in ('$PR7_DB', '${PR8_DB:-}')")" "2" \
  "both previews have a database"
write_config >"$D/main.tf"
apply "$D" "remove the previews"
expect_eq "$(psql_admin "select count(*) from pg_database where datname in ('$PR7_DB', '${PR8_DB:-}')")" "0" \
  "the previews' databases are dropped"
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname in ('$PR7_USER', '${PR8_USER:-}')")" "0" \
  "the previews' roles are dropped"
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname = '$DEV_USER'")" "1" "dev's role stays"
expect_eq "$(sql "$DEV_URL" 'select string_agg(name, $$,$$ order by id) from items' 2>&1)" "one,two,three" \
  "dev's data after the previews are gone"
expect_eq "$(agent_json env show shop/dev | jq -r .status)" "ready" "dev's status after the previews are gone"

if ! "$TERRAFORM" -chdir="$D" destroy -no-color -input=false -auto-approve >"$D/destroy.out" 2>&1; then
  fail "destroy failed"
  sed 's/^/    /' "$D/destroy.out" >&2
fi
expect_eq "$(psql_admin "select count(*) from pg_database where datname = '$DEV_DB'")" "0" "dev's database is dropped"
# Nothing in a copy kept dev's role alive (it owned nothing there).
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname = '$DEV_USER'")" "0" "dev's role is dropped"
finish
