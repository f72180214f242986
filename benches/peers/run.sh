#!/usr/bin/env bash
# Signs the same 10,000 requests (requests.jsonl) with every peer and with
# oauth1-doctor, in one run, each timed by its best pass over at least 3
# passes and 2 seconds of signing (the same rule for all); prints a table
# (peer, version, µs/request, ratio to oauth1-doctor, agreement count) and
# every group of requests on which a peer's signature differs from
# oauth1-doctor's, with the RFC 5849 section the requests put to the test.
#
#   benches/peers/run.sh
#
# Peers, at pinned versions from their registries:
#   oauthlib (PyPI) and oauth-1.0a, oauth (npm): into benches/peers/.deps
#     (git-ignored), a Python venv and node_modules folders;
#   oauth1-request (crates.io): benches/peers/rust-peer, a cargo project of
#     its own (its own [workspace] and Cargo.lock, not part of the crate's
#     build), built into .deps/rust-target;
#   liboauth (Debian liboauth-dev) through sign_liboauth.c, compiled with
#     gcc into .deps; the PECL oauth extension (Debian php-oauth, php-cli).
# The Debian packages are installed with apt-get (as root) when missing.
# Nothing of this runs in CI.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
deps="$here/.deps"
out="$deps/out"
OAUTHLIB_VERSION="3.2.2"
OAUTH_1_0A_VERSION="2.2.6"
NODE_OAUTH_VERSION="0.10.2"
# oauth1-request is pinned in rust-peer/Cargo.toml (=0.6.1) and Cargo.lock.
LIBOAUTH_DEB_VERSION="1.0.3-5"
PHP_OAUTH_DEB_VERSION="2.0.7+1.2.3-16"
PHP_CLI_DEB_VERSION="2:8.2+93"
mkdir -p "$deps" "$out"

if [ ! -x "$deps/venv/bin/python" ]; then
  python3 -m venv "$deps/venv"
fi
if ! "$deps/venv/bin/python" -c "import oauthlib, sys; sys.exit(oauthlib.__version__ != '$OAUTHLIB_VERSION')" 2>/dev/null; then
  "$deps/venv/bin/pip" install --quiet "oauthlib==$OAUTHLIB_VERSION"
fi
if [ ! -f "$deps/node/node_modules/oauth-1.0a/package.json" ]; then
  npm install --silent --no-audit --no-fund --prefix "$deps/node" "oauth-1.0a@$OAUTH_1_0A_VERSION" >/dev/null
fi
if ! grep -q "\"version\": \"$NODE_OAUTH_VERSION\"" "$deps/node-oauth/node_modules/oauth/package.json" 2>/dev/null; then
  npm install --silent --no-audit --no-fund --prefix "$deps/node-oauth" "oauth@$NODE_OAUTH_VERSION" >/dev/null
fi
deb_installed() {
  [ "$(dpkg-query -W -f '${Version}' "$1" 2>/dev/null)" = "$2" ]
}
if ! deb_installed liboauth-dev "$LIBOAUTH_DEB_VERSION" || ! deb_installed php-oauth "$PHP_OAUTH_DEB_VERSION" \
  || ! deb_installed php-cli "$PHP_CLI_DEB_VERSION"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "liboauth-dev=$LIBOAUTH_DEB_VERSION" "php-oauth=$PHP_OAUTH_DEB_VERSION" "php-cli=$PHP_CLI_DEB_VERSION" >/dev/null
fi

requests="$here/requests.jsonl"
# The C and Rust drivers read the same requests as tab-separated fields
# (no value in the set holds a tab or a newline); reading is not timed.
python3 - "$requests" "$out/requests.tsv" <<'PY'
import json, sys
fields = ["method", "url", "body", "consumer_key", "consumer_secret",
          "token", "token_secret", "nonce", "timestamp"]
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as dst:
    for line in src:
        r = json.loads(line)
        assert not any(c in r[f] for f in fields for c in "\t\n"), r["id"]
        dst.write("\t".join(r[f] for f in fields) + "\n")
PY
(cd "$root" && cargo build --quiet --release --example peers_sign)
(cd "$here/rust-peer" && CARGO_TARGET_DIR="$deps/rust-target" cargo build --quiet --release --locked)
gcc -O2 -Wall -o "$deps/sign_liboauth" "$here/sign_liboauth.c" -loauth

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo "python $("$deps/venv/bin/python" -c 'import sys; print(sys.version.split()[0])'), node $(node --version), $(php -r 'echo "php ", PHP_VERSION;'), $(gcc --version | head -1), $(rustc --version)"
{
  "$root/target/release/examples/peers_sign" "$requests" "$out/oauth1-doctor.txt"
  "$deps/rust-target/release/peer-oauth1-request" "$out/requests.tsv" "$out/oauth1-request.txt"
  "$deps/sign_liboauth" "$out/requests.tsv" "$out/liboauth.txt" "$(dpkg-query -W -f '${Version}' liboauth-dev)"
  php "$here/sign_pecl_oauth.php" "$out/requests.tsv" "$out/pecl-oauth.txt"
  NODE_PATH="$deps/node-oauth/node_modules" node "$here/sign_node_oauth.js" "$requests" "$out/node-oauth.txt"
  NODE_PATH="$deps/node/node_modules" node "$here/sign_oauth_1_0a.js" "$requests" "$out/oauth-1.0a.txt"
  "$deps/venv/bin/python" "$here/sign_oauthlib.py" "$requests" "$out/oauthlib.txt"
} > "$out/timings.jsonl"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at the end"

python3 "$here/compare.py" "$requests" "$out/timings.jsonl" \
  "oauth1-doctor=$out/oauth1-doctor.txt" "oauth1-request=$out/oauth1-request.txt" \
  "liboauth=$out/liboauth.txt" "PECL oauth=$out/pecl-oauth.txt" "oauth (npm)=$out/node-oauth.txt" \
  "oauth-1.0a=$out/oauth-1.0a.txt" "oauthlib=$out/oauthlib.txt"
