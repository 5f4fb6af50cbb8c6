#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the quick start need.
# Idempotent: when everything is installed already it does nothing but check.
# Needs root (apt-get); run as another user it uses sudo if there is one.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libssl-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  clang libclang-rt-14-dev
  libsqlite3-dev sqlite3
  postgresql postgresql-contrib libpq-dev redis-server nats-server libhiredis-dev libnats-dev
  python3-jsonschema
  jq unzip zip curl procps
  python3 openssl gnupg
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
