#!/usr/bin/env bash
# Runs the README's client session (session.mjs: urql with persisted queries over GET) against a live server over a
# fresh SQLite database; fails if any step of it does not come back as expected. Installs its npm packages here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ ! -d "$here/node_modules/@urql/core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
# shellcheck source=../scripts/serve.sh
source "$root/tests/scripts/serve.sh"
build_and_serve "$root"
HRC_CLIENT_TOKEN=$("$bin" token --sub client-example --role partner) node "$here/session.mjs" "$base"
