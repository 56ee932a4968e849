#!/usr/bin/env python3
"""A bounded soak of a running hrc-api on this machine: reads, writes and subscriptions at once, for MINUTES.

Usage: bench/soak.py URL PID MINUTES TOKEN_FOCAL TOKEN_ANALYST TOKEN_FUND_SECRETARIAT
(bench/soak.sh starts the server, mints the tokens and calls this.) Loopback only; every loop is bounded by the
deadline. Four readers cycle through public dashboard queries, two writers run the fund workflow (a draft, then its
submission) and the early-warning workflow (a signal reported and moved to verification), two WebSocket
subscribers follow fundRequestEvents and earlyWarningSignalEvents. Every 10 s it samples the server's RSS and open
file descriptors (its sockets and database files). It fails on any error that is not deliberate (one request in
fifty asks for a country that does not exist and must get BAD_USER_INPUT), on RSS growing more than 10% after the
first two minutes, on a growing count of descriptors, or on subscribers that stop hearing events.
"""
import asyncio
import json
import statistics
import sys
import time
import urllib.error
import urllib.request

import websockets

URL, PID, MINUTES = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
FOCAL, ANALYST, FUND = sys.argv[4], sys.argv[5], sys.argv[6]
DEADLINE = time.monotonic() + MINUTES * 60
WARMUP = min(120.0, MINUTES * 60 / 5)

READS = [
    "{ recommendations(first: 50, filter: { country: \"NPL\" }) { totalCount edges { node { key themes { key } sdgTargets { code } currentImplementationStatus } } } }",
    "{ recommendationCounts(groupBy: [REGIONAL_GROUP, IMPLEMENTATION_STATUS]) { count values { key } } }",
    "{ mandates(first: 20) { edges { node { key holders { name } visits(first: 5) { status startsOn } } } } }",
    "{ publishedReprisalCases(first: 20) { totalCount edges { node { reference acts year country { isoCode } } } } reprisalCaseCounts(groupBy: ACT) { group count } }",
    "{ horizonBriefings { edges { node { key title countries { isoCode } } } } fundGrantTotals(groupBy: REGIONAL_GROUP) { group count } }",
]
DELIBERATE = '{ recommendations(filter: { country: "ZZZ" }) { totalCount } }'

stats = {"requests": 0, "deliberate": 0, "errors": [], "events": {"fund": 0, "signal": 0}, "latency": []}


def post(query, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(URL + "/graphql", data=json.dumps({"query": query}).encode(), headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.load(response)
    except urllib.error.HTTPError as e:
        body = {"errors": [{"message": f"HTTP {e.code}", "extensions": {"code": f"HTTP_{e.code}"}}]}
    stats["latency"].append(time.monotonic() - started)
    stats["requests"] += 1
    return body


def check(body, what):
    if body.get("errors"):
        stats["errors"].append((what, body["errors"][0]))
        return None
    return body["data"]


async def reader(n):
    i = n
    while time.monotonic() < DEADLINE:
        i += 1
        if i % 50 == 0:
            body = await asyncio.to_thread(post, DELIBERATE)
            code = (body.get("errors") or [{}])[0].get("extensions", {}).get("code")
            if code == "BAD_USER_INPUT":
                stats["deliberate"] += 1
            else:
                stats["errors"].append(("deliberate error was not BAD_USER_INPUT", body))
        else:
            check(await asyncio.to_thread(post, READS[i % len(READS)]), "read")
        await asyncio.sleep(0.02)


async def fund_writer():
    i = 0
    while time.monotonic() < DEADLINE:
        i += 1
        data = check(await asyncio.to_thread(post, f"""mutation {{ createFundRequest(input: {{ fund: "implementation-fund",
            title: "FICTIONAL soak {i}", needsAssessment: "FICTIONAL", amount: "1000.00", currency: "USD" }}) {{ id version }} }}""", FOCAL), "draft")
        if data:
            r = data["createFundRequest"]
            check(await asyncio.to_thread(post, f'mutation {{ submitFundRequest(id: "{r["id"]}", expectedVersion: {r["version"]}) {{ status }} }}', FOCAL), "submit")
        await asyncio.sleep(0.2)


async def signal_writer():
    i = 0
    while time.monotonic() < DEADLINE:
        i += 1
        data = check(await asyncio.to_thread(post, f"""mutation {{ reportEarlyWarningSignal(input: {{ country: "NPL", observedOn: "2025-01-01",
            reportedOn: "2025-01-01", sourceKind: CIVIL_SOCIETY, sourceReference: "FICTIONAL soak {i}", category: OTHER,
            severity: LOW, description: "FICTIONAL soak" }}) {{ id version }} }}""", ANALYST), "signal")
        if data:
            s = data["reportEarlyWarningSignal"]
            check(await asyncio.to_thread(post, f'mutation {{ moveEarlyWarningSignal(id: "{s["id"]}", expectedVersion: {s["version"]}, to: UNDER_VERIFICATION, reason: "soak") {{ status }} }}', ANALYST), "move")
        await asyncio.sleep(0.2)


async def subscriber(kind, token, query):
    async with websockets.connect(URL.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": query}}))
        while time.monotonic() < DEADLINE:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=max(0.1, DEADLINE - time.monotonic())))
            except asyncio.TimeoutError:
                break
            if message.get("type") == "next" and not message["payload"].get("errors"):
                stats["events"][kind] += 1
            else:
                stats["errors"].append((f"{kind} subscription", message))


def sample():
    rss = 0
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) // 1024
    import os
    fds = len(os.listdir(f"/proc/{PID}/fd"))
    return rss, fds


async def sampler(samples):
    started = time.monotonic()
    while time.monotonic() < DEADLINE:
        rss, fds = sample()
        samples.append((time.monotonic() - started, rss, fds, stats["requests"], dict(stats["events"])))
        print(f"{samples[-1][0]:6.0f} s  RSS {rss} MiB  fds {fds}  requests {stats['requests']}  events {stats['events']}  errors {len(stats['errors'])}", flush=True)
        await asyncio.sleep(10)


async def main():
    samples = []
    tasks = [reader(n) for n in range(4)] + [fund_writer(), signal_writer(), sampler(samples),
             subscriber("fund", FUND, "subscription { fundRequestEvents { key change } }"),
             subscriber("signal", ANALYST, "subscription { earlyWarningSignalEvents { key change } }")]
    await asyncio.gather(*tasks)
    after = [s for s in samples if s[0] >= WARMUP]
    base_rss = after[0][1] if after else samples[0][1]
    peak_rss = max(s[1] for s in after or samples)
    growth = (peak_rss - base_rss) / base_rss * 100
    fds_after = [s[2] for s in after or samples]
    lat = sorted(stats["latency"])
    print(json.dumps({
        "minutes": MINUTES,
        "requests": stats["requests"],
        "throughput_rps": round(stats["requests"] / (MINUTES * 60), 1),
        "latency_ms": {"p50": round(lat[len(lat) // 2] * 1000, 1), "p99": round(lat[int(len(lat) * 0.99)] * 1000, 1)},
        "deliberate_errors": stats["deliberate"],
        "other_errors": len(stats["errors"]),
        "events": stats["events"],
        "rss_mib": {"after_warmup": base_rss, "peak_after_warmup": peak_rss, "growth_percent": round(growth, 1)},
        "open_fds": {"after_warmup": fds_after[0], "max": max(fds_after), "last": fds_after[-1]},
    }, indent=2))
    failures = []
    if stats["errors"]:
        failures.append(f"errors: {stats['errors'][:5]}")
    if growth >= 10:
        failures.append(f"RSS grew {growth:.1f}% after warm-up")
    if max(fds_after) > fds_after[0] + 10:
        failures.append(f"open descriptors grew from {fds_after[0]} to {max(fds_after)}")
    if min(stats["events"].values()) == 0:
        failures.append(f"a subscriber heard nothing: {stats['events']}")
    if failures:
        print("SOAK FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("soak passed")


asyncio.run(main())
