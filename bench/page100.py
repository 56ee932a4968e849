#!/usr/bin/env python3
"""Times the 100-recommendation page with its relations against a running hrc-api.

Usage: bench/page100.py [URL] [COUNTRY] [REQUESTS]
Sends 5 warm-up requests, then REQUESTS (default 200) one after another; checks every response has 100 edges and
no errors; prints median, p95 and min in milliseconds.
"""
import json
import statistics
import sys
import time
import urllib.request

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/graphql"
COUNTRY = sys.argv[2] if len(sys.argv) > 2 else "NPL"
N = int(sys.argv[3]) if len(sys.argv) > 3 else 200

QUERY = """query($c: String) { recommendations(first: 100, filter: { country: $c }) {
  totalCount
  edges { node {
    key text response uprCycle
    country { isoCode name regionalGroup { code } }
    recommendingCountry { isoCode }
    mechanism { key name }
    sdgTargets { code }
    themes { key name }
    affectedPersons { key }
    currentImplementationStatus
    implementationHistory { status reportedOn }
  } }
} }"""


def once():
    body = json.dumps({"query": QUERY, "variables": {"c": COUNTRY}}).encode()
    request = urllib.request.Request(URL, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        data = json.load(response)
    elapsed = (time.perf_counter() - started) * 1000
    assert "errors" not in data, data["errors"]
    assert len(data["data"]["recommendations"]["edges"]) == 100, "fewer than 100 recommendations for the country"
    return elapsed


for _ in range(5):
    once()
times = sorted(once() for _ in range(N))
print(f"{N} requests: median {statistics.median(times):.1f} ms, p95 {times[int(N * 0.95) - 1]:.1f} ms, "
      f"min {times[0]:.1f} ms")
