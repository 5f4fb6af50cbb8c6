#!/usr/bin/env bash
# Builds provision_bench (RelWithDebInfo, build/) and runs the local
# provisioning benchmark (DESIGN §8): Infrastructure::Apply of an
# environment with 10 databases, 10 topics, 10 subscriptions, 5 caches and
# 5 buckets on real local backends (warm: PostgreSQL test cluster and
# nats-server started before timing), per-kind driver time, and the
# per-database cost against a bare CREATE DATABASE on the same server.
# Extra arguments go to provision_bench (e.g. --runs 10 --bare 20).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" -j"${JOBS:-2}" provision_bench
exec "$ROOT/build/bin/provision_bench" "$@"
