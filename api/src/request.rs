//! What the GraphQL, REST and WebSocket routes all read from a request: who is charged for it, the language asked
//! for, the operation a document would run, and the rate-limit headers of the answer.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use hrc_schema::support::ratelimit::BudgetSlot;
use hrc_schema::Lang;

/// The rate-limit key of an anonymous caller: the address of the connection's peer. `Forwarded` and
/// `X-Forwarded-For` are not read: a client could send any value there and get a fresh budget with each. (Behind a
/// reverse proxy every anonymous caller shares the proxy's budget; trusting a named proxy's header is for later.)
pub fn client_key(req: &HttpRequest) -> String {
    match req.peer_addr() {
        Some(peer) => format!("ip:{}", peer.ip()),
        None => "ip:unknown".to_owned(),
    }
}

/// The language `Accept-Language` asks for (English by default).
pub fn language(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The type of the operation a document would run, if it parses.
pub fn operation_type(query: &str, operation_name: Option<&str>) -> Option<OperationType> {
    operation_of(&async_graphql::parser::parse_query(query).ok()?, operation_name)
}

/// The type of the operation a parsed document would run: the one named, or the only one.
pub fn operation_of(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<OperationType> {
    match &document.operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(map) => match operation_name {
            Some(name) => map.get(name).map(|op| op.node.ty),
            None if map.len() == 1 => map.values().next().map(|op| op.node.ty),
            None => None,
        },
    }
}

const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const X_RATELIMIT_COST: HeaderName = HeaderName::from_static("x-ratelimit-cost");
const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// The caller's rate-limit budget after the request, as response headers (and, when refused, `Retry-After`); none
/// when no budget was charged.
pub fn rate_limit_header_pairs(budget: &BudgetSlot, status: StatusCode) -> Vec<(HeaderName, HeaderValue)> {
    let Some(b) = budget.get() else { return Vec::new() };
    let reset = b.reset_at.and_utc().timestamp();
    let mut pairs = vec![
        (X_RATELIMIT_LIMIT, HeaderValue::from(b.limit)),
        (X_RATELIMIT_REMAINING, HeaderValue::from(b.remaining)),
        (X_RATELIMIT_COST, HeaderValue::from(b.cost)),
        (X_RATELIMIT_RESET, HeaderValue::from(reset)),
    ];
    if status == StatusCode::TOO_MANY_REQUESTS {
        let now = chrono::Utc::now().timestamp();
        pairs.push((header::RETRY_AFTER, HeaderValue::from((reset - now).max(1))));
    }
    pairs
}

/// The caller's rate-limit budget after the request, in the headers of a response being built.
pub fn rate_limit_headers(response: &mut actix_web::HttpResponseBuilder, budget: &BudgetSlot, status: StatusCode) {
    for pair in rate_limit_header_pairs(budget, status) {
        response.insert_header(pair);
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::client_key;

    #[test]
    fn the_client_key_is_the_peer_address() {
        for peer in ["10.0.12.255:80", "127.0.0.1:9", "[::1]:8080"] {
            let peer: std::net::SocketAddr = peer.parse().unwrap();
            let req = TestRequest::default().peer_addr(peer).to_http_request();
            assert_eq!(client_key(&req), format!("ip:{}", peer.ip()));
        }
        assert_eq!(client_key(&TestRequest::default().to_http_request()), "ip:unknown");
    }
}
