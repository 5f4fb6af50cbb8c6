#!/usr/bin/env bash
# Run by hand (no go-plugin environment), the binary prints a human message
# on stderr, nothing on stdout, and exits 1.
source "$(dirname "$0")/lib.sh"

set +e
env -i PATH="$PATH" HOME="$HOME" "$PROVIDER_BIN" >"$WORK/stdout" 2>"$WORK/stderr" </dev/null
rc=$?
set -e

[ "$rc" -eq 1 ] || fail "exit code is $rc, want 1"
[ ! -s "$WORK/stdout" ] || { fail "stdout is not empty:"; cat "$WORK/stdout" >&2; }
[ -s "$WORK/stderr" ] || fail "stderr is empty: no human message"
# The message must tell a person what the binary is and how it is used.
grep -qi "terraform" "$WORK/stderr" || fail "stderr does not mention Terraform"
grep -qi "plugin\|provider" "$WORK/stderr" || fail "stderr does not say it is a plugin/provider"
# One human message, not a go-plugin handshake line.
if grep -q '^1|6|' "$WORK/stderr"; then fail "stderr holds a handshake line"; fi
log "stderr was:"
sed 's/^/  | /' "$WORK/stderr"

# A wrong magic cookie is treated as a hand run too.
set +e
env -i PATH="$PATH" HOME="$HOME" TF_PLUGIN_MAGIC_COOKIE=wrong \
  PLUGIN_PROTOCOL_VERSIONS=6 "$PROVIDER_BIN" >"$WORK/stdout2" 2>"$WORK/stderr2" </dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "with a wrong cookie: exit code is $rc, want 1"
[ ! -s "$WORK/stdout2" ] || fail "with a wrong cookie: stdout is not empty"
finish
