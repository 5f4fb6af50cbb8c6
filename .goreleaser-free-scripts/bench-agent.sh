#!/usr/bin/env bash
# Builds encore-agent, the provider and agent_bench (RelWithDebInfo, build/)
# and runs the agent benchmark: read RPC latency and throughput with 10,000
# environments in the store, and no-op terraform plan time for N = 10, 100,
# 1000 environments against N terraform_data. Extra arguments go to
# agent_bench (e.g. --envs 1000 --sizes 10,100).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" -j"${JOBS:-2}" encore-agent terraform-provider-encore agent_bench
exec "$ROOT/build/bin/agent_bench" "$@"
