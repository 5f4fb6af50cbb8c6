# Helpers for the release and install tests (sourced after lib.sh).
#
# VERSION          the project version (project(VERSION) in CMakeLists.txt).
# gpg_home         a throw-away GNUPGHOME under $WORK (exported); its
#                  gpg-agent is stopped by the cleanup hook.
# new_key UID      makes a signing key (no passphrase); prints its fingerprint.
# make_release DIR FPR
#                  .goreleaser-free-scripts/release.sh DIR for linux_amd64,
#                  signed with FPR, linking in BUILD_DIR (default: the build
#                  PROVIDER_BIN is in); dies with release.sh's output on failure.
# write_pinned_config DIR
#                  DIR/main.tf requiring encoredev/encore = VERSION, with one
#                  encore_app.

VERSION="$(sed -n 's/^project([^)]*VERSION \([0-9][0-9.]*\).*/\1/p' "$REPO_ROOT/CMakeLists.txt" | head -n1)"
[ -n "$VERSION" ] || die "could not read the project version from CMakeLists.txt"
command -v gpg >/dev/null || die "gpg is not installed (.goreleaser-free-scripts/install-deps.sh installs it)"

gpg_home() {
  export GNUPGHOME="$WORK/gnupg"
  mkdir -m 700 "$GNUPGHOME"
  # gpg starts a gpg-agent for this home; stopped here even when a failure
  # keeps the work dir.
  CLEANUP_HOOK='gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1'
}

new_key() {
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "$1" rsa2048 sign never 2>/dev/null || die "gpg could not make a key"
  gpg --list-keys --with-colons "$1" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }'
}

make_release() {
  local dist="$1" fpr="$2"
  log "release.sh $dist (VERSION=$VERSION)"
  if ! VERSION="$VERSION" OS=linux ARCH=amd64 GPG_FINGERPRINT="$fpr" \
    BUILD_DIR="${BUILD_DIR:-$(cd "$PROVIDER_DIR/.." && pwd)}" \
    bash "$REPO_ROOT/.goreleaser-free-scripts/release.sh" "$dist" >"$WORK/release.out" 2>&1; then
    cat "$WORK/release.out" >&2
    die "release.sh failed"
  fi
}

write_pinned_config() {
  cat >"$1/main.tf" <<HCL
terraform {
  required_providers {
    encore = {
      source  = "encoredev/encore"
      version = "$VERSION"
    }
  }
}

resource "encore_app" "shop" {
  name  = "shop"
  model = jsonencode({ services = [{ name = "orders" }] })
}
HCL
}
