#!/usr/bin/env bash
# `-debug` prints a TF_REATTACH_PROVIDERS value; a real `terraform plan` run
# with it (no dev_overrides, no init) uses the running process; Ctrl-C
# (SIGINT) then stops the provider.
source "$(dirname "$0")/lib.sh"

# No provider_installation at all: Terraform must use the reattached process.
echo 'disable_checkpoint = true' >"$TF_CLI_CONFIG_FILE"

"$PROVIDER_BIN" -debug >"$WORK/debug.out" 2>"$WORK/debug.err" </dev/null &
PID=$!
CLEANUP_HOOK="kill -KILL $PID 2>/dev/null"

reattach=""
for _ in $(seq 1 100); do
  if line="$(grep -o "TF_REATTACH_PROVIDERS='[^']*'" "$WORK/debug.out" 2>/dev/null)"; then
    reattach="${line#TF_REATTACH_PROVIDERS=\'}"
    reattach="${reattach%\'}"
    break
  fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$reattach" ]; then
  cat "$WORK/debug.out" "$WORK/debug.err" >&2
  die "no TF_REATTACH_PROVIDERS line within 10 s"
fi
log "reattach: $reattach"

echo "$reattach" | jq -e . >/dev/null || die "TF_REATTACH_PROVIDERS is not JSON"
key="$(echo "$reattach" | jq -r 'keys[0]')"
case "$key" in
  registry.terraform.io/encoredev/encore | encoredev/encore) ;;
  *) fail "reattach key is \"$key\", want registry.terraform.io/encoredev/encore" ;;
esac
[ "$(echo "$reattach" | jq -r '.[].Pid')" = "$PID" ] || fail "Pid in reattach JSON is not the process's pid ($PID)"
[ "$(echo "$reattach" | jq -r '.[].ProtocolVersion')" = 6 ] || fail "ProtocolVersion is not 6"
[ "$(echo "$reattach" | jq -r '.[].Test')" = true ] || fail "Test is not true (PROTOCOL.md §1.9)"

cfg="$(copy_config "$REPO_ROOT/acceptance/small")"
out="$WORK/plan.out"
if TF_REATTACH_PROVIDERS="$reattach" run_capture "$out" -chdir="$cfg" plan -no-color -input=false; then
  expect_contains "$out" "Plan: 2 to add" "plan output"
else
  fail "terraform plan through TF_REATTACH_PROVIDERS failed"
  cat "$out" >&2
fi
# A second command against the same process (Terraform does not stop it).
if TF_REATTACH_PROVIDERS="$reattach" run_capture "$out" -chdir="$cfg" validate -no-color; then
  :
else
  fail "terraform validate (second command on the same process) failed"
  cat "$out" >&2
fi
kill -0 "$PID" 2>/dev/null || fail "the provider exited after terraform was done (it must serve until Ctrl-C)"

kill -INT "$PID"
exited=0
for _ in $(seq 1 50); do
  if ! kill -0 "$PID" 2>/dev/null; then exited=1; break; fi
  sleep 0.1
done
if [ "$exited" = 1 ]; then
  set +e; wait "$PID"; rc=$?; set -e
  log "provider exited with status $rc after SIGINT"
  [ "$rc" -eq 0 ] || [ "$rc" -eq 130 ] || fail "exit status after SIGINT is $rc, want 0"
else
  fail "the provider did not exit within 5 s of SIGINT"
fi
finish
