#!/usr/bin/env bash
# The release: what goreleaser and HashiCorp's provider release template do,
# by hand.
#
#   bash .goreleaser-free-scripts/release.sh OUT_DIR
#
# Builds the release links (cmake/release.cmake: stripped; the provider
# needs nothing beyond the C library, the agent also the shared libraries
# named in its DEPENDS file) and writes to OUT_DIR:
#
#   terraform-provider-encore_${VERSION}_${OS}_${ARCH}.zip
#       holding terraform-provider-encore_v${VERSION}
#   terraform-provider-encore_${VERSION}_manifest.json
#   terraform-provider-encore_${VERSION}_SHA256SUMS      (zip + manifest)
#   terraform-provider-encore_${VERSION}_SHA256SUMS.sig  (detached, binary)
#   encore-agent_${VERSION}_${OS}_${ARCH}.zip
#       holding encore-agent and DEPENDS (its Debian runtime packages)
#   encore-agent_${VERSION}_SHA256SUMS and .sig
#   mirror/registry.terraform.io/encoredev/encore/
#       terraform-provider-encore_${VERSION}_${OS}_${ARCH}.zip
#       (Terraform's packed filesystem-mirror layout)
#
# and prints each artefact's path.
#
# Environment:
#   GPG_FINGERPRINT  the signing key (required; GNUPGHOME is honoured)
#   VERSION          default: project(VERSION) in CMakeLists.txt; must be what
#                    the binaries' --version print (the build's version)
#   OS, ARCH         default: linux, and amd64/arm64 from uname -m
#   BUILD_DIR        default: build (configured RelWithDebInfo when missing);
#                    only the release targets are built in it
#   JOBS             ninja's -j (default 2)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "release: $*" >&2; }
die() {
  say "$*"
  exit 1
}

[ $# -eq 1 ] || {
  echo "usage: $0 OUT_DIR   (env: GPG_FINGERPRINT, VERSION, OS, ARCH, BUILD_DIR)" >&2
  exit 2
}
OUT="$1"

[ -n "${GPG_FINGERPRINT:-}" ] ||
  die "GPG_FINGERPRINT is not set: name the key that signs the SHA256SUMS files (gpg --list-secret-keys --with-colons; GNUPGHOME is honoured)"
for tool in gpg zip unzip sha256sum strip ldd dpkg readelf cmake ninja flock; do
  command -v "$tool" >/dev/null ||
    die "$tool is not installed (.goreleaser-free-scripts/install-deps.sh installs what is needed)"
done
gpg --batch --list-secret-keys "$GPG_FINGERPRINT" >/dev/null 2>&1 ||
  die "no secret key $GPG_FINGERPRINT in ${GNUPGHOME:-~/.gnupg}"

PROJECT_VERSION="$(sed -n 's/^project([^)]*VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt" | head -n1)"
VERSION="${VERSION:-$PROJECT_VERSION}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
  die "VERSION \"$VERSION\" is not a semantic version (like 0.1.0)"
OS="${OS:-linux}"
if [ -z "${ARCH:-}" ]; then
  case "$(uname -m)" in
    x86_64) ARCH=amd64 ;;
    aarch64 | arm64) ARCH=arm64 ;;
    *) ARCH="$(uname -m)" ;;
  esac
fi
BUILD_DIR="${BUILD_DIR:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac

# ---- build: only the two release links --------------------------------------
# ccache as test.sh uses it (paths relative to the repo, no cwd in the hash).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  say "configuring $BUILD_DIR (RelWithDebInfo)"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
say "building the release links in $BUILD_DIR"
# One ninja at a time in BUILD_DIR (tests may run release.sh side by side).
flock "$BUILD_DIR/.release.lock" \
  ninja -C "$BUILD_DIR" -j"${JOBS:-2}" terraform-provider-encore-release encore-agent-release >&2
PROVIDER="$BUILD_DIR/release/terraform-provider-encore-release"
AGENT="$BUILD_DIR/release/encore-agent-release"

# The names must say what the binaries are: no cross builds here.
machine="$(readelf -h "$PROVIDER" | sed -n 's/^ *Machine: *//p')"
case "$machine" in
  "Advanced Micro Devices X86-64") built=amd64 ;;
  AArch64) built=arm64 ;;
  *) built="$machine" ;;
esac
[ "$OS" = linux ] && [ "$ARCH" = "$built" ] ||
  die "OS=$OS ARCH=$ARCH, but the build makes linux/$built binaries (no cross builds)"

# One version string: the one the binaries were built with.
for bin in "$PROVIDER" "$AGENT"; do
  got="$("$bin" --version 2>&1)" || die "$bin --version failed: $got"
  [[ " $got " == *" $VERSION "* ]] ||
    die "VERSION=$VERSION but $(basename "$bin") --version prints \"$got\"; the version is project(VERSION) in CMakeLists.txt"
done

# ---- stage ------------------------------------------------------------------
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/encore-release.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
# Reproducible zips: every file stamped with the last commit's time.
EPOCH="$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 946684800)"

P="terraform-provider-encore_${VERSION}"
A="encore-agent_${VERSION}"
mkdir -p "$STAGE/provider" "$STAGE/agent"
install -m 0755 "$PROVIDER" "$STAGE/provider/terraform-provider-encore_v$VERSION"
install -m 0755 "$AGENT" "$STAGE/agent/encore-agent"
strip --strip-all "$STAGE/provider/terraform-provider-encore_v$VERSION" "$STAGE/agent/encore-agent"

# The provider must need nothing but the C library.
bad="$(ldd "$STAGE/provider/terraform-provider-encore_v$VERSION" |
  grep -Ev '^\s*(linux-vdso\.so|/lib64/ld-linux|ld-linux|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so|libresolv\.so)' || true)"
[ -z "$bad" ] || die "the provider links more than the C library: $bad"

# The agent's Debian runtime packages: the packages owning the libraries it
# names (DT_NEEDED), as dpkg-shlibdeps would list them.
deps=()
agent_ldd="$(ldd "$STAGE/agent/encore-agent")"
while read -r lib; do
  path="$(awk -v l="$lib" '
    $2 == "=>" && $1 == l && $3 ~ /^\// { print $3 }
    $2 != "=>" && $1 ~ ("/" l "$") { print $1 }' <<<"$agent_ldd")"
  [ -n "$path" ] || die "encore-agent needs $lib, which ldd does not resolve"
  pkg=""
  for p in "$path" "$(realpath "$path")" "${path#/usr}" "$(realpath "$path" | sed 's|^/usr||')"; do
    pkg="$(dpkg -S "$p" 2>/dev/null | head -n1 | cut -d: -f1)" && [ -n "$pkg" ] && break
  done
  [ -n "$pkg" ] || die "no Debian package owns $path (needed by encore-agent)"
  deps+=("$pkg")
done < <(readelf -d "$STAGE/agent/encore-agent" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
mapfile -t deps < <(printf '%s\n' "${deps[@]}" | sort -u)
{
  echo "encore-agent $VERSION ($OS/$ARCH) needs these Debian packages at run time:"
  echo
  printf '  %s\n' "${deps[@]}"
  echo
  echo "  apt-get install ${deps[*]}"
  echo
  echo "and, to provision local infrastructure, the servers it starts:"
  echo "postgresql, redis-server, nats-server."
} >"$STAGE/agent/DEPENDS"

find "$STAGE" -exec touch -h -d "@$EPOCH" {} +
zipit() { # ZIP DIR FILE...: a zip of DIR's FILEs, flat, no extra attributes
  local zip="$1" dir="$2"
  shift 2
  rm -f "$zip"
  (cd "$dir" && TZ=UTC zip -q -X "$zip" "$@")
}
zipit "$OUT/${P}_${OS}_${ARCH}.zip" "$STAGE/provider" "terraform-provider-encore_v$VERSION"
zipit "$OUT/${A}_${OS}_${ARCH}.zip" "$STAGE/agent" encore-agent DEPENDS
printf '{"version":1,"metadata":{"protocol_versions":["6.0"]}}\n' >"$OUT/${P}_manifest.json"

# ---- checksums and signatures -----------------------------------------------
(cd "$OUT" && sha256sum "${P}_${OS}_${ARCH}.zip" "${P}_manifest.json" >"${P}_SHA256SUMS")
(cd "$OUT" && sha256sum "${A}_${OS}_${ARCH}.zip" >"${A}_SHA256SUMS")
for sums in "${P}_SHA256SUMS" "${A}_SHA256SUMS"; do
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$OUT/$sums.sig" \
    --detach-sign "$OUT/$sums" 2>"$STAGE/gpg.err" || {
    cat "$STAGE/gpg.err" >&2
    die "gpg could not sign $sums with $GPG_FINGERPRINT"
  }
done

# ---- packed filesystem mirror -----------------------------------------------
MIRROR="$OUT/mirror/registry.terraform.io/encoredev/encore"
mkdir -p "$MIRROR"
cp "$OUT/${P}_${OS}_${ARCH}.zip" "$MIRROR/"

for f in "${P}_${OS}_${ARCH}.zip" "${P}_manifest.json" "${P}_SHA256SUMS" "${P}_SHA256SUMS.sig" \
  "${A}_${OS}_${ARCH}.zip" "${A}_SHA256SUMS" "${A}_SHA256SUMS.sig"; do
  echo "$OUT/$f"
done
echo "$MIRROR/${P}_${OS}_${ARCH}.zip"
