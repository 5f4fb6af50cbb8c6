#!/usr/bin/env bash
# ephemeral "encore_database_credentials" (DESIGN §3) through real terraform,
# a real agent and its real PostgreSQL: a local environment is applied; a
# second configuration opens a login for its database and uses it DURING the
# run (local-exec provisioners get the user and password as environment
# variables, which Terraform allows for ephemeral values): the login
# connects as itself, its role has VALID UNTIL in pg_roles, and with
# ttl = "1m" Terraform renews it (VALID UNTIL moves forward, at about two
# thirds of the ttl) and it still connects after the renewal. After the run
# no login the agent issued (the audit log names each, plan-time ones
# included) exists any more, and neither the user nor the password appears
# in the state, the saved plan or `terraform show -json` of either.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
command -v psql >/dev/null || die "psql is missing (install-deps.sh installs postgresql)"
command -v unzip >/dev/null || die "unzip is missing"

start_agent
E="$WORK/env"
mkdir -p "$E"
{
  provider_block
  cat <<'HCL'
resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services  = [{ name = "orders", databases = ["orders"] }]
    databases = [{ name = "orders" }]
  })
}
resource "encore_environment" "local" {
  app   = encore_app.shop.name
  name  = "local"
  type  = "local"
  cloud = "local"
}
HCL
} >"$E/main.tf"
apply "$E" "apply the local environment" || die "cannot continue"
expect_eq "$(agent_json env show shop/local | jq -r .status)" "ready" "status after apply"

RC="$(agent runtime-config shop/local --secrets true)"
SQL_HOST="$(echo "$RC" | jq -r '.sql_servers[0].host')"
find_agent_postgres shop/local
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname like 'encore\_tmp\_%'")" "0" \
  "no login before the run"

# ---- the configuration that uses a login during the run -----------------------
P="$WORK/probe"
mkdir -p "$P"
OUT="$WORK/out"
mkdir -p "$OUT"
{
  provider_block | sed 's/^provider "encore" {}$/provider "encore" {\n  app = "shop"\n  env = "local"\n}/'
  cat <<HCL
ephemeral "encore_database_credentials" "orders" {
  database = "orders"
  ttl      = "1m"
}
locals {
  pg_env = {
    PGHOST           = ephemeral.encore_database_credentials.orders.host
    PGPORT           = ephemeral.encore_database_credentials.orders.port
    PGDATABASE       = ephemeral.encore_database_credentials.orders.server_database
    PGUSER           = ephemeral.encore_database_credentials.orders.user
    PGPASSWORD       = ephemeral.encore_database_credentials.orders.password
    PGSSLMODE        = ephemeral.encore_database_credentials.orders.sslmode
    PGCONNECT_TIMEOUT = "5"
  }
}
# Connects as the login; records who it is, its VALID UNTIL and what the
# provider said it expires at, and (to look for them in the state) the
# credentials themselves.
resource "terraform_data" "probe" {
  provisioner "local-exec" {
    environment = merge(local.pg_env, {
      EXPIRES = ephemeral.encore_database_credentials.orders.expires_at
    })
    command = <<-SH
      set -e
      printf '%s' "\$PGUSER" > "$OUT/user"
      printf '%s' "\$PGPASSWORD" > "$OUT/password"
      printf '%s' "\$EXPIRES" > "$OUT/expires_at"
      psql -XAtq -v ON_ERROR_STOP=1 -c 'select current_user' > "$OUT/current_user"
      psql -XAtq -v ON_ERROR_STOP=1 -c "select to_char(rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from pg_roles where rolname = current_user" > "$OUT/valid_until"
      psql -XAtq -v ON_ERROR_STOP=1 -c 'create table probe_t (id int); insert into probe_t values (42)'
    SH
  }
}
# A read-only login, issued once probe_t exists: reads it, cannot write.
ephemeral "encore_database_credentials" "ro" {
  database   = "orders"
  role       = "read_only"
  depends_on = [terraform_data.probe]
}
resource "terraform_data" "ro_probe" {
  depends_on = [terraform_data.probe]
  provisioner "local-exec" {
    environment = {
      PGHOST            = ephemeral.encore_database_credentials.ro.host
      PGPORT            = ephemeral.encore_database_credentials.ro.port
      PGDATABASE        = ephemeral.encore_database_credentials.ro.server_database
      PGUSER            = ephemeral.encore_database_credentials.ro.user
      PGPASSWORD        = ephemeral.encore_database_credentials.ro.password
      PGCONNECT_TIMEOUT = "5"
    }
    command = <<-SH
      set -e
      psql -XAtq -v ON_ERROR_STOP=1 -c 'select count(*) from probe_t' > "$OUT/ro_read"
      if psql -XAtq -v ON_ERROR_STOP=1 -c 'insert into probe_t values (1)' 2> "$OUT/ro_write_err"; then
        echo wrote > "$OUT/ro_wrote"
      fi
    SH
  }
}
# Waits (bounded) for Terraform to renew the login (VALID UNTIL moves past
# the first value), then connects again.
resource "terraform_data" "after_renewal" {
  depends_on = [terraform_data.probe]
  provisioner "local-exec" {
    environment = local.pg_env
    command     = <<-SH
      set -e
      first="\$(cat "$OUT/valid_until")"
      for i in \$(seq 1 180); do
        now="\$(psql -XAtq -v ON_ERROR_STOP=1 -c "select to_char(rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from pg_roles where rolname = current_user")"
        if [ "\$now" != "\$first" ]; then break; fi
        sleep 0.5
      done
      printf '%s' "\$now" > "$OUT/renewed_until"
      psql -XAtq -v ON_ERROR_STOP=1 -c 'select current_user || chr(32) || count(*) from probe_t' > "$OUT/after_renewal"
    SH
  }
}
HCL
} >"$P/main.tf"

"$TERRAFORM" -chdir="$P" plan -no-color -input=false -out="$P/saved.tfplan" >"$P/plan.out" 2>&1 ||
  { cat "$P/plan.out" >&2; die "plan failed"; }
"$TERRAFORM" -chdir="$P" show -json "$P/saved.tfplan" >"$P/plan.json"
T0=$SECONDS
"$TERRAFORM" -chdir="$P" apply -no-color -input=false "$P/saved.tfplan" >"$P/apply.out" 2>&1 ||
  { cat "$P/apply.out" >&2; die "apply of the saved plan failed"; }
log "apply with the login took $((SECONDS - T0)) s (renewal after ~40 s included)"
"$TERRAFORM" -chdir="$P" show -json >"$P/show.json"

LOGIN="$(cat "$OUT/user" 2>/dev/null || true)"
PASSWORD="$(cat "$OUT/password" 2>/dev/null || true)"
[[ "$LOGIN" == encore_tmp_* ]] || fail "the provisioner got user '$LOGIN', want encore_tmp_..."
[ "${#PASSWORD}" -ge 16 ] || fail "the provisioner got a password of ${#PASSWORD} characters"
expect_eq "$(cat "$OUT/current_user" 2>/dev/null)" "$LOGIN" "the login connects as itself during the run"
VALID="$(cat "$OUT/valid_until" 2>/dev/null || true)"
[ -n "$VALID" ] || fail "the login has no VALID UNTIL in pg_roles while alive"
expect_eq "$VALID" "$(cat "$OUT/expires_at" 2>/dev/null)" "expires_at is the role's VALID UNTIL"
RENEWED="$(cat "$OUT/renewed_until" 2>/dev/null || true)"
if [ -z "$RENEWED" ] || [ "$RENEWED" = "$VALID" ] || [[ ! "$RENEWED" > "$VALID" ]]; then
  fail "VALID UNTIL did not move forward while Terraform ran: $VALID -> '$RENEWED'"
else
  log "renewed: VALID UNTIL $VALID -> $RENEWED"
fi
expect_eq "$(cat "$OUT/after_renewal" 2>/dev/null)" "$LOGIN 1" "the login connects after its renewal"
expect_eq "$(cat "$OUT/ro_read" 2>/dev/null)" "1" "the read_only login reads the table"
[ -e "$OUT/ro_wrote" ] && fail "the read_only login could insert into the table"
grep -q "permission denied" "$OUT/ro_write_err" 2>/dev/null ||
  fail "the read_only login's insert did not fail with permission denied: $(cat "$OUT/ro_write_err" 2>/dev/null)"

# ---- after the run: every login the agent issued is gone ---------------------
AUDIT="$(agent_json audit --limit 1000)"
ISSUED="$(echo "$AUDIT" | jq -r '[.[] | select(.action == "database_credentials.issue")] | length')"
REVOKED="$(echo "$AUDIT" | jq -r '[.[] | select(.action == "database_credentials.revoke")] | length')"
LOGINS="$(echo "$AUDIT" | jq -r '.[] | select(.action == "database_credentials.issue") | .. | strings | select(startswith("encore_tmp_"))' | sort -u)"
log "logins issued: $ISSUED (plan and apply), revoked: $REVOKED"
[ "$ISSUED" -ge 2 ] || fail "the audit log names $ISSUED issued logins, want one for the plan and one for the apply"
expect_eq "$REVOKED" "$ISSUED" "every issued login was revoked"
echo "$LOGINS" | grep -qx -- "$LOGIN" || fail "the audit log does not name the apply's login $LOGIN"
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname like 'encore\_tmp\_%'")" "0" \
  "no login left after the run"
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname = '$LOGIN'")" "0" "the apply's login is dropped"
if PGPASSWORD="$PASSWORD" PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$PG_PORT" -U "$LOGIN" -d orders \
  -XAtq -c 'select 1' >/dev/null 2>&1; then
  fail "the login still connects after the run"
fi
# What the login made outlives it, now the service role's: a table made
# through short-lived credentials (a migration, a postgresql provider) is
# data, not the login's to take away.
DB_USER="$(echo "$RC" | jq -r '.sql_servers[0].databases.orders.username')"
DB_PASS="$(echo "$RC" | jq -r '.sql_servers[0].databases.orders.password')"
PGURL="postgresql://$DB_USER:$DB_PASS@$SQL_HOST/orders?sslmode=disable"
expect_eq "$(PGCONNECT_TIMEOUT=5 psql "$PGURL" -XAtq -c 'select count(*) from probe_t' 2>&1 || true)" "1" \
  "the table the login made survives its drop"
expect_eq "$(PGCONNECT_TIMEOUT=5 psql "$PGURL" -XAtq -c "select tableowner from pg_tables where tablename = 'probe_t'" 2>&1 || true)" \
  "$DB_USER" "the table the login made belongs to the service role after the run"

# ---- never in plan or state --------------------------------------------------
mkdir -p "$P/plan.unzipped"
(cd "$P/plan.unzipped" && unzip -qo "$P/saved.tfplan")
for f in "$P/terraform.tfstate" "$P/plan.json" "$P/show.json" "$P/plan.unzipped"; do
  [ -e "$f" ] || { fail "$f is missing"; continue; }
  if grep -rqa -- "encore_tmp_" "$f"; then fail "a login name is in $(basename "$f")"; fi
  if [ -n "$PASSWORD" ] && grep -rqaF -- "$PASSWORD" "$f"; then fail "the password is in $(basename "$f")"; fi
done
for l in $LOGINS; do
  grep -rqaF -- "$l" "$P/terraform.tfstate" "$P/plan.unzipped" "$P/apply.out" "$P/plan.out" &&
    fail "login $l is in the state, the saved plan or terraform's output"
done
if [ -n "$PASSWORD" ] && grep -qaF -- "$PASSWORD" "$P/apply.out" "$AGENT_LOG"; then
  fail "the password is in terraform's output or the agent's log"
fi
rm -f "$OUT/password"

# ---- destroy -----------------------------------------------------------------
"$TERRAFORM" -chdir="$P" destroy -no-color -input=false -auto-approve >"$P/destroy.out" 2>&1 ||
  { fail "destroy of the probe configuration failed"; sed 's/^/    /' "$P/destroy.out" >&2; }
"$TERRAFORM" -chdir="$E" destroy -no-color -input=false -auto-approve >"$E/destroy.out" 2>&1 ||
  { fail "destroy of the environment failed"; sed 's/^/    /' "$E/destroy.out" >&2; }
expect_eq "$(psql_admin "select count(*) from pg_roles where rolname like 'encore\_tmp\_%'")" "0" \
  "no login left after destroy"
finish
