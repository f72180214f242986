#!/usr/bin/env bash
# Installs the real clients tests/listen.rs drives, idempotently and
# quietly, into tests/clients/.deps (git-ignored): a Python venv with
# requests-oauthlib and a node_modules folder with oauth-1.0a, at pinned
# versions. Prints the environment variables the tests read:
#
#   eval "$(bash tests/clients/setup.sh)"
#
# OAUTH1_DOCTOR_PYTHON        the venv's python (requests, requests-oauthlib)
# OAUTH1_DOCTOR_NODE_MODULES  the node_modules folder holding oauth-1.0a,
#                             playwright-core and axe-core (the workbench's
#                             browser tests, tests/serve.rs), and
#                             postman-collection and newman (Postman's own
#                             tooling, tests/postman.rs)
# OAUTH1_DOCTOR_CHROMIUM      Debian's chromium, where it is installed
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deps="$here/.deps"
REQUESTS_OAUTHLIB_VERSION="2.0.0"
OAUTHLIB_VERSION="3.2.2"
OAUTH_1_0A_VERSION="2.2.6"
PLAYWRIGHT_CORE_VERSION="1.65.1"
AXE_CORE_VERSION="4.14.1"
POSTMAN_COLLECTION_VERSION="5.3.1"
NEWMAN_VERSION="6.2.2"
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
node_wanted=("oauth-1.0a@$OAUTH_1_0A_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
  "axe-core@$AXE_CORE_VERSION" "postman-collection@$POSTMAN_COLLECTION_VERSION" "newman@$NEWMAN_VERSION")
node_missing=()
for spec in "${node_wanted[@]}"; do
  name="${spec%@*}"
  want="${spec##*@}"
  have=$(node -p "require('$deps/node/node_modules/$name/package.json').version" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    node_missing+=("$spec")
  fi
done
if [ "${#node_missing[@]}" -gt 0 ]; then
  # One install of the whole list: npm prunes what a partial install leaves out.
  npm install --silent --no-audit --no-fund --prefix "$deps/node" "${node_wanted[@]}" >/dev/null
fi
echo "export OAUTH1_DOCTOR_PYTHON='$deps/venv/bin/python'"
echo "export OAUTH1_DOCTOR_NODE_MODULES='$deps/node/node_modules'"
if command -v chromium >/dev/null; then
  echo "export OAUTH1_DOCTOR_CHROMIUM='$(command -v chromium)'"
fi
