#!/usr/bin/env bash
# Fuzzes the running server with schemathesis, for a bounded time per run, over demo data:
#   - GraphQL mode against POST /graphql, as the anonymous public, staff (secretariat, reprisals officer, Council
#     Bureau) and the complaint and fund secretariats, each on the schema its roles select; our check
#     (tests/fuzz/graphql_checks.py) fails on a 5xx, a body that is not a GraphQL response, an error without a known
#     code, and INTERNAL;
#   - OpenAPI mode against /openapi.json (the REST endpoints), with every schemathesis check but
#     positive_data_acceptance (a schema-valid but unknown cursor or ID is rightly refused): no 5xx, no response that
#     breaks the document (status, content type, headers, body), invalid input refused, undeclared methods 405.
# Fails too on any panic in the server's log. A failing run prints its whole report and the server's warnings.
#
#   tests/fuzz/schemathesis.sh                     # 40 s per run
#   HRC_FUZZ_SECONDS=300 tests/fuzz/schemathesis.sh
#   HRC_FUZZ_RUNS="staff openapi" HRC_FUZZ_SEED=1346... tests/fuzz/schemathesis.sh   # replay runs with a seed
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${HRC_FUZZ_SECONDS:-40}
venv=${HRC_FUZZ_VENV:-$root/target/fuzz-venv}
bin=$root/target/debug/hrc-api

if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis==4.32.5
fi
# The same targets as `cargo test --workspace`, so the features unify alike and the binary that the tests built is
# reused; `--bin hrc-api` alone would build every crate a second time (and a clean CI clone ran out of disk doing so).
(cd "$root" && cargo build --quiet --workspace --all-targets)

work=$(mktemp -d)
export HRC_DATA_DIR=$work/data HRC_BIND=127.0.0.1:0 HRC_RATE_LIMIT_POINTS=0 RUST_LOG=warn
unset DATABASE_URL CONFIDENTIAL_DATABASE_URL
"$bin" seed --demo > /dev/null
# shellcheck source=../scripts/serve.sh
source "$root/tests/scripts/serve.sh"
serve "$bin" "$work"

staff=$("$bin" token --sub fuzz-staff --role secretariat --role reprisals_officer --role council_bureau)
clerks=$("$bin" token --sub fuzz-clerks --role complaint_secretariat --role fund_secretariat)
seed=()
[ -n "${HRC_FUZZ_SEED:-}" ] && seed=(--seed "$HRC_FUZZ_SEED")
status=0
passed=0
failed=0
for run in ${HRC_FUZZ_RUNS:-anonymous staff clerks openapi}; do
  headers=()
  target=$url
  hooks=graphql_checks
  checks=(--checks errors_keep_the_contract)
  case $run in
    staff) headers=(-H "Authorization: Bearer $staff") ;;
    clerks) headers=(-H "Authorization: Bearer $clerks") ;;
    # The GraphQL error contract is not REST's: that run has schemathesis' own checks only.
    openapi) target=$base/openapi.json hooks= checks=(--checks all --exclude-checks positive_data_acceptance) ;;
  esac
  if [ "$run" = openapi ]; then
    echo "== schemathesis, OpenAPI mode, /openapi.json, ${seconds} s"
  else
    echo "== schemathesis, GraphQL mode, as $run, ${seconds} s"
  fi
  # A pass prints its summary; a failure prints the whole report: the failing request, its response, the replay.
  if (cd "$work" && SCHEMATHESIS_HOOKS=$hooks PYTHONPATH="$root/tests/fuzz" "$venv/bin/st" run "$target" \
    --max-time "$seconds" --workers 2 "${checks[@]}" --no-color --warnings off \
    "${seed[@]}" "${headers[@]}" > "$work/st.out" 2>&1); then
    tail -n 25 "$work/st.out"
    passed=$((passed + 1))
  else
    grep -v '^ *$' "$work/st.out" | tail -n 200
    echo "-- the server's warnings and errors:"
    grep -E ' (WARN|ERROR) ' "$work/server.log" | tail -n 40 || true
    status=1
    failed=$((failed + 1))
  fi
done
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked:" >&2
  grep -A 5 "panicked" "$work/server.log" | head -n 40 >&2
  status=1
fi
echo "schemathesis: $passed passed, $failed failed"
exit $status
