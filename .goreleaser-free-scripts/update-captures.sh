#!/usr/bin/env bash
# Records the values a real `terraform plan` of acceptance/plan_all sends
# the provider (ENCORE_PROVIDER_CAPTURE_DIR), and keeps a curated set (at
# most 20 files: one value + type pair per kind of message) as golden
# captures in provider/values/testdata/captures/, checked by
# acceptance/captures_roundtrip_test.cc.
# Usage: update-captures.sh [PROVIDER_BIN]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-${PROVIDER_BIN:-$ROOT/build/bin/terraform-provider-encore}}"
[ -x "$BIN" ] || { echo "update-captures: $BIN is missing; build first" >&2; exit 1; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
OUT="$ROOT/provider/values/testdata/captures"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/terraformrc" <<HCL
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.terraform.io/encoredev/encore" = "$(dirname "$BIN")"
  }
  direct {}
}
HCL
mkdir -p "$TMP/cfg" "$TMP/raw"
cp "$ROOT/acceptance/plan_all/main.tf" "$TMP/cfg/"
export HOME="$TMP" TF_CLI_CONFIG_FILE="$TMP/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
ENCORE_PROVIDER_CAPTURE_DIR="$TMP/raw" terraform -chdir="$TMP/cfg" plan -no-color -input=false >"$TMP/plan.out"
echo "update-captures: $(find "$TMP/raw" -name '*.type' | wc -l) values recorded"

# The set we keep: RPC-TYPE-FIELD prefixes (the first capture of each).
KEEP=(
  ValidateProviderConfig-encore-config
  ConfigureProvider-encore-config
  ValidateResourceConfig-encore_app-config
  PlanResourceChange-encore_app-prior_state
  PlanResourceChange-encore_environment-config
  PlanResourceChange-encore_environment-proposed_new_state
  PlanResourceChange-encore_secret-proposed_new_state
  PlanResourceChange-encore_infra_override-config
  ValidateResourceConfig-encore_infra_override-config
  PlanResourceChange-encore_primary_environment-proposed_new_state
)
# has_unknown FILE: the msgpack holds an unknown (d4 00 00, or a refined
# unknown: ext 12 as c7 LEN 0c).
has_unknown() {
  od -An -v -tx1 "$1" | tr -s ' \n' ' ' | grep -Eq ' d4 00 00| c7 [0-9a-f]{2} 0c'
}
rm -rf "$OUT"
mkdir -p "$OUT"
kept=0
for prefix in "${KEEP[@]}"; do
  # Prefer a capture with an unknown in it, then the largest.
  best=""
  best_unknown=0
  for f in $(ls "$TMP/raw/$prefix"-*.msgpack "$TMP/raw/$prefix"-*.json 2>/dev/null | sort); do
    u=0
    has_unknown "$f" && u=1
    if [ -z "$best" ] || [ $u -gt $best_unknown ] ||
      { [ $u -eq $best_unknown ] && [ "$(stat -c %s "$f")" -gt "$(stat -c %s "$best")" ]; }; then
      best="$f"
      best_unknown=$u
    fi
  done
  if [ -z "$best" ]; then
    echo "update-captures: nothing recorded for $prefix" >&2
    continue
  fi
  ext="${best##*.}"
  cp "$best" "$OUT/$prefix.$ext"
  cp "${best%.*}.type" "$OUT/$prefix.type"
  kept=$((kept + 1))
done
echo "update-captures: kept $kept pairs in ${OUT#"$ROOT"/}"
ls -la "$OUT"
