#!/usr/bin/env bash
# Installs the provider the way Terraform installs it from the public
# registry, from a small static provider registry served over HTTPS on
# 127.0.0.1 (python3 http.server + ssl, a throw-away CA trusted through
# SSL_CERT_FILE). The CLI config's `host "registry.terraform.io"` block
# points the providers.v1 service at it, so `source = "encoredev/encore"`
# goes through the registry protocol: versions document, download document,
# SHA256SUMS, its detached signature checked against the published key.
#   - the release made by .goreleaser-free-scripts/release.sh installs; init
#     says who signed it; the lock file gets zh: (the zip's SHA-256) and h1:
#     (the dirhash of its contents); validate works (no dev_overrides);
#   - without SSL_CERT_FILE the registry's certificate is not trusted;
#   - SHA256SUMS signed by another key than the published one, and a
#     SHA256SUMS edited after signing, make init fail with Terraform's own
#     signature error and install nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/release_lib.sh"

PYTHON=/usr/bin/python3 # not the PATH's python3: that may be a pyenv shim
for tool in gpg openssl unzip; do
  command -v "$tool" >/dev/null || die "$tool is not installed (.goreleaser-free-scripts/install-deps.sh installs it)"
done
[ -x "$PYTHON" ] || die "$PYTHON is not installed (.goreleaser-free-scripts/install-deps.sh installs it)"

P="terraform-provider-encore_${VERSION}"
ZIP_NAME="${P}_linux_amd64.zip"
SUMS_NAME="${P}_SHA256SUMS"

# --- two throw-away signing keys ---------------------------------------------
gpg_home
FPR="$(new_key "Encore install test <install-test@example.invalid>")"
OTHER_FPR="$(new_key "Someone else <someone-else@example.invalid>")"
if [ -z "$FPR" ] || [ -z "$OTHER_FPR" ] || [ "$FPR" = "$OTHER_FPR" ]; then die "gpg made no keys"; fi
KEY_ID="${FPR: -16}"

# --- the release ------------------------------------------------------------------
DIST="$WORK/dist"
make_release "$DIST" "$FPR"
for f in "$ZIP_NAME" "$SUMS_NAME" "$SUMS_NAME.sig"; do
  [ -f "$DIST/$f" ] || die "release.sh wrote no $f"
done
ZIP_SHA="$(sha256sum <"$DIST/$ZIP_NAME" | cut -d' ' -f1)"
grep -qx "$ZIP_SHA  $ZIP_NAME" "$DIST/$SUMS_NAME" || die "$SUMS_NAME does not list $ZIP_NAME with its SHA-256"

# --- TLS: a throw-away CA and a certificate for localhost ------------------------
TLS="$WORK/tls"
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$TLS/ca.key" -out "$TLS/ca.pem" -days 1 -subj "/CN=Encore install test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$TLS/server.key" -out "$TLS/server.csr" -subj "/CN=localhost" 2>/dev/null
printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$TLS/server.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
  -out "$TLS/server.pem" -days 1 -extfile "$TLS/server.ext" 2>/dev/null

# --- the static registry ----------------------------------------------------------
SITE="$WORK/site"
mkdir -p "$SITE/.well-known" "$SITE/v1/providers/encoredev/encore/$VERSION/download/linux"
echo '{"providers.v1":"/v1/providers/"}' >"$SITE/.well-known/terraform.json"
cat >"$WORK/serve.py" <<'PY'
# serve.py ROOT CERT KEY PORT_FILE LOG_FILE: HTTPS static files on
# 127.0.0.1, on a port the kernel picks (written to PORT_FILE once listening).
import functools, http.server, os, ssl, sys

root, cert, key, port_file, log_file = sys.argv[1:6]
log = open(log_file, "a", buffering=1)

class Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path):
        if "/v1/" in path or "/.well-known/" in path:
            return "application/json"
        return super().guess_type(path)

    def log_message(self, fmt, *args):
        log.write("%s\n" % (fmt % args))

server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=root))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PY
"$PYTHON" "$WORK/serve.py" "$SITE" "$TLS/server.pem" "$TLS/server.key" \
  "$WORK/port" "$WORK/access.log" 2>"$WORK/serve.err" &
SERVER_PID=$!
CLEANUP_HOOK="kill \$SERVER_PID 2>/dev/null; wait \$SERVER_PID 2>/dev/null; $CLEANUP_HOOK"
for _ in $(seq 100); do
  [ -s "$WORK/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; die "the registry server exited"; }
  sleep 0.1
done
[ -s "$WORK/port" ] || die "the registry server did not listen within 10 s"
PORT="$(cat "$WORK/port")"
BASE="https://localhost:$PORT"
log "registry at $BASE"

cat >"$SITE/v1/providers/encoredev/encore/versions" <<JSON
{"versions":[{"version":"$VERSION","protocols":["6.0"],"platforms":[{"os":"linux","arch":"amd64"}]}]}
JSON

# publish NAME SIGNED_BY_FPR [SUMS_FILE]: the release's files under
# /releases/NAME/ (SHA256SUMS from SUMS_FILE if given, signed as release.sh
# signed it unless SIGNED_BY_FPR is another key) and the download document
# pointing at them, always publishing $FPR's key.
publish() {
  local name="$1" signer="$2" sums="${3:-$DIST/$SUMS_NAME}"
  local dir="$SITE/releases/$name"
  mkdir -p "$dir"
  cp "$DIST/$ZIP_NAME" "$dir/"
  cp "$sums" "$dir/$SUMS_NAME"
  if [ "$signer" = release ]; then
    cp "$DIST/$SUMS_NAME.sig" "$dir/"
  else
    gpg --batch --quiet --local-user "$signer" --detach-sign -o "$dir/$SUMS_NAME.sig" "$dir/$SUMS_NAME" 2>/dev/null
  fi
  jq -n --arg base "$BASE/releases/$name" --arg zip "$ZIP_NAME" --arg sums "$SUMS_NAME" \
    --arg sha "$ZIP_SHA" --arg key_id "$KEY_ID" --arg armor "$(gpg --armor --export "$FPR")" '{
      protocols: ["6.0"], os: "linux", arch: "amd64", filename: $zip,
      download_url: "\($base)/\($zip)",
      shasums_url: "\($base)/\($sums)",
      shasums_signature_url: "\($base)/\($sums).sig",
      shasum: $sha,
      signing_keys: {gpg_public_keys: [{key_id: $key_id, ascii_armor: $armor}]}
    }' >"$SITE/v1/providers/encoredev/encore/$VERSION/download/linux/amd64"
}

cat >"$TF_CLI_CONFIG_FILE" <<HCL
disable_checkpoint = true
host "registry.terraform.io" {
  services = {
    "providers.v1" = "$BASE/v1/providers/"
  }
}
provider_installation {
  direct {}
}
HCL
export SSL_CERT_FILE="$TLS/ca.pem"

# init_fresh OUT: init in a new directory (own .terraform, no plugin cache);
# prints the directory; returns init's exit code.
init_fresh() {
  local cfg
  cfg="$(mktemp -d "$WORK/cfg.XXXXXX")"
  write_pinned_config "$cfg"
  echo "$cfg"
  run_capture "$1" -chdir="$cfg" init -no-color -input=false
}
not_installed() {
  [ ! -e "$1/.terraform/providers/registry.terraform.io/encoredev/encore/$VERSION" ] ||
    fail "$2: the provider was installed anyway"
}
h1_of_dir() {
  local sum
  sum="$(cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
    while IFS= read -r f; do printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"; done |
    sha256sum | cut -d' ' -f1)"
  echo "h1:$(printf '%b' "$(echo "$sum" | sed 's/../\\x&/g')" | base64 -w0)"
}

# --- the signed release installs ----------------------------------------------------
publish good release
out="$WORK/init.out"
set +e
cfg="$(init_fresh "$out")"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  cat "$out" >&2
  die "terraform init from the registry failed"
fi
log "init output:"
sed 's/^/  | /' "$out"
expect_contains "$out" "Installing encoredev/encore v$VERSION..." "init output"
expect_contains "$out" "Installed encoredev/encore v$VERSION (self-signed, key ID $KEY_ID)" "init output"
expect_contains "$out" "Partner and community providers are signed by their developers." "init output"
for path in "/v1/providers/encoredev/encore/versions" "/v1/providers/encoredev/encore/$VERSION/download/linux/amd64" \
  "/releases/good/$SUMS_NAME" "/releases/good/$SUMS_NAME.sig" "/releases/good/$ZIP_NAME"; do
  grep -qF "\"GET $path HTTP/1.1\" 200" "$WORK/access.log" || fail "the registry served no GET $path"
done

unpacked="$WORK/unpacked"
mkdir -p "$unpacked"
unzip -q "$DIST/$ZIP_NAME" -d "$unpacked"
installed="$cfg/.terraform/providers/registry.terraform.io/encoredev/encore/$VERSION/linux_amd64/terraform-provider-encore_v$VERSION"
cmp -s "$installed" "$unpacked/terraform-provider-encore_v$VERSION" || fail "the installed binary is not the one in the release zip"
lock="$cfg/.terraform.lock.hcl"
[ -f "$lock" ] || die "terraform init wrote no .terraform.lock.hcl"
log "lock file:"
sed 's/^/  | /' "$lock"
grep -q "version *= *\"$VERSION\"" "$lock" || fail "lock file does not record version $VERSION"
grep -qF "\"zh:$ZIP_SHA\"" "$lock" || fail "lock file has no zh: hash of the zip (zh:$ZIP_SHA)"
want_h1="$(h1_of_dir "$unpacked")"
grep -qF "\"$want_h1\"" "$lock" || fail "lock file has no h1: hash of the package ($want_h1)"
if run_capture "$out" -chdir="$cfg" validate -no-color; then
  expect_contains "$out" "The configuration is valid." "validate output"
else
  cat "$out" >&2
  fail "terraform validate with the provider installed from the registry failed"
fi

# --- the registry's certificate is trusted only through SSL_CERT_FILE --------------
set +e
cfg="$(SSL_CERT_FILE=/dev/null init_fresh "$out")"
rc=$?
set -e
if [ $rc -eq 0 ]; then
  fail "init trusted the registry's certificate without SSL_CERT_FILE"
else
  expect_contains "$out" "certificate signed by unknown authority" "init output without the CA"
fi
not_installed "$cfg" "untrusted certificate"

# --- (a) SHA256SUMS signed by another key than the published one -----------------
publish wrong-key "$OTHER_FPR"
set +e
cfg="$(init_fresh "$out")"
rc=$?
set -e
if [ $rc -eq 0 ]; then
  fail "init accepted SHA256SUMS signed by a key the registry did not publish"
else
  log "signed by another key:"
  sed 's/^/  | /' "$out"
  expect_contains "$out" "Failed to install provider" "init output (wrong key)"
  expect_contains "$out" "Error while installing encoredev/encore v$VERSION: authentication signature from unknown issuer" "init output (wrong key)"
fi
not_installed "$cfg" "wrong key"

# --- (b) SHA256SUMS edited after it was signed --------------------------------------
# The zip's line stays right (so the checksum checks pass and the signature
# is what catches it); another line is changed.
tampered="$WORK/tampered_SHA256SUMS"
awk -v zip="$ZIP_NAME" '$2 == zip { print; next } { print "0000000000000000000000000000000000000000000000000000000000000000  " $2 }' \
  "$DIST/$SUMS_NAME" >"$tampered"
printf '%s\n' "$ZIP_SHA  ${P}_darwin_arm64.zip" >>"$tampered"
cmp -s "$tampered" "$DIST/$SUMS_NAME" && die "the tampered SHA256SUMS is unchanged"
publish tampered release "$tampered"
set +e
cfg="$(init_fresh "$out")"
rc=$?
set -e
if [ $rc -eq 0 ]; then
  fail "init accepted a SHA256SUMS that no longer matches its signature"
else
  log "tampered SHA256SUMS:"
  sed 's/^/  | /' "$out"
  expect_contains "$out" "Failed to install provider" "init output (tampered SHA256SUMS)"
  expect_contains "$out" "Error while installing encoredev/encore v$VERSION: error checking signature: openpgp: invalid signature" "init output (tampered SHA256SUMS)"
fi
not_installed "$cfg" "tampered SHA256SUMS"

finish
