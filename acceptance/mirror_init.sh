#!/usr/bin/env bash
# make-mirror.sh lays out a filesystem mirror; `terraform init` in a fresh
# directory, with a CLI config naming only that mirror (no direct
# installation, no network), installs the provider and writes
# .terraform.lock.hcl with an h1: hash; validate then works without
# dev_overrides.
source "$(dirname "$0")/lib.sh"

MIRROR="$WORK/mirror"
VERSION="$(sed -n 's/^project([^)]*VERSION \([0-9][0-9.]*\).*/\1/p' "$REPO_ROOT/CMakeLists.txt" | head -n1)"
[ -n "$VERSION" ] || die "could not read the project version from CMakeLists.txt"

PROVIDER_BIN="$PROVIDER_BIN" bash "$REPO_ROOT/.goreleaser-free-scripts/make-mirror.sh" "$MIRROR" >"$WORK/mirror.out"
exe="$MIRROR/registry.terraform.io/encoredev/encore/$VERSION/linux_amd64/terraform-provider-encore_v$VERSION"
[ -x "$exe" ] || die "make-mirror.sh did not create $exe"
cmp -s "$exe" "$PROVIDER_BIN" || fail "the mirrored binary differs from $PROVIDER_BIN"

cat >"$TF_CLI_CONFIG_FILE" <<HCL
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/encoredev/encore"]
  }
}
HCL

cfg="$(mktemp -d "$WORK/fresh.XXXXXX")"
cat >"$cfg/main.tf" <<'HCL'
terraform {
  required_providers {
    encore = {
      source  = "encoredev/encore"
      version = ">= 0.1.0"
    }
  }
}

resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({ services = [{ name = "orders" }] })
}
HCL

out="$WORK/init.out"
# The CLI config has no `direct` block, so Terraform has nowhere else to
# look; where the kernel lets us, init also runs with no network at all.
OFFLINE=()
if unshare -rn true 2>/dev/null; then OFFLINE=(unshare -rn); log "init runs in a network namespace with no network"; fi
set +e
"${OFFLINE[@]}" "$TERRAFORM" -chdir="$cfg" init -no-color -input=false >"$out" 2>&1
rc=$?
set -e
if [ $rc -eq 0 ]; then
  expect_contains "$out" "Installed encoredev/encore v$VERSION" "init output"
  expect_contains "$out" "Terraform has been successfully initialized" "init output"
else
  fail "terraform init from the filesystem mirror failed"
  cat "$out" >&2
fi

lock="$cfg/.terraform.lock.hcl"
if [ -f "$lock" ]; then
  grep -q 'provider "registry.terraform.io/encoredev/encore"' "$lock" || fail "lock file has no entry for registry.terraform.io/encoredev/encore"
  grep -q "version *= *\"$VERSION\"" "$lock" || fail "lock file does not record version $VERSION"
  grep -q '"h1:[A-Za-z0-9+/=]\{44\}"' "$lock" || fail "lock file has no h1: hash"
  # The h1: hash is Terraform's dirhash of the package: recompute it.
  # h1: = base64(sha256("<sha256 hex>  <file name>\n" for each file)).
  line="$(sha256sum <"$exe" | cut -d' ' -f1)  $(basename "$exe")"
  sum="$(printf '%s\n' "$line" | sha256sum | cut -d' ' -f1)"
  want="h1:$(printf "$(echo "$sum" | sed 's/../\\x&/g')" | base64 -w0)"
  grep -qF "\"$want\"" "$lock" || fail "lock file's h1: hash is not the dirhash of the mirrored package ($want)"
  log "lock file:"
  sed 's/^/  | /' "$lock"
else
  fail "terraform init wrote no .terraform.lock.hcl"
fi

if run_capture "$out" -chdir="$cfg" validate -no-color; then
  log "validate ok after init from the mirror"
else
  fail "terraform validate after init from the mirror failed"
  cat "$out" >&2
fi
if run_capture "$out" -chdir="$cfg" plan -no-color -input=false; then
  expect_contains "$out" "Plan: 1 to add" "plan output"
else
  fail "terraform plan after init from the mirror failed"
  cat "$out" >&2
fi
finish
