#!/usr/bin/env bash
# Installs the provider the way a Terraform user does from a filesystem
# mirror in the packed layout (HOST/NAMESPACE/TYPE/*.zip) that
# .goreleaser-free-scripts/release.sh writes:
#   - `terraform init` with a CLI config naming only that mirror installs
#     encoredev/encore and writes .terraform.lock.hcl whose h1: hash is the
#     dirhash of the zip's contents; validate then works (no dev_overrides);
#   - after the zip in the mirror is replaced by one holding a modified
#     binary, `init` in a fresh directory with the old lock file fails with
#     Terraform's own checksum error, and installs nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/release_lib.sh"

command -v zip >/dev/null || die "zip is not installed (.goreleaser-free-scripts/install-deps.sh installs it)"
command -v unzip >/dev/null || die "unzip is not installed (.goreleaser-free-scripts/install-deps.sh installs it)"

# A throw-away signing key: release.sh signs SHA256SUMS with GPG_FINGERPRINT.
gpg_home
FPR="$(new_key "Encore install test <install-test@example.invalid>")"
[ -n "$FPR" ] || die "gpg made no key"
DIST="$WORK/dist"
make_release "$DIST" "$FPR"

MIRROR="$DIST/mirror"
ZIP_NAME="terraform-provider-encore_${VERSION}_linux_amd64.zip"
ZIP="$MIRROR/registry.terraform.io/encoredev/encore/$ZIP_NAME"
[ -f "$ZIP" ] || die "release.sh wrote no packed mirror zip at $ZIP"
cmp -s "$ZIP" "$DIST/$ZIP_NAME" || fail "the mirror's zip differs from the release zip"

# h1_of_dir DIR: Terraform's h1: hash (dirhash Hash1) of the files in DIR:
# base64(sha256 of "<sha256 hex>  <relative path>\n" for each file, sorted).
h1_of_dir() {
  local sum
  sum="$(cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
    while IFS= read -r f; do printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"; done |
    sha256sum | cut -d' ' -f1)"
  echo "h1:$(printf '%b' "$(echo "$sum" | sed 's/../\\x&/g')" | base64 -w0)"
}
unpacked="$WORK/unpacked"
mkdir -p "$unpacked"
unzip -q "$ZIP" -d "$unpacked"
[ -x "$unpacked/terraform-provider-encore_v$VERSION" ] ||
  die "the zip does not hold an executable terraform-provider-encore_v$VERSION"
WANT_H1="$(h1_of_dir "$unpacked")"

cat >"$TF_CLI_CONFIG_FILE" <<HCL
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/encoredev/encore"]
  }
}
HCL


# --- install from the packed mirror ---------------------------------------
cfg="$(mktemp -d "$WORK/first.XXXXXX")"
write_pinned_config "$cfg"
out="$WORK/init.out"
if run_capture "$out" -chdir="$cfg" init -no-color -input=false; then
  expect_contains "$out" "Installing encoredev/encore v$VERSION..." "init output"
  expect_contains "$out" "Installed encoredev/encore v$VERSION (unauthenticated)" "init output"
  expect_contains "$out" "Terraform has created a lock file .terraform.lock.hcl" "init output"
else
  cat "$out" >&2
  die "terraform init from the packed filesystem mirror failed"
fi
installed="$cfg/.terraform/providers/registry.terraform.io/encoredev/encore/$VERSION/linux_amd64/terraform-provider-encore_v$VERSION"
cmp -s "$installed" "$unpacked/terraform-provider-encore_v$VERSION" ||
  fail "the installed binary is not the one in the mirror's zip"

lock="$cfg/.terraform.lock.hcl"
[ -f "$lock" ] || die "terraform init wrote no .terraform.lock.hcl"
grep -q 'provider "registry.terraform.io/encoredev/encore"' "$lock" || fail "lock file has no entry for registry.terraform.io/encoredev/encore"
grep -q "version *= *\"$VERSION\"" "$lock" || fail "lock file does not record version $VERSION"
grep -qF "\"$WANT_H1\"" "$lock" || fail "lock file does not hold the zip's h1: hash $WANT_H1"
log "lock file:"
sed 's/^/  | /' "$lock"

if run_capture "$out" -chdir="$cfg" validate -no-color; then
  expect_contains "$out" "The configuration is valid." "validate output"
else
  cat "$out" >&2
  fail "terraform validate with the provider installed from the mirror failed"
fi

# --- tamper with the zip in the mirror --------------------------------------
tampered="$WORK/tampered"
mkdir -p "$tampered"
cp -p "$unpacked/terraform-provider-encore_v$VERSION" "$tampered/"
printf 'tampered\n' >>"$tampered/terraform-provider-encore_v$VERSION"
rm -f "$ZIP"
(cd "$tampered" && zip -q -X "$ZIP" "terraform-provider-encore_v$VERSION")
BAD_H1="$(h1_of_dir "$tampered")"
[ "$BAD_H1" != "$WANT_H1" ] || die "the tampered package has the same h1: hash"

cfg2="$(mktemp -d "$WORK/second.XXXXXX")"
write_pinned_config "$cfg2"
cp "$lock" "$cfg2/.terraform.lock.hcl"
if run_capture "$out" -chdir="$cfg2" init -no-color -input=false; then
  cat "$out" >&2
  fail "terraform init accepted a tampered package that does not match the lock file"
else
  log "init with the old lock file fails on the tampered zip:"
  sed 's/^/  | /' "$out"
  expect_contains "$out" "Failed to install provider" "init output"
  expect_contains "$out" "the current package for registry.terraform.io/encoredev/encore $VERSION doesn't match any of the checksums previously recorded in the dependency lock file" "init output"
fi
[ ! -e "$cfg2/.terraform/providers/registry.terraform.io/encoredev/encore/$VERSION" ] ||
  fail "the tampered package was installed anyway"
cmp -s "$lock" "$cfg2/.terraform.lock.hcl" || fail "the failed init changed the lock file"

finish
