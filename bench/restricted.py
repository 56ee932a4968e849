#!/usr/bin/env python3
"""Times the restricted reads (the confidential complaint store, audited; the fund pipeline) against a running
hrc-api, beside a public list of the same size for comparison.

Usage: bench/restricted.py URL TOKEN_COMPLAINT_SECRETARIAT TOKEN_FUND_SECRETARIAT [REQUESTS]
Load the demo first (`hrc-api seed --demo`). Sends 5 warm-up requests per workload, then REQUESTS (default 200) one
after another; fails on any GraphQL error or a page of the wrong size; prints median, p95 and min in milliseconds.
"""
import json
import statistics
import sys
import time
import urllib.request

URL, COMPLAINT, FUND = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 200

WORKLOADS = [
    ("public: communications(first: 20)", None, 20,
     "{ communications(first: 20) { edges { node { key kind country { isoCode } sentOn } } } }",
     lambda d: d["communications"]["edges"]),
    ("confidential: complaintCommunications(first: 20) (1 audited read)", COMPLAINT, 20,
     "{ complaintCommunications(first: 20) { edges { node { reference status country { isoCode } rightsAlleged } } } }",
     lambda d: d["complaintCommunications"]["edges"]),
    ("confidential: the same with each author (21 audited reads)", COMPLAINT, 20,
     "{ complaintCommunications(first: 20) { edges { node { reference status author { name } } } } }",
     lambda d: d["complaintCommunications"]["edges"]),
    ("fund: fundRequests(first: 20) with decision and review count", FUND, 20,
     "{ fundRequests(first: 20) { totalCount edges { node { key status amount { amount } country { isoCode } decision { approved } reviewCount } } } }",
     lambda d: d["fundRequests"]["edges"]),
    ("fund: fundGrantTotals(groupBy: THEME) (public)", None, None,
     "{ fundGrantTotals(groupBy: THEME) { group count amount { amount } } }",
     lambda d: d["fundGrantTotals"]),
]


def post(query, token):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(URL, data=json.dumps({"query": query}).encode(), headers=headers)
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    if "errors" in body:
        sys.exit(f"GraphQL errors: {body['errors']}")
    return body["data"]


for name, token, size, query, items in WORKLOADS:
    for _ in range(5):
        post(query, token)
    times = []
    for _ in range(N):
        started = time.perf_counter()
        data = post(query, token)
        times.append((time.perf_counter() - started) * 1000)
        if size is not None and len(items(data)) != size:
            sys.exit(f"{name}: expected {size} items, got {len(items(data))}")
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name}: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, min {times[0]:.2f} ms ({N} requests)")
