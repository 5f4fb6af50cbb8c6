# Shared helpers for the acceptance scripts (sourced, not run).
#
# Environment (set by acceptance/CMakeLists.txt, or by hand):
#   PROVIDER_BIN  path of the built terraform-provider-encore
#   REPO_ROOT     the repository's root
#   TERRAFORM     the terraform command (default: terraform)
#
# Sourcing this file makes a private temp dir ($WORK) with its own HOME and a
# CLI config ($TF_CLI_CONFIG_FILE) whose dev_overrides point at the
# provider's directory, so no `terraform init` is needed. $WORK is removed on
# exit unless KEEP_WORK=1.
set -euo pipefail

: "${REPO_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${PROVIDER_BIN:=$REPO_ROOT/build/bin/terraform-provider-encore}"
: "${TERRAFORM:=terraform}"
export REPO_ROOT PROVIDER_BIN TERRAFORM

TEST_NAME="$(basename "${0%.sh}")"
FAILURES=0

log() { echo "[$TEST_NAME] $*"; }
fail() {
  echo "[$TEST_NAME] FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}
die() {
  echo "[$TEST_NAME] FAIL: $*" >&2
  exit 1
}

if [ ! -x "$PROVIDER_BIN" ]; then
  die "provider binary $PROVIDER_BIN is missing or not executable (build it first)"
fi
command -v "$TERRAFORM" >/dev/null || die "terraform ($TERRAFORM) is not on PATH"
command -v jq >/dev/null || die "jq is not installed (.goreleaser-free-scripts/install-deps.sh installs it)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/encore-acc-$TEST_NAME.XXXXXX")"
# The hook runs first: it stops what the test started (agents, the servers
# they run), which it finds through files under $WORK.
cleanup() {
  local rc=$?
  if [ -n "${CLEANUP_HOOK:-}" ]; then eval "$CLEANUP_HOOK" || true; fi
  if [ "${KEEP_WORK:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "[$TEST_NAME] work dir kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
# A signal (ctest timeout, Ctrl-C, hang-up) exits through cleanup too.
trap "exit 129" HUP
trap "exit 130" INT
trap "exit 143" TERM

export HOME="$WORK/home"
mkdir -p "$HOME"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_INPUT=0
unset TF_LOG TF_LOG_PATH TF_REATTACH_PROVIDERS TF_DATA_DIR TF_PLUGIN_CACHE_DIR \
  ENCORE_PROVIDER_CAPTURE_DIR 2>/dev/null || true
PROVIDER_DIR="$(cd "$(dirname "$PROVIDER_BIN")" && pwd)"

# write_dev_overrides FILE: a CLI config that runs our binary in place.
write_dev_overrides() {
  cat >"$1" <<HCL
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.terraform.io/encoredev/encore" = "$PROVIDER_DIR"
  }
  direct {}
}
HCL
}
export TF_CLI_CONFIG_FILE="$WORK/terraformrc"
write_dev_overrides "$TF_CLI_CONFIG_FILE"

# tf ARGS...: terraform without colour; output on stdout+stderr as usual.
tf() { "$TERRAFORM" "$@"; }

# run_capture OUT ARGS...: runs terraform ARGS (with -no-color where it
# makes sense the caller passes it), output in OUT; returns its exit code.
run_capture() {
  local out="$1"
  shift
  set +e
  "$TERRAFORM" "$@" >"$out" 2>&1
  local rc=$?
  set -e
  return $rc
}

# copy_config SRC_DIR: a fresh directory holding SRC_DIR's .tf files; prints it.
copy_config() {
  local dst
  dst="$(mktemp -d "$WORK/cfg.XXXXXX")"
  cp -r "$1"/. "$dst"/
  rm -rf "$dst/.terraform" "$dst/.terraform.lock.hcl" "$dst"/*.tfstate*
  echo "$dst"
}

# expect_contains FILE TEXT [WHAT]: FILE must contain TEXT (fixed string,
# whitespace in TEXT matches any run of whitespace, since Terraform wraps
# diagnostic text at 76 columns and draws │ borders).
expect_contains() {
  local file="$1" text="$2" what="${3:-output}"
  if ! flat_contains "$file" "$text"; then
    fail "$what does not contain \"$text\""
    return 1
  fi
}

# flat_contains FILE TEXT: like expect_contains, but only tests.
flat_contains() {
  local file="$1" text="$2"
  local flat needle
  flat="$(sed -e 's/│//g' -e 's/╷//g' -e 's/╵//g' "$file" | tr -s ' \t\n' ' ')"
  needle="$(printf '%s' "$text" | tr -s ' \t\n' ' ')"
  [[ "$flat" == *"$needle"* ]]
}

# finish: exits non-zero if any check failed.
finish() {
  if [ "$FAILURES" -ne 0 ]; then
    echo "[$TEST_NAME] $FAILURES check(s) failed" >&2
    exit 1
  fi
  log "ok"
}
