#!/usr/bin/env bash
# .goreleaser-free-scripts/release.sh, signed with a throw-away GPG key, into
# a fresh dir; then the artefacts are checked as a Terraform user (and the
# registry) would: exact names, SHA256SUMS, the detached signature (and its
# failure after one flipped byte), the zips' contents, a stripped provider
# that needs only the C library and runs under `env -i` (and serves
# terraform from there), the manifest, the packed mirror, the agent's
# DEPENDS against its real shared libraries, and one version string.
#
# BUILD_DIR (default: the build PROVIDER_BIN is in) is where release.sh links.
source "$(dirname "$0")/lib.sh"

BUILD_DIR="${BUILD_DIR:-$(cd "$(dirname "$PROVIDER_BIN")/.." && pwd)}"
RELEASE="$REPO_ROOT/.goreleaser-free-scripts/release.sh"
VERSION="$(sed -n 's/^project([^)]*VERSION \([0-9][0-9.]*\).*/\1/p' "$REPO_ROOT/CMakeLists.txt" | head -n1)"
[ -n "$VERSION" ] || die "could not read the project version from CMakeLists.txt"
case "$(uname -m)" in
  x86_64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) ARCH="$(uname -m)" ;;
esac
PLATFORM="linux_$ARCH"
P="terraform-provider-encore_$VERSION"
A="encore-agent_$VERSION"

# ---- a throw-away signing key ------------------------------------------------
export GNUPGHOME="$WORK/gnupg"
mkdir -m 0700 "$GNUPGHOME"
CLEANUP_HOOK='gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1'
gpg --batch --passphrase '' --quick-gen-key 'Encore Test <test@example.invalid>' \
  ed25519 sign never 2>"$WORK/gpg-gen.err" || {
  cat "$WORK/gpg-gen.err" >&2
  die "could not make a test key"
}
FPR="$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')"
[ -n "$FPR" ] || die "no fingerprint for the test key"

# ---- no key, no release ------------------------------------------------------
set +e
env -u GPG_FINGERPRINT BUILD_DIR="$BUILD_DIR" bash "$RELEASE" "$WORK/nokey" >"$WORK/nokey.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "release.sh without GPG_FINGERPRINT succeeded"
expect_contains "$WORK/nokey.out" "GPG_FINGERPRINT is not set" "release.sh without a key"
[ ! -e "$WORK/nokey" ] || fail "release.sh without a key wrote $WORK/nokey"

# ---- the release -------------------------------------------------------------
DIST="$WORK/dist"
t0=$(date +%s%N)
GPG_FINGERPRINT="$FPR" BUILD_DIR="$BUILD_DIR" bash "$RELEASE" "$DIST" >"$WORK/release.out" 2>"$WORK/release.err" || {
  cat "$WORK/release.err" >&2
  die "release.sh failed"
}
log "release.sh took $((($(date +%s%N) - t0) / 1000000)) ms"

expected="$(printf '%s\n' \
  "${P}_${PLATFORM}.zip" "${P}_manifest.json" "${P}_SHA256SUMS" "${P}_SHA256SUMS.sig" \
  "${A}_${PLATFORM}.zip" "${A}_SHA256SUMS" "${A}_SHA256SUMS.sig" \
  "mirror/registry.terraform.io/encoredev/encore/${P}_${PLATFORM}.zip" | sort)"
got="$(cd "$DIST" && find . -type f | sed 's|^\./||' | sort)"
[ "$got" = "$expected" ] || fail "artefacts differ from the expected names:$(diff <(echo "$expected") <(echo "$got") | sed 's/^/\n  /')"
printed="$(sed "s|^$DIST/||" "$WORK/release.out" | sort)"
[ "$printed" = "$expected" ] || fail "release.sh printed other paths than it made: $(cat "$WORK/release.out")"

# ---- checksums and signatures ------------------------------------------------
for sums in "${P}_SHA256SUMS" "${A}_SHA256SUMS"; do
  (cd "$DIST" && sha256sum --quiet -c "$sums") || fail "sha256sum -c $sums"
  gpg --batch --verify "$DIST/$sums.sig" "$DIST/$sums" 2>"$WORK/verify.err" ||
    fail "gpg --verify $sums.sig: $(cat "$WORK/verify.err")"
  grep -q "$FPR" "$WORK/verify.err" || fail "$sums.sig is not by the test key $FPR"
  # One flipped byte in the middle of the file: the signature must not verify.
  cp "$DIST/$sums" "$WORK/tampered"
  off=$(($(stat -c %s "$WORK/tampered") / 2))
  byte="$(dd if="$WORK/tampered" bs=1 skip=$off count=1 2>/dev/null | od -An -tu1 | tr -d ' ')"
  printf '%b' "\\$(printf '%03o' $((byte ^ 1)))" | dd of="$WORK/tampered" bs=1 seek=$off conv=notrunc 2>/dev/null
  cmp -s "$WORK/tampered" "$DIST/$sums" && die "flipping a byte did not change $sums"
  if gpg --batch --verify "$DIST/$sums.sig" "$WORK/tampered" 2>/dev/null; then
    fail "$sums.sig verifies a tampered $sums"
  fi
done
[ "$(cut -d' ' -f3 "$DIST/${P}_SHA256SUMS" | sort | tr '\n' ' ')" = "${P}_${PLATFORM}.zip ${P}_manifest.json " ] ||
  fail "${P}_SHA256SUMS must list the zip and the manifest: $(cat "$DIST/${P}_SHA256SUMS")"

# ---- manifest and mirror -----------------------------------------------------
[ "$(jq -cS . "$DIST/${P}_manifest.json")" = '{"metadata":{"protocol_versions":["6.0"]},"version":1}' ] ||
  fail "manifest: $(cat "$DIST/${P}_manifest.json")"
cmp -s "$DIST/${P}_${PLATFORM}.zip" "$DIST/mirror/registry.terraform.io/encoredev/encore/${P}_${PLATFORM}.zip" ||
  fail "the packed mirror's zip differs from the release zip"

# ---- the provider zip --------------------------------------------------------
[ "$(unzip -Z1 "$DIST/${P}_${PLATFORM}.zip")" = "terraform-provider-encore_v$VERSION" ] ||
  fail "the provider zip must hold exactly terraform-provider-encore_v$VERSION: $(unzip -Z1 "$DIST/${P}_${PLATFORM}.zip" | tr '\n' ' ')"
PDIR="$WORK/provider"
mkdir -p "$PDIR"
unzip -q "$DIST/${P}_${PLATFORM}.zip" -d "$PDIR"
PBIN="$PDIR/terraform-provider-encore_v$VERSION"
[ -x "$PBIN" ] || die "$PBIN is not executable after unzip"
sections="$(readelf -S "$PBIN")"
grep -Eq '\.symtab|\.debug_' <<<"$sections" && fail "the provider is not stripped"
# Only the C library's parts: the vdso, the loader, libc and its siblings.
ldd "$PBIN" >"$WORK/ldd.provider"
others="$(grep -Ev '^\s*(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1|lib(c|m|pthread|dl|rt|resolv)\.so\.[0-9]+ => /)' "$WORK/ldd.provider" || true)"
[ -z "$others" ] || fail "the provider needs more than the C library: $others"
grep -q 'libc\.so\.6 => /' "$WORK/ldd.provider" || fail "ldd of the provider names no libc: $(cat "$WORK/ldd.provider")"
log "provider: $(stat -c %s "$PBIN") bytes, ldd: $(awk '{print $1}' "$WORK/ldd.provider" | tr '\n' ' ')"

# ---- one version string ------------------------------------------------------
out="$(env -i "$PBIN" --version 2>&1)" || fail "env -i $PBIN --version failed: $out"
[ "$out" = "terraform-provider-encore $VERSION (plugin protocol 6)" ] ||
  fail "env -i provider --version printed \"$out\", expected version $VERSION"
dev="$("$PROVIDER_BIN" --version 2>&1)"
[ "$dev" = "$out" ] || fail "the development build says \"$dev\", the release \"$out\""

# The release binary serves Terraform from an empty environment (static gRPC
# and OpenSSL: the handshake, AutoMTLS and the schema).
write_dev_overrides "$WORK/release.tfrc"
sed -i "s|\"$PROVIDER_DIR\"|\"$PDIR\"|" "$WORK/release.tfrc"
cfg="$WORK/cfg"
mkdir -p "$cfg"
printf 'terraform {\n  required_providers {\n    encore = { source = "encoredev/encore" }\n  }\n}\n' >"$cfg/main.tf"
TFBIN="$(command -v "$TERRAFORM")"
env -i HOME="$HOME" TF_CLI_CONFIG_FILE="$WORK/release.tfrc" CHECKPOINT_DISABLE=1 \
  "$TFBIN" -chdir="$cfg" providers schema -json >"$WORK/schema.json" 2>"$WORK/schema.err" ||
  fail "terraform providers schema through the release binary: $(cat "$WORK/schema.err")"
n="$(jq '.provider_schemas["registry.terraform.io/encoredev/encore"].resource_schemas | length' "$WORK/schema.json" 2>/dev/null || echo 0)"
[ "$n" -gt 0 ] || fail "the release provider served no resource schemas"

# ---- the agent zip -----------------------------------------------------------
[ "$(unzip -Z1 "$DIST/${A}_${PLATFORM}.zip" | sort | tr '\n' ' ')" = "DEPENDS encore-agent " ] ||
  fail "the agent zip must hold encore-agent and DEPENDS: $(unzip -Z1 "$DIST/${A}_${PLATFORM}.zip" | tr '\n' ' ')"
ADIR="$WORK/agent"
mkdir -p "$ADIR"
unzip -q "$DIST/${A}_${PLATFORM}.zip" -d "$ADIR"
sections="$(readelf -S "$ADIR/encore-agent")"
grep -Eq '\.symtab|\.debug_' <<<"$sections" && fail "the agent is not stripped"
out="$(env -i "$ADIR/encore-agent" --version 2>&1)" || fail "env -i encore-agent --version failed: $out"
[ "$out" = "encore-agent $VERSION" ] || fail "encore-agent --version printed \"$out\", expected $VERSION"
# DEPENDS names, for every library the agent needs (DT_NEEDED), the Debian
# package that owns it; no library is missing, and gRPC, protobuf and
# libstdc++ are inside the binary.
listed="$(sed -n 's/^  \([a-z0-9][a-z0-9.+-]*\)$/\1/p' "$ADIR/DEPENDS")"
[ -n "$listed" ] || fail "DEPENDS lists no packages: $(cat "$ADIR/DEPENDS")"
ldd "$ADIR/encore-agent" >"$WORK/ldd.agent"
grep -q 'not found' "$WORK/ldd.agent" && fail "the agent has unresolved libraries: $(grep 'not found' "$WORK/ldd.agent")"
grep -Eq 'lib(grpc[^ ]*|protobuf|protobuf-lite|absl_[^ ]*|stdc\+\+|sqlite3|hiredis)\.so' "$WORK/ldd.agent" &&
  fail "the agent links shared what has a static form: $(grep -E 'lib(grpc[^ ]*|protobuf|protobuf-lite|absl_[^ ]*|stdc\+\+|sqlite3|hiredis)\.so' "$WORK/ldd.agent")"
for lib in $(readelf -d "$ADIR/encore-agent" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  path="$(awk -v l="$lib" '$2 == "=>" && $1 == l { print $3 } $2 != "=>" && $1 ~ ("/" l "$") { print $1 }' "$WORK/ldd.agent")"
  owner="$(dpkg -S "$(realpath "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true)"
  owner="${owner%%$'\n'*}"
  owner="${owner%%:*}"
  [ -n "$owner" ] || { fail "no package owns $lib ($path)"; continue; }
  grep -qx "$owner" <<<"$listed" || fail "DEPENDS does not name $owner (owner of $lib)"
done
for pkg in $listed; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
    fail "DEPENDS names $pkg, which is not an installed package"
done
grep -qx 'libpq5' <<<"$listed" || fail "DEPENDS does not name libpq5: $listed"
log "agent: $(stat -c %s "$ADIR/encore-agent") bytes, DEPENDS: $(tr '\n' ' ' <<<"$listed")"

# ---- reproducible: a second run gives the same bytes -------------------------
GPG_FINGERPRINT="$FPR" BUILD_DIR="$BUILD_DIR" bash "$RELEASE" "$WORK/dist2" >/dev/null 2>"$WORK/release2.err" ||
  fail "second release.sh run failed: $(cat "$WORK/release2.err")"
for f in "${P}_${PLATFORM}.zip" "${A}_${PLATFORM}.zip" "${P}_SHA256SUMS" "${A}_SHA256SUMS"; do
  cmp -s "$DIST/$f" "$WORK/dist2/$f" || fail "$f differs between two runs of release.sh"
done

finish
