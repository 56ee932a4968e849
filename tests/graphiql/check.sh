#!/usr/bin/env bash
# GraphiQL checked in headless Chromium against a live server that serves GraphiQL's packages itself
# (HRC_GRAPHIQL_ASSETS): the page loads, a query runs, its result shows. Installs Debian's chromium if it is missing
# (as root, as CI runs) and the pinned npm packages into this folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
export HRC_GRAPHIQL_ASSETS=$here/node_modules
# shellcheck source=../scripts/serve.sh
source "$root/tests/scripts/serve.sh"
build_and_serve "$root"
node "$here/check.mjs" "$base" "$work/graphiql.png"
