#!/usr/bin/env bash
# A mixed stack (DESIGN §1, §5) through real terraform, a real agent and a
# real PostgreSQL server that Terraform owns: examples/mixed-stack starts the
# server (terraform_data + local-exec), makes its own database and role, and
# the Encore environment provisions into the server through
# database.existing_server. Checks: Encore's database and service roles exist
# there with the agent's mark; the runtime config points at that server and
# its credentials connect; Terraform's role reads Encore's database thanks to
# its grant (read only); an Encore apply that adds a database leaves
# Terraform's database (and a table in it) and role exactly as they were;
# destroying the environment drops what the agent made (deletion_policy
# defaults to delete outside production) and nothing of Terraform's; the
# full destroy stops the server, and no postgres process is left.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
command -v psql >/dev/null || die "psql is missing (install-deps.sh installs postgresql)"
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || die "PostgreSQL 15 is missing (install-deps.sh installs it)"

# The server runs as the postgres system user when we are root: it must
# reach its directory under $WORK.
chmod 711 "$WORK"
SERVER_DIR="$WORK/pgserver"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export TF_VAR_server_dir="$SERVER_DIR" TF_VAR_port="$PORT"
export TF_VAR_admin_password="adm-$RANDOM$RANDOM'\"x"
export TF_VAR_analytics_password="ana-$RANDOM$RANDOM"
# A throw-away server: no fsync (local-exec passes our environment on).
export PGSERVER_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
SERVER_PID=""

# stop_server: the test's own safety net (the example's destroy stops it
# normally): fast shutdown of the postmaster, bounded wait.
stop_server() {
  if [ -f "$SERVER_DIR/data/postmaster.pid" ]; then
    SERVER_PID="$(head -1 "$SERVER_DIR/data/postmaster.pid")"
  fi
  [ -n "$SERVER_PID" ] || return 0
  kill -INT "$SERVER_PID" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
}
CLEANUP_HOOK="stop_server; stop_all_agents"

start_agent
D="$WORK/mixed"
mkdir -p "$D"
cp "$REPO_ROOT/examples/mixed-stack/main.tf" "$REPO_ROOT/examples/mixed-stack/postgres-server.sh" "$D/"
apply "$D" "apply examples/mixed-stack" || die "cannot continue"
SERVER_PID="$(head -1 "$SERVER_DIR/data/postmaster.pid")"
kill -0 "$SERVER_PID" || die "the server Terraform started is not running"
expect_eq "$(agent_json env show shop/dev | jq -r .status)" "ready" "status after apply"
expect_eq "$("$TERRAFORM" -chdir="$D" show -json | jq -r '.values.root_module.resources[] |
  select(.address == "encore_environment.dev") | .values.deletion_policy')" "delete" \
  "deletion_policy defaults to delete for a development environment"
grep -q "$TF_VAR_admin_password" "$D/terraform.tfstate" && fail "the write-only admin password is in the state"

# admin SQL: psql as the server's superuser over TCP.
admin() { PGPASSWORD="$TF_VAR_admin_password" psql -h 127.0.0.1 -p "$PORT" -U postgres -d "${2:-postgres}" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
MARK="managed-by=encore-agent env=shop/dev"
db_comment() { admin "select coalesce(shobj_description(oid, 'pg_database'), '<none>') from pg_database where datname = '$1'"; }
role_comment() { admin "select coalesce(shobj_description(oid, 'pg_authid'), '<none>') from pg_roles where rolname = '$1'"; }
expect_eq "$(db_comment orders)" "$MARK" "Encore's database on Terraform's server carries the agent's mark"
expect_eq "$(role_comment orders_svc)" "$MARK" "service role orders_svc carries the agent's mark"
expect_eq "$(role_comment email_svc)" "$MARK" "service role email_svc carries the agent's mark"
expect_eq "$(admin "select pg_get_userbyid(datdba) from pg_database where datname = 'orders'")" "orders_svc" "orders' owner"
expect_eq "$(db_comment analytics)" "managed-by=terraform" "Terraform's database"
expect_eq "$(role_comment analytics)" "managed-by=terraform" "Terraform's role"

# The runtime config points at Terraform's server, and its credentials work.
RC="$(agent runtime-config shop/dev --secrets true)"
expect_eq "$(echo "$RC" | jq -r '.sql_servers | length')" "1" "one SQL server in the runtime config"
expect_eq "$(echo "$RC" | jq -r '.sql_servers[0].host')" "127.0.0.1:$PORT" "runtime config's SQL server"
SVC_USER="$(echo "$RC" | jq -r '.sql_servers[0].databases.orders.username')"
SVC_PASS="$(echo "$RC" | jq -r '.sql_servers[0].databases.orders.password')"
as_svc() { PGPASSWORD="$SVC_PASS" psql -h 127.0.0.1 -p "$PORT" -U "$SVC_USER" -d orders -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
expect_eq "$(as_svc 'select current_user || inet_server_port()')" "$SVC_USER$PORT" \
  "the service role connects to Terraform's server with the runtime config's credentials"
# The data source reads the same database.
expect_eq "$("$TERRAFORM" -chdir="$D" output -raw orders_database)" "127.0.0.1:$PORT/orders as $SVC_USER" \
  "encore_sql_database on Terraform's server"
expect_eq "$("$TERRAFORM" -chdir="$D" show -json | jq -r '.values.root_module.resources[] |
  select(.address == "data.encore_sql_database.orders") | .values.sslmode')" "disable" \
  "encore_sql_database's sslmode is the existing server's"

# Terraform's grant: analytics reads what the database owner makes, and no more.
as_analytics() { PGPASSWORD="$TF_VAR_analytics_password" psql -h 127.0.0.1 -p "$PORT" -U analytics -d "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2" 2>&1; }
OWNER="$(admin "select pg_get_userbyid(datdba) from pg_database where datname = 'orders'")"
OWNER_PASS="$(echo "$RC" | jq -r --arg u "$OWNER" '[.sql_servers[0].databases[] | select(.username == $u) | .password][0] // empty')"
if [ -z "$OWNER_PASS" ]; then
  # The runtime config names one role per database: the owner's password
  # comes from the data source, which reads the same credentials.
  OWNER_PASS="$("$TERRAFORM" -chdir="$D" show -json | jq -r '.values.root_module.resources[] |
    select(.address == "data.encore_sql_database.orders") | .values.password')"
fi
PGPASSWORD="$OWNER_PASS" psql -h 127.0.0.1 -p "$PORT" -U "$OWNER" -d orders -XAtq -v ON_ERROR_STOP=1 \
  -c "create table orders_t (id int); insert into orders_t values (41), (1)" ||
  fail "the database owner cannot create a table in Encore's database"
expect_eq "$(admin "select datacl::text like '%analytics=c/%' from pg_database where datname = 'orders'")" "t" \
  "CONNECT on orders granted to analytics"
expect_eq "$(as_analytics orders 'select sum(id) from orders_t')" "42" "analytics reads Encore's table thanks to the grant"
OUT="$(as_analytics orders 'insert into orders_t values (0)' || true)"
[[ "$OUT" == *"permission denied"* ]] || fail "analytics may write Encore's table: $OUT"

expect_plan_empty "$D" "plan after apply"

# ---- an Encore apply leaves Terraform's database and role alone --------------
as_analytics analytics "create table kept (v text); insert into kept values ('mine')" >/dev/null ||
  fail "analytics cannot create a table in its own database"
tf_snapshot() {
  admin "select md5(row(a.*)::text) from pg_authid a where rolname = 'analytics'"
  admin "select md5(row(d.*)::text || coalesce(shobj_description(d.oid, 'pg_database'), '')) from pg_database d where datname = 'analytics'"
  admin "select md5(coalesce(string_agg(row(m.*)::text, ','), '')) from pg_auth_members m where member = 'analytics'::regrole or roleid = 'analytics'::regrole"
}
SNAP0="$(tf_snapshot)"
sed -i 's/databases = \[{ name = "orders" }\]/databases = [{ name = "orders" }, { name = "inventory" }]/' "$D/main.tf"
sed -i 's/{ name = "email", databases = \["orders"\] }/{ name = "email", databases = ["orders", "inventory"] }/' "$D/main.tf"
grep -q '"inventory"' "$D/main.tf" || die "the model edit did not apply"
apply "$D" "add a database to the model"
expect_eq "$(db_comment inventory)" "$MARK" "the new database lands on Terraform's server"
expect_eq "$(tf_snapshot)" "$SNAP0" "Terraform's role and database are unchanged by Encore's apply"
expect_eq "$(as_analytics analytics 'select v from kept')" "mine" "the table in Terraform's database survives"

# ---- destroying the environment removes only what the agent made ------------
if ! "$TERRAFORM" -chdir="$D" destroy -no-color -input=false -auto-approve \
  -target=encore_environment.dev >"$D/destroy-env.out" 2>&1; then
  fail "destroy of the environment failed"
  sed 's/^/    /' "$D/destroy-env.out" >&2
fi
expect_eq "$(admin "select count(*) from pg_database where datname in ('orders', 'inventory')")" "0" \
  "Encore's databases dropped (deletion_policy delete)"
expect_eq "$(admin "select count(*) from pg_roles where rolname in ('orders_svc', 'email_svc')")" "0" \
  "Encore's service roles dropped"
expect_eq "$(tf_snapshot)" "$SNAP0" "Terraform's role and database are unchanged by Encore's destroy"
expect_eq "$(as_analytics analytics 'select v from kept')" "mine" "the table in Terraform's database survives Encore's destroy"

# ---- Terraform's destroy: its database, its role, then the server -----------
if ! "$TERRAFORM" -chdir="$D" destroy -no-color -input=false -auto-approve >"$D/destroy.out" 2>&1; then
  fail "terraform destroy failed"
  sed 's/^/    /' "$D/destroy.out" >&2
fi
for _ in $(seq 1 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$SERVER_PID" 2>/dev/null && fail "the server (pid $SERVER_PID) still runs after destroy"
LEFT="$(pgrep -f -- "$SERVER_DIR" || true)"
[ -z "$LEFT" ] || fail "postgres processes left after destroy: $LEFT"
[ -e "$SERVER_DIR/data" ] && fail "the server's data directory is left after destroy"
expect_eq "$("$TERRAFORM" -chdir="$D" state list | wc -l)" "0" "state after destroy"
finish
