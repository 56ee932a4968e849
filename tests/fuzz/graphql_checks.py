"""Schemathesis checks for GraphQL mode: what this API promises of every response, whatever the input.

Schemathesis' own GraphQL check counts any `errors` entry as a server failure; here errors are the contract (a
refusal is `UNAUTHENTICATED` or `FORBIDDEN`, bad input is `BAD_USER_INPUT`), so the check is ours: no 5xx, a JSON
body, every error with a known `extensions.code`, and never `INTERNAL` (an unexpected failure inside).
"""

import schemathesis

CODES = {
    "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "BAD_REQUEST", "CONFLICT", "QUERY_TOO_COMPLEX",
    "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "METHOD_NOT_ALLOWED", "TIMEOUT",
    "RATE_LIMITED", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_ALLOWED",
}


@schemathesis.check
def errors_keep_the_contract(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"server error {response.status_code}: {response.text[:500]}")
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON ({response.status_code}): {response.text[:500]}")
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        raise AssertionError(f"not a GraphQL response: {response.text[:500]}")
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code not in CODES:
            raise AssertionError(f"an error with code {code!r}: {error}")
        if not isinstance(error.get("message"), str):
            raise AssertionError(f"an error without a message: {error}")
