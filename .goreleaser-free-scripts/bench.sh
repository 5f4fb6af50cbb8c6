#!/usr/bin/env bash
# Builds the provider (development build and the static, stripped release
# link), provider_bench (RelWithDebInfo, build/) and runs the benchmark on
# both builds (DESIGN §8: benchmarks report both): handshake time, RSS, one
# launch's cost, and terraform plan time for N = 10, 100, 1000 encore
# resources against N terraform_data.
# Extra arguments go to provider_bench (e.g. --runs 50, --sizes 10,100,
# --no-plan); with --provider PATH only that binary is measured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" -j"${JOBS:-2}" terraform-provider-encore \
  terraform-provider-encore-release provider_bench
BENCH="$ROOT/build/bin/provider_bench"
for a in "$@"; do
  if [ "$a" = "--provider" ]; then exec "$BENCH" "$@"; fi
done
# Terraform's dev_overrides want the executable named terraform-provider-encore.
REL="$(mktemp -d)"
trap 'rm -rf "$REL"' EXIT
cp "$ROOT/build/release/terraform-provider-encore-release" "$REL/terraform-provider-encore"
echo "=== development build: build/bin/terraform-provider-encore ($(du -h "$ROOT/build/bin/terraform-provider-encore" | cut -f1))"
"$BENCH" --provider "$ROOT/build/bin/terraform-provider-encore" "$@"
echo
echo "=== release build: static, stripped ($(du -h "$REL/terraform-provider-encore" | cut -f1))"
"$BENCH" --provider "$REL/terraform-provider-encore" "$@"
