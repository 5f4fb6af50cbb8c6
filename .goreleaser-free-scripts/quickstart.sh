#!/usr/bin/env bash
# The quick start (the main job). On a fresh Debian 12, as root:
#
#   bash .goreleaser-free-scripts/quickstart.sh
#
# Installs the Debian packages, builds the provider, points Terraform at it
# with a dev_overrides CLI config (no `terraform init` needed), and runs
# `terraform validate` and `terraform plan` of examples/quickstart: an app
# with a local and a preview environment. Applying needs encore-agent, which
# comes in a later release; until then the plan is the end of the road.
#
# Environment: JOBS (default 2); QUICKSTART_DIR (default examples/quickstart).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-2}"
EXAMPLE="${QUICKSTART_DIR:-$ROOT/examples/quickstart}"

step() { echo; echo "==> $*"; }

step "Installing build dependencies (Debian packages)"
bash "$ROOT/.goreleaser-free-scripts/install-deps.sh"
command -v terraform >/dev/null || {
  echo "quickstart: terraform is not on PATH; install Terraform >= 1.11 first" >&2
  exit 1
}
terraform version | head -n1

step "Building terraform-provider-encore"
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$ROOT/build" -j"$JOBS" terraform-provider-encore
BIN="$ROOT/build/bin/terraform-provider-encore"
"$BIN" -version

[ -d "$EXAMPLE" ] && ls "$EXAMPLE"/*.tf >/dev/null 2>&1 || {
  echo "quickstart: no configuration in $EXAMPLE" >&2
  exit 1
}

step "Writing a Terraform CLI config with dev_overrides"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/encore-quickstart.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
RC="$ROOT/build/terraformrc"
cat >"$RC" <<HCL
# Terraform runs the provider from the build directory (no init needed).
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.terraform.io/encoredev/encore" = "$(dirname "$BIN")"
  }
  direct {}
}
HCL
echo "    $RC:"
sed 's/^/    /' "$RC"
export TF_CLI_CONFIG_FILE="$RC"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1

# Work on a copy so the example directory stays clean.
mkdir -p "$WORK/quickstart"
cp -r "$EXAMPLE"/. "$WORK/quickstart/"
rm -rf "$WORK/quickstart/.terraform" "$WORK/quickstart/.terraform.lock.hcl"

step "terraform validate (${EXAMPLE#"$ROOT"/})"
terraform -chdir="$WORK/quickstart" validate -no-color

step "terraform plan (${EXAMPLE#"$ROOT"/})"
terraform -chdir="$WORK/quickstart" plan -no-color -input=false -out="$WORK/quickstart.tfplan" |
  tee "$WORK/plan.out"
terraform -chdir="$WORK/quickstart" show -json "$WORK/quickstart.tfplan" >"$WORK/plan.json"

step "Plan summary"
jq -r '.resource_changes[] | "  \(.change.actions | join(",")) \(.address)"' "$WORK/plan.json"
grep -E '^Plan: ' "$WORK/plan.out" || true
cat <<TXT

The provider validated and planned the quick start. \`terraform apply\` needs
encore-agent (coming in a later release); until then the provider answers
apply with a clear error instead of pretending.
To use the provider from your own directory (no terraform init needed):
  export TF_CLI_CONFIG_FILE=$RC
TXT
