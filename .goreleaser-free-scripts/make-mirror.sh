#!/usr/bin/env bash
# Lays out a Terraform filesystem mirror (unpacked layout) holding the
# built provider:
#
#   OUT_DIR/registry.terraform.io/encoredev/encore/VERSION/linux_amd64/
#       terraform-provider-encore_vVERSION
#
# Usage: make-mirror.sh OUT_DIR [VERSION]
#   VERSION defaults to the project version in CMakeLists.txt.
#   PROVIDER_BIN overrides the binary (default build/bin/terraform-provider-encore).
#
# Then, in a CLI config (TF_CLI_CONFIG_FILE):
#   provider_installation {
#     filesystem_mirror {
#       path    = "OUT_DIR"
#       include = ["registry.terraform.io/encoredev/encore"]
#     }
#     direct { exclude = ["registry.terraform.io/encoredev/encore"] }
#   }
# and `terraform init` installs it offline.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUT_DIR [VERSION]" >&2
  exit 2
fi
OUT="$1"
VERSION="${2:-}"
if [ -z "$VERSION" ]; then
  VERSION="$(sed -n 's/^project([^)]*VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt" | head -n1)"
fi
if ! [[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "make-mirror: \"$VERSION\" is not a semantic version (like 0.1.0)" >&2
  exit 2
fi
BIN="${PROVIDER_BIN:-$ROOT/build/bin/terraform-provider-encore}"
if [ ! -x "$BIN" ]; then
  echo "make-mirror: $BIN is missing; build it first (cmake -S . -B build -G Ninja && ninja -C build terraform-provider-encore)" >&2
  exit 1
fi

case "$(uname -m)" in
  x86_64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) ARCH="$(uname -m)" ;;
esac
PLATFORM="$(uname -s | tr 'A-Z' 'a-z')_$ARCH"

DIR="$OUT/registry.terraform.io/encoredev/encore/$VERSION/$PLATFORM"
mkdir -p "$DIR"
# Only the executable: Terraform's h1: hash covers every file in the dir.
find "$DIR" -mindepth 1 -delete
install -m 0755 "$BIN" "$DIR/terraform-provider-encore_v$VERSION"
echo "$DIR/terraform-provider-encore_v$VERSION"
