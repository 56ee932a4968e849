//! GraphQL over HTTP: `POST /graphql` with a JSON body, `GET /graphql` with URL parameters (queries only), and
//! GraphiQL for a browser. Each handler reads the request and authenticates the caller, then hands it to
//! [`execute`], which runs it in steps; [`format`] negotiates the response's media type.

mod execute;
mod format;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::{Request, Value, Variables};
use futures_util::StreamExt;
use hrc_schema::{code, RequestContext};
use serde::Deserialize;
use tracing_actix_web::RequestId;

use crate::startup::AppState;
use execute::{execute, Call};
use format::{error, negotiate, Format};

const JSON: &str = "application/json";

/// Authenticates the caller. No `Authorization` header is the anonymous public; a header that does not verify is
/// refused with 401, never treated as anonymous.
fn authenticate(req: &HttpRequest, state: &AppState, format: Format) -> Result<RequestContext, Box<HttpResponse>> {
    let lang = crate::request::language(req);
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(RequestContext {
            viewer: None,
            lang,
            rate_key: crate::request::client_key(req),
            ..Default::default()
        });
    };
    let verified = value
        .to_str()
        .map_err(|_| hrc_schema::support::auth::AuthError::NotBearer)
        .and_then(|v| state.auth.verify_header(v));
    match verified {
        Ok(viewer) => Ok(RequestContext {
            rate_key: format!("sub:{}", viewer.subject),
            viewer: Some(viewer),
            lang,
            ..Default::default()
        }),
        Err(reason) => {
            // The reason goes to the log, never to the caller, and the token itself goes nowhere.
            tracing::info!(%reason, "bearer token refused");
            let mut response = error(
                StatusCode::UNAUTHORIZED,
                format,
                code::UNAUTHENTICATED,
                "the bearer token is invalid or expired",
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer error="invalid_token""#));
            Err(Box::new(response))
        }
    }
}

/// The answer to an `Accept` that allows neither of our media types.
fn not_acceptable() -> HttpResponse {
    error(
        StatusCode::NOT_ACCEPTABLE,
        Format::Json,
        code::BAD_REQUEST,
        "accept application/json or application/graphql-response+json",
    )
}

/// `POST /graphql` with `Content-Type: application/json`.
pub async fn post(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let Some(format) = negotiate(&req) else { return not_acceptable() };
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(JSON));
    if !json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format,
            code::BAD_REQUEST,
            "send the request as Content-Type: application/json",
        );
    }
    let context = match authenticate(&req, &state, format) {
        Ok(context) => context,
        Err(response) => return *response,
    };
    let limit = state.max_body_bytes;
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format,
            code::PAYLOAD_TOO_LARGE,
            &format!("the request body is larger than {limit} bytes"),
        )
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    let body = match read_body(&mut payload, limit).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return too_large(),
        Err(BodyError::Unreadable) => {
            return error(StatusCode::BAD_REQUEST, format, code::BAD_REQUEST, "the request body could not be read")
        }
    };
    // A well-formed request is read straight into one. Any other body is read again as JSON, to say what is wrong
    // with it.
    let request = match serde_json::from_slice::<Request>(&body) {
        Ok(request) if !request.query.is_empty() => request,
        _ => match read_request(&body, format) {
            Ok(request) => request,
            Err(refused) => return *refused,
        },
    };
    execute(Call { state: &state, context, format, request_id, get: None }, request).await
}

enum BodyError {
    TooLarge,
    Unreadable,
}

/// Reads a request body of at most `limit` bytes. A body that arrives in one chunk, as a small request's does, is
/// kept as it came, not copied into a buffer of its own.
async fn read_body(payload: &mut web::Payload, limit: usize) -> Result<web::Bytes, BodyError> {
    let mut whole: Option<web::Bytes> = None;
    let mut joined = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| BodyError::Unreadable)?;
        if whole.as_ref().map_or(0, |b| b.len()) + joined.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        if whole.is_none() && joined.is_empty() {
            whole = Some(chunk);
            continue;
        }
        if let Some(first) = whole.take() {
            joined.extend_from_slice(&first);
        }
        joined.extend_from_slice(&chunk);
    }
    Ok(whole.unwrap_or_else(|| joined.freeze()))
}

/// A `POST` body that is not a request with a query, read as JSON: the request it still is (a persisted query by
/// its hash alone, say), or the error that says what is wrong.
fn read_request(body: &[u8], format: Format) -> Result<Request, Box<HttpResponse>> {
    let refuse = |message: &str| Err(Box::new(error(StatusCode::BAD_REQUEST, format, code::BAD_REQUEST, message)));
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(e) => refuse(&format!("the body is not JSON: {e}")),
        Ok(serde_json::Value::Object(object)) => {
            let persisted = object.get("extensions").is_some_and(|e| e.get("persistedQuery").is_some());
            let query = object.get("query");
            if !(matches!(query, Some(serde_json::Value::String(_))) || (persisted && query.is_none())) {
                return refuse("the body needs a \"query\" string");
            }
            match serde_json::from_value(serde_json::Value::Object(object)) {
                Ok(request) => Ok(request),
                Err(e) => refuse(&format!("malformed request: {e}")),
            }
        }
        Ok(_) => refuse("the body must be a JSON object"),
    }
}

/// URL parameters of `GET /graphql`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// Whether `Accept` names `text/html`, in any case (read in place: every `GET` asks, a cached one too).
fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .is_some_and(|v| v.as_bytes().windows(9).any(|w| w.eq_ignore_ascii_case(b"text/html")))
}

/// `GET /graphql`: GraphiQL for a browser, else a query from the URL parameters.
pub async fn get(req: HttpRequest, state: web::Data<AppState>, request_id: RequestId) -> HttpResponse {
    let params = match serde_urlencoded::from_str::<GetParams>(req.query_string()) {
        Ok(params) => params,
        Err(e) => {
            return error(StatusCode::BAD_REQUEST, Format::Json, code::BAD_REQUEST, &format!("bad URL parameters: {e}"))
        }
    };
    if params.query.is_none() && wants_html(&req) {
        return HttpResponse::Ok().content_type("text/html; charset=utf-8").body(state.graphiql.html.clone());
    }
    let Some(format) = negotiate(&req) else { return not_acceptable() };
    let persisted = params.extensions.as_deref().is_some_and(|e| e.contains("persistedQuery"));
    let query = match params.query {
        Some(query) => query,
        // A persisted query by its hash alone: its document comes from the registry.
        None if persisted => String::new(),
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                format,
                code::BAD_REQUEST,
                "give the query in the `query` URL parameter",
            )
        }
    };
    let mut request = Request::new(query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(text) = params.variables {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value @ serde_json::Value::Object(_)) => request = request.variables(Variables::from_json(value)),
            Ok(serde_json::Value::Null) => {}
            _ => return error(StatusCode::BAD_REQUEST, format, code::BAD_REQUEST, "`variables` must be a JSON object"),
        }
    }
    if let Some(text) = params.extensions {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(map)) => {
                for (key, value) in map {
                    if let Ok(value) = Value::from_json(value) {
                        request.extensions.insert(key, value);
                    }
                }
            }
            Ok(serde_json::Value::Null) => {}
            _ => {
                return error(StatusCode::BAD_REQUEST, format, code::BAD_REQUEST, "`extensions` must be a JSON object")
            }
        }
    }
    let context = match authenticate(&req, &state, format) {
        Ok(context) => context,
        Err(response) => return *response,
    };
    execute(Call { state: &state, context, format, request_id, get: Some(&req) }, request).await
}

/// Any other method on `/graphql`.
pub async fn method_not_allowed() -> HttpResponse {
    let mut response = error(StatusCode::METHOD_NOT_ALLOWED, Format::Json, code::METHOD_NOT_ALLOWED, "use GET or POST");
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::wants_html;

    #[test]
    fn a_browser_is_known_by_text_html_in_accept_in_any_case() {
        let accept = |value: &str| TestRequest::default().insert_header(("accept", value)).to_http_request();
        assert!(wants_html(&accept("text/html,application/xhtml+xml,*/*;q=0.8")));
        assert!(wants_html(&accept("application/json, TEXT/HTML")));
        assert!(!wants_html(&accept("application/graphql-response+json, application/json")));
        assert!(!wants_html(&accept("text/htm")));
        assert!(!wants_html(&TestRequest::default().to_http_request()));
    }
}
