#!/usr/bin/env bash
# Regenerates schema/provider-schema.golden.json from the built provider:
# `terraform providers schema -json`, normalised with `jq -S .`.
# Usage: update-golden-schema.sh [PROVIDER_BIN]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-${PROVIDER_BIN:-$ROOT/build/bin/terraform-provider-encore}}"
[ -x "$BIN" ] || { echo "update-golden-schema: $BIN is missing; build first" >&2; exit 1; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

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
cp "$ROOT/acceptance/small/main.tf" "$TMP/main.tf"
HOME="$TMP" TF_CLI_CONFIG_FILE="$TMP/terraformrc" CHECKPOINT_DISABLE=1 \
  terraform -chdir="$TMP" providers schema -json >"$TMP/schema.json"
jq -S . "$TMP/schema.json" >"$ROOT/schema/provider-schema.golden.json"
echo "wrote schema/provider-schema.golden.json ($(wc -c <"$ROOT/schema/provider-schema.golden.json") bytes)"
