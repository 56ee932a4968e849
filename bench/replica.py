#!/usr/bin/env python3
"""Read scale-out on one machine: a PostgreSQL primary and its streaming replica, two hrc-api processes sharing them.

    bench/replica.py [--binary target/release/hrc-api] [--scale 10000] [--seconds 10] [--connections 32]
                     [--workloads country_page,search]

It makes a primary with `initdb` in a temporary directory (loopback port 5434), loads the fictional demo data into
it, copies it with `pg_basebackup -R` into a streaming replica (port 5435), and starts two API processes with
DATABASE_URL on the primary and DATABASE_READ_URL on the replica. wrk drives each workload's public reads at both
processes at once (every body checked, as in bench/run.py); then the same two processes run without the replica, for
comparison. Run as root: the PostgreSQL servers run as the `postgres` user. Everything is removed at the end.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (bench/run.py: the workloads, wrk and its body checks)

PG_BIN = "/usr/lib/postgresql/{}/bin"


def pg_bin():
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=int)
    return PG_BIN.format(versions[-1])


def as_postgres(command, **kwargs):
    return subprocess.run(["runuser", "-u", "postgres", "--"] + command, check=True, **kwargs)


def start_cluster(bindir, data, port, sockets, log):
    as_postgres([f"{bindir}/pg_ctl", "-D", data, "-l", log, "-w", "-o",
                 f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"],
                stdout=subprocess.DEVNULL)


def start_api(binary, env, work, name):
    log = open(os.path.join(work, f"api-{name}.log"), "w")
    server = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    for line in server.stdout:
        found = re.search(r"GraphQL\s+(http://\S+)/graphql", line)
        if found:
            return server, found.group(1)
    sys.exit(f"hrc-api {name} did not start: " + open(os.path.join(work, f"api-{name}.log")).read())


def drive(workload, bases, work, args):
    """wrk at every base at once; the sum of their throughputs and the worst of their latencies."""
    method, paths, bodies = bench.workloads([args.country])[workload]
    body_file = ""
    if bodies:
        body_file = os.path.join(work, f"{workload}.jsonl")
        with open(body_file, "w") as f:
            f.write("".join(body + "\n" for body in bodies))
    env = dict(os.environ, WRK_METHOD=method, WRK_PATH=paths[0], WRK_BODY_FILE=body_file)
    for base in bases:
        subprocess.run(["wrk", "-t1", "-c4", "-d2s", "-s", bench.LUA, base], env=env, capture_output=True)
    runs = [subprocess.Popen(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s",
                              bench.LUA, base], env=env, stdout=subprocess.PIPE, text=True) for base in bases]
    results = []
    for r in runs:
        out, _ = r.communicate()
        results.append(json.loads([line for line in out.splitlines() if line.startswith("{")][-1]))
    return {
        "workload": workload,
        "rps": sum(r["rps"] for r in results),
        "p50_ms": max(r["p50_ms"] for r in results),
        "p99_ms": max(r["p99_ms"] for r in results),
        "failures": sum(r["failures"] + r["socket_errors"] for r in results),
        "requests": sum(r["requests"] for r in results),
    }


def transactions(url):
    """Transactions the database at `url` has run (pg_stat_database)."""
    out = subprocess.run(["psql", url, "-Atqc", "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                          "WHERE datname = current_database()"], check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(bench.ROOT, "target", "release", "hrc-api"))
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32, help="per API process")
    parser.add_argument("--country", default="NPL")
    parser.add_argument("--workloads", default="country_page,search")
    args = parser.parse_args()
    bench.ensure_wrk()
    bindir = pg_bin()
    work = tempfile.mkdtemp(prefix="hrc-replica-")
    shutil.chown(work, "postgres")
    primary_dir, replica_dir = os.path.join(work, "primary"), os.path.join(work, "replica")
    servers, clusters = [], []
    try:
        as_postgres([f"{bindir}/initdb", "-D", primary_dir, "-A", "trust", "-U", "postgres"], stdout=subprocess.DEVNULL)
        start_cluster(bindir, primary_dir, 5434, work, os.path.join(work, "primary.log"))
        clusters.append(primary_dir)
        subprocess.run(["psql", "postgres://postgres@127.0.0.1:5434/postgres", "-qc", "CREATE DATABASE hrc"], check=True)
        primary = "postgres://postgres@127.0.0.1:5434/hrc"
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("HRC_") and k != "DATABASE_URL"}
        base_env.update({"DATABASE_URL": primary, "HRC_BIND": "127.0.0.1:0", "HRC_RATE_LIMIT_POINTS": "0",
                         "HRC_RESPONSE_CACHE_MB": "0", "RUST_LOG": "warn"})
        started = time.time()
        subprocess.run([args.binary, "seed", "--demo", "--scale", str(args.scale), "--demo-seed", "1"],
                       env=dict(base_env, HRC_DATA_DIR=os.path.join(work, "seed")), check=True, capture_output=True)
        print(f"primary: {args.scale} demo recommendations in {time.time() - started:.1f} s", file=sys.stderr)
        as_postgres([f"{bindir}/pg_basebackup", "-h", "127.0.0.1", "-p", "5434", "-U", "postgres", "-D", replica_dir,
                     "-R", "-X", "stream"])
        start_cluster(bindir, replica_dir, 5435, work, os.path.join(work, "replica.log"))
        clusters.append(replica_dir)
        replica = "postgres://postgres@127.0.0.1:5435/hrc"
        recovering = subprocess.run(["psql", replica, "-Atqc", "SELECT pg_is_in_recovery()"], check=True,
                                    capture_output=True, text=True).stdout.strip()
        assert recovering == "t", "the replica is a standby"

        table = []
        for label, read_url in (("primary + replica", replica), ("primary only", None)):
            env = dict(base_env)
            if read_url:
                env["DATABASE_READ_URL"] = read_url
            pair = []
            for n in (1, 2):
                server, base = start_api(args.binary, dict(env, HRC_DATA_DIR=os.path.join(work, f"api{n}")), work, n)
                servers.append(server)
                pair.append(base)
            for workload in args.workloads.split(","):
                before = transactions(replica)
                result = drive(workload, pair, work, args)
                result["setup"] = label
                # What the replica served: its transactions over the run, per request (0 without it).
                result["replica_tx_per_request"] = (transactions(replica) - before) / max(result["requests"], 1)
                print(json.dumps(result), file=sys.stderr)
                table.append(result)
            for server in servers:
                server.terminate()
                server.wait(timeout=20)
            servers.clear()

        print(f"\nscale {args.scale}, two hrc-api processes, {args.connections} connections each, {args.seconds} s")
        print("| setup | workload | req/s (both) | p50 ms | p99 ms | failures | replica transactions / request |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for r in table:
            print(f"| {r['setup']} | {r['workload']} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                  f"| {r['failures']} | {r['replica_tx_per_request']:.2f} |")
        if any(r["failures"] for r in table):
            sys.exit("some responses failed their checks")
    finally:
        for server in servers:
            server.terminate()
        for data in reversed(clusters):
            as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
