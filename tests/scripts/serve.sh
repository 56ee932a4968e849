# Sourced by the scripts that test a running server (tests/fuzz/schemathesis.sh, tests/graphql-http/audit.sh,
# bench/soak.sh): `serve BIN WORK` starts BIN in the background with its output in WORK, stops it on exit (and
# removes WORK), and waits until it prints its GraphQL URL; it sets `server` (the pid), `url` (the GraphQL endpoint)
# and `base` (the server's root URL), or exits 1 with the server's log.
serve() {
  local bin=$1 work=$2
  "$bin" > "$work/stdout" 2> "$work/server.log" &
  server=$!
  # shellcheck disable=SC2064
  trap "kill $server 2>/dev/null || true; rm -rf '$work'" EXIT
  url=
  for _ in $(seq 1 120); do
    url=$(sed -n 's/^ *GraphQL *\(http[^ ]*\).*/\1/p' "$work/stdout" | head -n1)
    [ -n "$url" ] && break
    sleep 0.5
  done
  [ -n "$url" ] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
  base=${url%/graphql}
}

# `build_and_serve ROOT`: builds the same targets as `cargo test --workspace` (so the features unify alike and the
# tests' build is reused; `--bin hrc-api` alone would build every crate a second time, and a clean CI clone ran out of
# disk doing so), then serves ROOT's debug binary over a fresh SQLite database in a temporary folder, with no rate
# limit; sets `bin`, `work`, `server`, `url` and `base`.
build_and_serve() {
  local root=$1
  (cd "$root" && cargo build --quiet --workspace --all-targets)
  bin=$root/target/debug/hrc-api
  work=$(mktemp -d)
  export HRC_DATA_DIR=$work/data HRC_BIND=127.0.0.1:0 HRC_RATE_LIMIT_POINTS=0 RUST_LOG=warn
  unset DATABASE_URL CONFIDENTIAL_DATABASE_URL
  serve "$bin" "$work"
}
