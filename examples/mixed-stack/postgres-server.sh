#!/usr/bin/env bash
# A PostgreSQL 15 server owned by Terraform (examples/mixed-stack/main.tf runs
# this script from terraform_data provisioners).
#
#   postgres-server.sh start DIR PORT   initdb DIR/data if needed (superuser
#                                       $PGSERVER_ADMIN_USER, default
#                                       "postgres", password
#                                       $PGSERVER_ADMIN_PASSWORD), then start
#                                       it on 127.0.0.1:PORT; does nothing if
#                                       it runs already. Extra server
#                                       options: $PGSERVER_OPTIONS (e.g.
#                                       "-c fsync=off" for a throw-away one).
#   postgres-server.sh stop DIR         stop it (fast shutdown) and remove
#                                       what start made (DIR/data, DIR/run,
#                                       DIR/server.log); fine if it is gone.
#   postgres-server.sh psql DIR PORT [PSQL ARGS...]
#                                       psql as the superuser through the
#                                       server's unix socket (DIR/run, 0700:
#                                       only the server's OS user and root
#                                       reach it; no password), SQL on stdin,
#                                       ON_ERROR_STOP.
#
# TCP clients (the encore agent, applications) log in with a password
# (scram-sha-256); the socket trusts whoever can reach it.
# PostgreSQL refuses to run as root: when root runs this script, the server
# runs as $PGSERVER_USER (default "postgres", created as a system user if
# missing), which must be able to reach DIR (every parent directory needs
# o+x for it).
set -euo pipefail

BIN="${PGSERVER_BIN:-/usr/lib/postgresql/15/bin}"
ADMIN_USER="${PGSERVER_ADMIN_USER:-postgres}"

die() {
  echo "postgres-server.sh: $*" >&2
  exit 1
}
usage() { die "usage: postgres-server.sh start DIR PORT | stop DIR | psql DIR PORT [ARGS...]"; }

[ $# -ge 2 ] || usage
CMD="$1"
DIR="$2"
shift 2
case "$DIR" in
  /*) ;;
  *) die "DIR must be an absolute path (got \"$DIR\")" ;;
esac
case "$DIR" in
  *\'* | *\"* | *' '*) die "DIR must not contain quotes or spaces (got \"$DIR\")" ;;
esac
DATA="$DIR/data"
RUN="$DIR/run"

if [ "$(id -u)" = 0 ]; then
  RUN_AS="${PGSERVER_USER:-postgres}"
  if ! id -u "$RUN_AS" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
  fi
  as_server() { runuser -u "$RUN_AS" -- "$@"; }
else
  RUN_AS="$(id -un)"
  as_server() { "$@"; }
fi

running() { [ -f "$DATA/PG_VERSION" ] && as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  local port="$1"
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number (got \"$port\")"
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown "$RUN_AS" "$DIR"; fi
  as_server test -w "$DIR" ||
    die "$RUN_AS cannot write $DIR: every parent directory needs o+x for it"
  cd "$DIR"
  if running; then return 0; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    [ -n "${PGSERVER_ADMIN_PASSWORD:-}" ] || die "PGSERVER_ADMIN_PASSWORD is not set"
    local pwfile="$DIR/.pwfile"
    (umask 077 && printf '%s\n' "$PGSERVER_ADMIN_PASSWORD" >"$pwfile")
    if [ "$(id -u)" = 0 ]; then chown "$RUN_AS" "$pwfile"; fi
    local rc=0
    as_server "$BIN/initdb" -D "$DATA" -U "$ADMIN_USER" --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync \
      >"$DIR/initdb.log" 2>&1 || rc=$?
    rm -f "$pwfile"
    [ $rc -eq 0 ] || die "initdb failed: $(tail -3 "$DIR/initdb.log")"
  fi
  as_server mkdir -p "$RUN"
  chmod 700 "$RUN"
  as_server "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
    -o "-p $port -h 127.0.0.1 -k '$RUN' ${PGSERVER_OPTIONS:-}" start >/dev/null ||
    die "the server did not start: $(tail -3 "$DIR/server.log")"
}

stop() {
  if running; then
    (cd "$DIR" && as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null) ||
      die "the server did not stop: $(tail -3 "$DIR/server.log")"
  fi
  rm -rf "$DATA" "$RUN" "$DIR/server.log" "$DIR/initdb.log"
}

case "$CMD" in
  start)
    [ $# -eq 1 ] || usage
    start "$1"
    ;;
  stop)
    [ $# -eq 0 ] || usage
    stop
    ;;
  psql)
    [ $# -ge 1 ] || usage
    port="$1"
    shift
    running || die "the server in $DIR is not running"
    cd "$DIR"
    as_server "$BIN/psql" -h "$RUN" -p "$port" -U "$ADMIN_USER" -d postgres \
      -X -q -v ON_ERROR_STOP=1 "$@"
    ;;
  *) usage ;;
esac
