#!/usr/bin/env bash
# The quick start with nothing configured: `encore-agent serve` on its
# embedded defaults (default data dir and socket, admin token written
# there) and examples/quickstart applied with no agent address or token
# anywhere: the provider finds the default socket and reads the admin
# token. Then plan is empty, outputs are right, destroy leaves nothing.
#
# The default data dir is $XDG_STATE_HOME/encore-agent, or
# /var/lib/encore-agent for root; as root this script runs itself in a
# private mount namespace with a temp dir mounted there, so the machine's
# real /var/lib/encore-agent is never touched.
source "$(dirname "$0")/lib.sh"
: "${AGENT_BIN:=$REPO_ROOT/build/bin/encore-agent}"

if [ "$(id -u)" = 0 ] && [ -z "${QUICKSTART_IN_NS:-}" ]; then
  command -v unshare >/dev/null || die "unshare (util-linux) is needed to run this as root"
  mkdir -p /var/lib/encore-agent
  export QUICKSTART_IN_NS=1 AGENT_BIN
  trap - EXIT
  rm -rf "$WORK"
  exec unshare -m bash -c 'd="$(mktemp -d)"; chmod 700 "$d"; mount --bind "$d" /var/lib/encore-agent && exec bash "$0"' "$0"
fi
if [ "$(id -u)" != 0 ]; then
  export XDG_STATE_HOME="$WORK/state"
  DATA="$XDG_STATE_HOME/encore-agent"
else
  DATA=/var/lib/encore-agent
  [ -z "$(ls -A "$DATA")" ] || die "$DATA is not the private empty mount"
fi
unset ENCORE_AGENT ENCORE_TOKEN ENCORE_CA_CERT

"$AGENT_BIN" serve >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
# The servers the agent started outlive it: stopped through the data dir.
CLEANUP_HOOK='kill $AGENT_PID 2>/dev/null; wait $AGENT_PID 2>/dev/null; "$AGENT_BIN" backends stop --data-dir "$DATA" >/dev/null 2>&1'
for _ in $(seq 1 200); do
  [ -S "$DATA/agent.sock" ] && [ -s "$DATA/admin.token" ] && break
  kill -0 "$AGENT_PID" 2>/dev/null || die "agent exited: $(cat "$WORK/agent.log")"
  sleep 0.05
done
[ -S "$DATA/agent.sock" ] || die "no socket in the default data dir $DATA: $(cat "$WORK/agent.log")"
expect_contains "$WORK/agent.log" "admin.token" "agent says where the admin token is"
expect_eq_mode() {
  local m
  m="$(stat -c %a "$1")"
  [ "$m" = "$2" ] || fail "$1 has mode $m, want $2"
}
expect_eq_mode "$DATA/admin.token" 600
expect_eq_mode "$DATA/agent.sock" 600

D="$(copy_config "$REPO_ROOT/examples/quickstart")"
if ! "$TERRAFORM" -chdir="$D" apply -no-color -input=false -auto-approve >"$D/apply.out" 2>&1; then
  fail "apply of examples/quickstart failed"
  sed 's/^/    /' "$D/apply.out" >&2
  finish
fi
out="$("$TERRAFORM" -chdir="$D" output -json)"
[ "$(jq -r '.local_url.value' <<<"$out")" = "http://127.0.0.1:4000" ] ||
  fail "local_url is $(jq -r '.local_url.value' <<<"$out"), want http://127.0.0.1:4000"
for o in preview_url production_url orders_url; do
  [[ "$(jq -r ".$o.value" <<<"$out")" == http://127.0.0.1:* ]] || fail "output $o is $(jq -r ".$o.value" <<<"$out")"
done
rc=0
"$TERRAFORM" -chdir="$D" plan -no-color -input=false -detailed-exitcode >"$D/plan.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { fail "plan after apply is not empty (exit $rc)"; sed 's/^/    /' "$D/plan.out" >&2; }
n="$("$AGENT_BIN" env list --app shop --json | jq -r 'length')"
[ "$n" = 3 ] || fail "the agent has $n environments of shop, want 3"
"$TERRAFORM" -chdir="$D" destroy -no-color -input=false -auto-approve >"$D/destroy.out" 2>&1 ||
  { fail "destroy failed"; sed 's/^/    /' "$D/destroy.out" >&2; }
n="$("$AGENT_BIN" env list --json | jq -r 'length')"
[ "$n" = 0 ] || fail "the agent still has $n environments after destroy"
finish
