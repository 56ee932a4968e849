#!/usr/bin/env bash
# The graphql-http server audit (npm package graphql-http, the GraphQL over HTTP specification's audit suite) against
# a server on a fresh SQLite database: fails on any MUST or SHOULD that does not pass. Installs the pinned packages of
# package-lock.json into this folder with npm (CI may).
#
#   tests/graphql-http/audit.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ ! -d "$here/node_modules/graphql-http" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
# shellcheck source=../scripts/serve.sh
source "$root/tests/scripts/serve.sh"
build_and_serve "$root"
node "$here/audit.mjs" "$url"
