#!/usr/bin/env bash
# Signs the same 10,000 requests (requests.jsonl) with Python oauthlib, the
# npm package oauth-1.0a and oauth1-doctor, in one run; prints requests/s,
# the ratio to oauth1-doctor, and every signature the signers disagree on.
#
#   benches/peers/run.sh
#
# Peers are installed into benches/peers/.deps (git-ignored): a Python venv
# and a node_modules folder, at pinned versions.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
deps="$here/.deps"
out="$deps/out"
OAUTHLIB_VERSION="3.2.2"
OAUTH_1_0A_VERSION="2.2.6"
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

requests="$here/requests.jsonl"
(cd "$root" && cargo build --quiet --release --example peers_sign)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "python $("$deps/venv/bin/python" -c 'import sys; print(sys.version.split()[0])') oauthlib $OAUTHLIB_VERSION, node $(node --version) oauth-1.0a $OAUTH_1_0A_VERSION"
{
  "$root/target/release/examples/peers_sign" "$requests" "$out/oauth1-doctor.txt"
  "$deps/venv/bin/python" "$here/sign_oauthlib.py" "$requests" "$out/oauthlib.txt"
  NODE_PATH="$deps/node/node_modules" node "$here/sign_oauth_1_0a.js" "$requests" "$out/oauth-1.0a.txt"
} > "$out/timings.jsonl"

python3 "$here/compare.py" "$requests" "$out/timings.jsonl" \
  "oauth1-doctor=$out/oauth1-doctor.txt" "oauthlib=$out/oauthlib.txt" "oauth-1.0a=$out/oauth-1.0a.txt"
