#!/usr/bin/env python3
"""The recorded votes: import speed of the real sample, and what a votes dashboard asks, on both databases.

    bench/votes.py [--sample ../shared/data/real] [--requests 300]

Builds nothing: run `cargo build --release` first. For each backend (SQLite in a temporary directory; PostgreSQL
at HRC_BENCH_PG, default postgres://postgres@127.0.0.1:5432, in a database made for the run), it imports the
sample's texts and roll calls with `hrc-api import` (timed, twice: the second import changes nothing), starts the
release server with the response cache and the rate limit off (every request is computed), and sends each dashboard query with
rotating keys (ten-year and shorter ranges, several States) one at a time, reporting p50 and p99 in milliseconds.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "hrc-api")
STATES = ["CHN", "USA", "RUS", "BRA", "IND", "ZAF", "FRA", "CUB", "EGY", "MEX", "JPN", "NGA", "PAK", "GBR"]
RANGES = [("2006-01-01", "2015-12-31")] + [(f"{y}-01-01", f"{y + 4}-12-31") for y in range(2006, 2012)]

WORKLOADS = {
    # The 47-member matrix over a range (ten years first): the figure the issue sets (p99 under 100 ms).
    "agreement_matrix": lambda i: '{ votingAgreementMatrix(filter: { from: "%s", to: "%s" }) { a b texts agreement } }'
    % RANGES[i % len(RANGES)],
    "voting_record": lambda i: '{ votingRecord(country: "%s", filter: { from: "%s", to: "%s" }) { year yes no abstain withMajorityShare } }'
    % ((STATES[i % len(STATES)],) + RANGES[i % len(RANGES)]),
    "partners": lambda i: '{ votingPartners(country: "%s", first: 10) { b agreement texts } }' % STATES[i % len(STATES)],
    "cohesion": lambda i: '{ groupCohesion(filter: { from: "%s", to: "%s" }) { year group agreementIndex } }'
    % RANGES[i % len(RANGES)],
    "most_divided": lambda i: '{ mostDividedVotes(first: 20, filter: { from: "%s", to: "%s" }) { margin resolution { symbol title } } }'
    % RANGES[i % len(RANGES)],
}


def run(env, *args):
    started = time.perf_counter()
    out = subprocess.run([BIN, *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return time.perf_counter() - started, out.stdout.strip().splitlines()[-1]


def post(port, query):
    body = json.dumps({"query": query}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body, {"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:
        answer = json.load(response)
    if "errors" in answer:
        sys.exit(f"{query}: {answer['errors']}")
    return answer


def bench(name, url, sample, requests, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRC_") and k != "DATABASE_URL"}
    data = tempfile.mkdtemp(prefix="hrc-votes-")
    url = url or f"sqlite://{data}/hrc.sqlite3"
    env.update(HRC_DATA_DIR=data, DATABASE_URL=url, HRC_RESPONSE_CACHE_MB="0", HRC_RATE_LIMIT_POINTS="0", HRC_BIND=f"127.0.0.1:{port}", RUST_LOG="warn")
    texts = os.path.join(sample, "hrc-recorded-votes-2006-2015-resolutions.csv")
    votes = os.path.join(sample, "hrc-recorded-votes-2006-2015-rollcall.csv")
    run(env, "migrate")
    result = {}
    for label in ["first", "again"]:
        t_texts, _ = run(env, "import", "resolutions", texts)
        t_votes, line = run(env, "import", "votes", votes)
        result[f"import_{label}_s"] = round(t_texts + t_votes, 3)
        result[f"import_{label}"] = line.split(":")[1].split(";")[0].strip()
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                post(port, "{ __typename }")
                break
            except OSError:
                time.sleep(0.2)
        for workload, make in WORKLOADS.items():
            for i in range(10):
                post(port, make(i))
            times = []
            for i in range(requests):
                started = time.perf_counter()
                post(port, make(i))
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            result[workload] = {
                "p50_ms": round(statistics.median(times), 2),
                "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
            }
    finally:
        server.terminate()
        server.wait()
    print(name, json.dumps(result, indent=1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", default=os.path.join(ROOT, "..", "shared", "data", "real"))
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    bench("sqlite", "", args.sample, args.requests, 18931)
    base = os.environ.get("HRC_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = f"hrc_votes_bench_{os.getpid()}"
    subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        bench("postgres", f"{base}/{name}", args.sample, args.requests, 18932)
    finally:
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE {name} WITH (FORCE)"], check=True)


if __name__ == "__main__":
    main()
