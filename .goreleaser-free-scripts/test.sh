#!/usr/bin/env bash
# THE test command (README; .ci/run calls it). On a fresh Debian 12, as root:
#
#   bash .goreleaser-free-scripts/test.sh
#
# Stages (each runs even when an earlier one failed; the exit status is
# non-zero when any failed):
#   1. build/       RelWithDebInfo: everything and the release links, then
#                   ctest (unit tests, tests/, acceptance with real terraform,
#                   the release artefacts and installs)
#   2. build-asan/  -DENCORE_SANITIZE=ON (ASan + UBSan): ctest -LE acceptance
#   3. build-fuzz/  clang, -DENCORE_FUZZ=ON: msgpack_fuzz for FUZZ_SECONDS (60)
#                   on a copy of provider/values/testdata/fuzz_corpus
#
# Environment: JOBS (default 2), FUZZ_SECONDS (default 60),
# SKIP_ASAN=1 / SKIP_FUZZ=1 to leave a stage out (local use only).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-2}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
export CHECKPOINT_DISABLE=1
# ccache: paths relative to the repo and no cwd in the hash, so a fresh clone
# elsewhere (CI) reuses what an earlier run on this machine compiled.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
export CTEST_OUTPUT_ON_FAILURE=1
export GTEST_COLOR=no

START=$(date +%s)
STAGES=()      # "name: ok|FAILED (Ns)"
FAILED=0
TESTS_PASSED=0
TESTS_FAILED=0

stamp() { echo "=== [$(($(date +%s) - START))s] $*"; }
stage_result() {  # name rc started
  local name="$1" rc="$2" t0="$3"
  if [ "$rc" -eq 0 ]; then
    STAGES+=("$name: ok ($(($(date +%s) - t0))s)")
  else
    STAGES+=("$name: FAILED ($(($(date +%s) - t0))s)")
    FAILED=$((FAILED + 1))
  fi
}
# Adds the counts of ctest's closing line ("N% tests passed, F tests failed
# out of T") from LOG to the totals.
count_ctest() {
  local line
  line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n1)"
  if [ -n "$line" ]; then
    local failed total
    failed="$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')"
    total="$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/')"
    TESTS_PASSED=$((TESTS_PASSED + total - failed))
    TESTS_FAILED=$((TESTS_FAILED + failed))
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
  fi
}

LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT

stamp "install-deps"
if ! bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"; then
  echo "test.sh: installing dependencies failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if ! command -v terraform >/dev/null; then
  echo "test.sh: terraform is not on PATH: the acceptance tests will fail" >&2
fi

# ---- 1. main build + every test --------------------------------------------
t0=$(date +%s)
stamp "configure + build build/ (RelWithDebInfo)"
rc=0
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DENCORE_SANITIZE=OFF -DENCORE_FUZZ=OFF >/dev/null &&
  ninja -C "$ROOT/build" -j"$JOBS" || rc=$?
# The release links (static, stripped) reuse build/'s objects; linked here
# so that the release and install tests do not spend their time on it.
if [ $rc -eq 0 ]; then
  stamp "release links (terraform-provider-encore-release, encore-agent-release)"
  ninja -C "$ROOT/build" -j"$JOBS" terraform-provider-encore-release encore-agent-release || rc=$?
fi
if [ $rc -eq 0 ]; then
  stamp "ctest build/ (unit, tests/, acceptance)"
  ctest --test-dir "$ROOT/build" -j"$JOBS" --timeout 900 2>&1 | tee "$LOGDIR/ctest-main.log"
  rc=${PIPESTATUS[0]}
  count_ctest "$LOGDIR/ctest-main.log"
else
  echo "test.sh: build/ failed to build" >&2
  TESTS_FAILED=$((TESTS_FAILED + 1))
fi
stage_result "build + ctest (build/)" $rc "$t0"

# ---- 2. sanitizer build, unit tests ----------------------------------------
if [ "${SKIP_ASAN:-0}" != 1 ]; then
  t0=$(date +%s)
  stamp "configure + build build-asan/ (ASan + UBSan)"
  rc=0
  cmake -S "$ROOT" -B "$ROOT/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DENCORE_SANITIZE=ON -DENCORE_FUZZ=OFF >/dev/null &&
    ninja -C "$ROOT/build-asan" -j"$JOBS" || rc=$?
  if [ $rc -eq 0 ]; then
    stamp "ctest build-asan/ -LE acceptance"
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
      UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      ctest --test-dir "$ROOT/build-asan" -j"$JOBS" -LE acceptance --timeout 900 2>&1 |
      tee "$LOGDIR/ctest-asan.log"
    rc=${PIPESTATUS[0]}
    count_ctest "$LOGDIR/ctest-asan.log"
  else
    echo "test.sh: build-asan/ failed to build" >&2
    TESTS_FAILED=$((TESTS_FAILED + 1))
  fi
  stage_result "sanitizers (build-asan/, ctest -LE acceptance)" $rc "$t0"
fi

# ---- 3. fuzz build, bounded run --------------------------------------------
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  t0=$(date +%s)
  stamp "configure + build build-fuzz/ (clang, libFuzzer)"
  rc=0
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$ROOT/build-fuzz" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENCORE_FUZZ=ON >/dev/null &&
    ninja -C "$ROOT/build-fuzz" -j"$JOBS" msgpack_fuzz || rc=$?
  if [ $rc -eq 0 ]; then
    corpus="$(mktemp -d)"
    cp -r "$ROOT/provider/values/testdata/fuzz_corpus/." "$corpus/"
    stamp "msgpack_fuzz for ${FUZZ_SECONDS}s ($(ls "$corpus" | wc -l) seeds)"
    (cd "$LOGDIR" && "$ROOT/build-fuzz/bin/msgpack_fuzz" -max_total_time="$FUZZ_SECONDS" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" \
      >"$LOGDIR/fuzz.log" 2>&1)
    rc=$?
    grep -E '^#[0-9]+.*(DONE|pulse)|^Done|stat::number_of_executed_units|stat::peak_rss' "$LOGDIR/fuzz.log" | tail -n 4
    if [ $rc -ne 0 ]; then
      echo "test.sh: msgpack_fuzz found a problem (exit $rc):" >&2
      tail -n 60 "$LOGDIR/fuzz.log" >&2
      for crash in "$LOGDIR"/crash-* "$LOGDIR"/leak-* "$LOGDIR"/timeout-* "$LOGDIR"/oom-*; do
        [ -f "$crash" ] || continue
        echo "reproducer $(basename "$crash") (base64): $(base64 -w0 "$crash")" >&2
      done
      TESTS_FAILED=$((TESTS_FAILED + 1))
    else
      TESTS_PASSED=$((TESTS_PASSED + 1))
    fi
    rm -rf "$corpus"
  else
    echo "test.sh: build-fuzz/ failed to build" >&2
    TESTS_FAILED=$((TESTS_FAILED + 1))
  fi
  stage_result "fuzz (msgpack_fuzz ${FUZZ_SECONDS}s)" $rc "$t0"
fi

echo
stamp "summary"
for s in "${STAGES[@]}"; do echo "  $s"; done
# The plain closing line: every ctest test of both builds, plus the fuzz run.
echo "tests: $TESTS_PASSED passed, $TESTS_FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$TESTS_FAILED" -eq 0 ]
