#!/usr/bin/env bash
# Every acceptance/invalid/<case>/ holds a main.tf that must be rejected and
# an `expect` file:
#   command: validate | plan    (the command that must fail; default validate)
#   errors: N                   (how many "Error:" diagnostics; default 1)
#   every other non-comment line: a fragment that must appear in the output
#   (whitespace-insensitive; Terraform's │ borders are ignored). The fragments
#   name the attribute (the source line Terraform points at, or the
#   attribute in the text) and the fix.
source "$(dirname "$0")/lib.sh"

CASES_DIR="$REPO_ROOT/acceptance/invalid"
ONLY="${1:-}"
n=0
for dir in "$CASES_DIR"/*/; do
  name="$(basename "$dir")"
  [ -z "$ONLY" ] || [ "$ONLY" = "$name" ] || continue
  [ -f "$dir/main.tf" ] && [ -f "$dir/expect" ] || { fail "$name: needs main.tf and expect"; continue; }
  n=$((n + 1))
  command="validate"
  errors=1
  fragments=()
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      '' | '#'*) ;;
      'command: '*) command="${line#command: }" ;;
      'errors: '*) errors="${line#errors: }" ;;
      *) fragments+=("$line") ;;
    esac
  done <"$dir/expect"

  cfg="$(copy_config "$dir")"
  rm -f "$cfg/expect"
  out="$WORK/$name.out"
  args=(-chdir="$cfg" "$command" -no-color)
  [ "$command" = plan ] && args+=(-input=false)
  if run_capture "$out" "${args[@]}"; then
    fail "$name: terraform $command succeeded, but the configuration is invalid"
    cat "$out" >&2
    continue
  fi
  before=$FAILURES
  # A crash or a protocol problem is not the diagnostic we want.
  if grep -q "Plugin did not respond\|panic:\|plugin exited\|Failed to load plugin schemas" "$out"; then
    fail "$name: the provider failed instead of reporting a diagnostic"
  fi
  got_errors="$(grep -c '^│ Error: \|^Error: ' "$out" || true)"
  [ "$got_errors" = "$errors" ] || fail "$name: $got_errors error diagnostics, want $errors"
  for frag in "${fragments[@]}"; do
    expect_contains "$out" "$frag" "$name: terraform $command output" || true
  done
  if [ "$FAILURES" -ne "$before" ]; then
    echo "----- $name: terraform $command output -----" >&2
    cat "$out" >&2
  else
    log "$name: rejected as expected ($command)"
  fi
done
[ "$n" -ge 12 ] || [ -n "$ONLY" ] || fail "only $n invalid cases, want at least 12"
log "$n invalid configurations checked"
finish
