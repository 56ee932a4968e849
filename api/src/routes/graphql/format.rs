//! The response's media type, negotiated from `Accept` (GraphQL over HTTP), and a response carrying one error.

use actix_web::http::header::Header;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

/// The media type the client accepts for the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/graphql-response+json`: request errors get a 4xx status.
    GraphqlResponse,
    /// `application/json`: every GraphQL response is a 200.
    Json,
}

impl Format {
    pub fn content_type(self) -> HeaderValue {
        match self {
            Format::GraphqlResponse => HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
            Format::Json => HeaderValue::from_static("application/json; charset=utf-8"),
        }
    }
}

/// Picks the response format from `Accept` (parsed by actix, quality values included); `None` if it allows
/// neither. No `Accept` is `application/json`, as GraphQL over HTTP says for legacy clients.
pub fn negotiate(req: &HttpRequest) -> Option<Format> {
    if !req.headers().contains_key(header::ACCEPT) {
        return Some(Format::Json);
    }
    let accept = header::Accept::parse(req).ok()?;
    let mut json = false;
    for item in accept.iter().filter(|item| item.quality > header::Quality::ZERO) {
        let (kind, sub) = (item.item.type_(), item.item.subtype());
        if kind == "application" && sub == "graphql-response" && item.item.suffix().is_some_and(|s| s == "json") {
            return Some(Format::GraphqlResponse);
        }
        json |= (kind == "application" && (sub == "json" || sub == "*")) || (kind == "*" && sub == "*");
    }
    json.then_some(Format::Json)
}

/// A response carrying one GraphQL error, its code left on the response for the metrics.
pub fn error(status: StatusCode, format: Format, code: &str, message: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type(format.content_type())
        .json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }));
    response.extensions_mut().insert(crate::metrics::ErrorCode(code.to_owned()));
    response
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::{negotiate, Format};

    #[test]
    fn accept_picks_the_format_by_its_media_types_and_their_quality() {
        let accept =
            |value: &str| negotiate(&TestRequest::default().insert_header(("accept", value)).to_http_request());
        assert_eq!(accept("application/graphql-response+json, application/json;q=0.9"), Some(Format::GraphqlResponse));
        assert_eq!(accept("Application/JSON"), Some(Format::Json));
        assert_eq!(accept("*/*"), Some(Format::Json));
        assert_eq!(accept("application/graphql-response+json;q=0, application/json"), Some(Format::Json));
        assert_eq!(accept("text/html"), None);
        assert_eq!(negotiate(&TestRequest::default().to_http_request()), Some(Format::Json));
    }
}
