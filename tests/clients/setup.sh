#!/usr/bin/env bash
# Installs the real clients tests/listen.rs drives, idempotently and
# quietly, into tests/clients/.deps (git-ignored): a Python venv with
# requests-oauthlib and a node_modules folder with oauth-1.0a, at pinned
# versions. Prints the environment variables the tests read:
#
#   eval "$(bash tests/clients/setup.sh)"
#
# OAUTH1_DOCTOR_PYTHON        the venv's python (requests, requests-oauthlib)
# OAUTH1_DOCTOR_NODE_MODULES  the node_modules folder holding oauth-1.0a
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deps="$here/.deps"
REQUESTS_OAUTHLIB_VERSION="2.0.0"
OAUTHLIB_VERSION="3.2.2"
OAUTH_1_0A_VERSION="2.2.6"
mkdir -p "$deps"
if [ ! -x "$deps/venv/bin/python" ]; then
  python3 -m venv "$deps/venv" >&2
fi
if ! "$deps/venv/bin/python" - "$REQUESTS_OAUTHLIB_VERSION" "$OAUTHLIB_VERSION" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit(version("requests-oauthlib") != sys.argv[1] or version("oauthlib") != sys.argv[2])
PY
then
  "$deps/venv/bin/pip" install --quiet --disable-pip-version-check \
    "requests-oauthlib==$REQUESTS_OAUTHLIB_VERSION" "oauthlib==$OAUTHLIB_VERSION" >&2
fi
if [ ! -f "$deps/node/node_modules/oauth-1.0a/package.json" ]; then
  npm install --silent --no-audit --no-fund --prefix "$deps/node" "oauth-1.0a@$OAUTH_1_0A_VERSION" >/dev/null
fi
echo "export OAUTH1_DOCTOR_PYTHON='$deps/venv/bin/python'"
echo "export OAUTH1_DOCTOR_NODE_MODULES='$deps/node/node_modules'"
