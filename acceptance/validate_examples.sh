#!/usr/bin/env bash
# `terraform validate` passes on every directory under examples/ that holds
# .tf files, with the provider installed through dev_overrides (no init).
source "$(dirname "$0")/lib.sh"

mapfile -t dirs < <(find "$REPO_ROOT/examples" -name '*.tf' -printf '%h\n' | sort -u)
[ "${#dirs[@]}" -gt 0 ] || die "no example configurations found under examples/"

for d in "${dirs[@]}"; do
  rel="${d#"$REPO_ROOT"/}"
  cfg="$(copy_config "$d")"
  out="$WORK/validate.out"
  if run_capture "$out" -chdir="$cfg" validate -no-color; then
    if ! grep -q "The configuration is valid" "$out"; then
      fail "$rel: validate exited 0 without 'The configuration is valid'"
      cat "$out" >&2
    else
      log "$rel: valid"
    fi
  else
    fail "$rel: terraform validate failed"
    cat "$out" >&2
  fi
done
log "${#dirs[@]} example directories checked"
finish
