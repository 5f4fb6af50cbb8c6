#!/usr/bin/env bash
# Builds the provider and provider_bench (RelWithDebInfo, build/) and runs
# the benchmark: handshake time, RSS, one launch's cost, and terraform plan
# time for N = 10, 100, 1000 encore resources against N terraform_data.
# Extra arguments go to provider_bench (e.g. --runs 50, --sizes 10,100).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" -j"${JOBS:-2}" terraform-provider-encore provider_bench
exec "$ROOT/build/bin/provider_bench" "$@"
