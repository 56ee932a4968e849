#!/usr/bin/env bash
# The soak: hrc-api over demo data, then bench/soak.py for MINUTES (default 10) of reads, writes and subscriptions on
# loopback, then SIGTERM (the process must exit 0). SQLite by default; HRC_SOAK_DATABASE_URL=postgres://… runs it on
# PostgreSQL (the database is created if missing). The release binary is used when built, else the debug one.
#
#   bench/soak.sh          # 10 minutes
#   HRC_SOAK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrc_soak bench/soak.sh 10
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-10}
venv=${HRC_BENCH_VENV:-$root/target/bench-venv}
bin=$root/target/release/hrc-api
[ -x "$bin" ] || { (cd "$root" && cargo build --quiet --workspace --all-targets); bin=$root/target/debug/hrc-api; }
if ! "$venv/bin/python" -c "import websockets" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet websockets==17.4
fi
work=$(mktemp -d)
export HRC_DATA_DIR=$work/data HRC_BIND=127.0.0.1:0 HRC_RATE_LIMIT_POINTS=0 RUST_LOG=warn
unset CONFIDENTIAL_DATABASE_URL
if [ -n "${HRC_SOAK_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$HRC_SOAK_DATABASE_URL
  name=${DATABASE_URL##*/}; name=${name%%\?*}
  psql "${DATABASE_URL%/*}/postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
    || psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$name\""
else
  unset DATABASE_URL
fi
echo "== seed --demo (${HRC_SOAK_DATABASE_URL:-SQLite})"
"$bin" seed --demo --scale 20000 --demo-seed 1
# shellcheck source=../tests/scripts/serve.sh
source "$root/tests/scripts/serve.sh"
serve "$bin" "$work"
url=$base
focal=$("$bin" token --sub soak-focal --role state_focal_point --country NPL --ttl 7200)
analyst=$("$bin" token --sub soak-analyst --role secretariat --ttl 7200)
fund=$("$bin" token --sub soak-fund --role fund_secretariat --ttl 7200)
echo "== soak: $minutes minutes against $url ($bin)"
status=0
"$venv/bin/python" "$root/bench/soak.py" "$url" "$server" "$minutes" "$focal" "$analyst" "$fund" || status=1
kill -TERM $server
if wait $server; then echo "server exited 0 after SIGTERM"; else echo "server exit status $? after SIGTERM"; status=1; fi
grep -q panicked "$work/server.log" && { echo "the server panicked" >&2; status=1; }
exit $status
