//! GraphQL over HTTP: `POST /graphql` with a JSON body, `GET /graphql` with URL parameters (queries only), and
//! GraphiQL for a browser. Authentication happens here, before the schema sees the request.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Request, Response, Value, Variables};
use futures_util::StreamExt;
use hrc_schema::{code, Lang, RequestContext};
use serde::Deserialize;
use serde_json::json;
use tracing_actix_web::RequestId;

use crate::caching::Cached;
use crate::startup::AppState;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
/// The header naming a request as the logs do; made once, not parsed from text with each response.
const X_REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");
const X_CACHE: header::HeaderName = header::HeaderName::from_static("x-cache");
/// Sent with the answers to `GET`s, which a cache may keep; a cache keeps no answer to a `POST` (it has no explicit
/// freshness and no `Content-Location`), so those go without it.
const VARY_VALUE: HeaderValue = HeaderValue::from_static("Accept-Language, Authorization");

/// The media type the client accepts for the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `application/graphql-response+json`: request errors get a 4xx status.
    GraphqlResponse,
    /// `application/json`: every GraphQL response is a 200.
    Json,
}

impl Format {
    /// Made once: a header value built from a `&str` at each response is checked byte by byte and copied.
    fn content_type(self) -> HeaderValue {
        const GRAPHQL_RESPONSE: HeaderValue =
            HeaderValue::from_static("application/graphql-response+json; charset=utf-8");
        const JSON: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");
        match self {
            Format::GraphqlResponse => GRAPHQL_RESPONSE,
            Format::Json => JSON,
        }
    }
}

/// Picks the response format from `Accept`; `None` if it allows neither.
fn negotiate(req: &HttpRequest) -> Option<Format> {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Format::Json);
    };
    let mut json = false;
    for item in accept.split(',') {
        let (media, params) = item.split_once(';').unwrap_or((item, ""));
        let media = media.trim();
        let q_zero = !params.is_empty()
            && params
                .split(';')
                .any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
        if q_zero {
            continue;
        }
        // Media types are compared without regard to case, and without a lowercase copy of each.
        if media.eq_ignore_ascii_case(GRAPHQL_RESPONSE_JSON) {
            return Some(Format::GraphqlResponse);
        }
        if [JSON, "application/*", "*/*"].iter().any(|m| media.eq_ignore_ascii_case(m)) {
            json = true;
        }
    }
    json.then_some(Format::Json)
}

/// A response carrying one GraphQL error.
fn error(status: StatusCode, format: Format, code: &str, message: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type(format.content_type())
        .json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }));
    // For the metrics, which count errors by code as the response leaves.
    response.extensions_mut().insert(crate::metrics::ErrorCode(code.to_owned()));
    response
}

/// The rate-limit key of an anonymous caller: the address of the connection's peer. `Forwarded` and
/// `X-Forwarded-For` are not read: a client could send any value there and get a fresh budget with each. (Behind a
/// reverse proxy every anonymous caller shares the proxy's budget; trusting a named proxy's header is for later.)
pub(crate) fn client_key(req: &HttpRequest) -> String {
    match req.peer_addr().map(|peer| peer.ip()) {
        // Written digit by digit: the formatting machinery cost more than the rest of the key's work together.
        Some(std::net::IpAddr::V4(ip)) => {
            let mut key = String::with_capacity(18);
            key.push_str("ip:");
            for (i, octet) in ip.octets().into_iter().enumerate() {
                if i > 0 {
                    key.push('.');
                }
                if octet >= 100 {
                    key.push(char::from(b'0' + octet / 100));
                }
                if octet >= 10 {
                    key.push(char::from(b'0' + octet / 10 % 10));
                }
                key.push(char::from(b'0' + octet % 10));
            }
            key
        }
        Some(ip) => format!("ip:{ip}"),
        None => "ip:unknown".to_owned(),
    }
}

/// The language `Accept-Language` asks for (English by default).
pub(crate) fn language(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Authenticates the caller. No `Authorization` header is the anonymous public; a header that does not verify is
/// refused with 401, never treated as anonymous.
fn authenticate(req: &HttpRequest, state: &AppState, format: Format) -> Result<RequestContext, Box<HttpResponse>> {
    let lang = language(req);
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(RequestContext { viewer: None, lang, rate_key: client_key(req), ..Default::default() });
    };
    let verified =
        value.to_str().map_err(|_| hrc_schema::auth::AuthError::NotBearer).and_then(|v| state.auth.verify_header(v));
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

/// The rate-limit headers' names, made once (a name given as text is parsed and checked with every response).
const X_RATELIMIT_LIMIT: header::HeaderName = header::HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_REMAINING: header::HeaderName = header::HeaderName::from_static("x-ratelimit-remaining");
const X_RATELIMIT_COST: header::HeaderName = header::HeaderName::from_static("x-ratelimit-cost");
const X_RATELIMIT_RESET: header::HeaderName = header::HeaderName::from_static("x-ratelimit-reset");

/// The caller's rate-limit budget after the request, as response headers (and, when refused, `Retry-After`); none
/// when no budget was charged. The numbers are written as header values directly, not through a `String`.
fn rate_limit_header_pairs(
    budget: &hrc_schema::ratelimit::BudgetSlot,
    status: StatusCode,
) -> impl Iterator<Item = (header::HeaderName, HeaderValue)> {
    budget.get().into_iter().flat_map(move |b| {
        let reset = b.reset_at.and_utc().timestamp();
        let retry_after = (status == StatusCode::TOO_MANY_REQUESTS).then(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default();
            (header::RETRY_AFTER, HeaderValue::from((reset - now).max(1)))
        });
        [
            (X_RATELIMIT_LIMIT, numbers::remembered(numbers::LIMIT, b.limit)),
            (X_RATELIMIT_REMAINING, HeaderValue::from(b.remaining)),
            (X_RATELIMIT_COST, numbers::small(b.cost)),
            (X_RATELIMIT_RESET, numbers::remembered(numbers::RESET, u64::try_from(reset).unwrap_or_default())),
        ]
        .into_iter()
        .chain(retry_after)
    })
}

/// Numbers as header values without writing each anew: a header value written from a number is a buffer allocated,
/// filled and frozen, and the rate-limit headers were four of them with every response (2,000 instructions).
mod numbers {
    use std::cell::RefCell;
    use std::sync::LazyLock;

    use actix_web::http::header::HeaderValue;

    /// The numbers kept written out once: costs, which are queries' complexities, are mostly below this.
    const SMALL: u64 = 1024;

    static TABLE: LazyLock<Vec<HeaderValue>> = LazyLock::new(|| {
        // Made once a process and kept for its life: a static value is cloned by copying, with no count to keep.
        (0..SMALL).map(|n| HeaderValue::from_static(Box::leak(n.to_string().into_boxed_str()))).collect()
    });

    /// `n`, from the table when it is small.
    pub(super) fn small(n: u64) -> HeaderValue {
        usize::try_from(n).ok().and_then(|i| TABLE.get(i)).cloned().unwrap_or_else(|| HeaderValue::from(n))
    }

    /// The slots of [`remembered`]: the limit (the same for every request) and a window's reset time (the same for
    /// every request of the window).
    pub(super) const LIMIT: usize = 0;
    pub(super) const RESET: usize = 1;

    thread_local! {
        static LAST: RefCell<[Option<(u64, HeaderValue)>; 2]> = const { RefCell::new([None, None]) };
    }

    /// `n`, as the same slot on this thread last wrote it if it is the same number.
    pub(super) fn remembered(slot: usize, n: u64) -> HeaderValue {
        LAST.with_borrow_mut(|last| match &last[slot] {
            Some((m, value)) if *m == n => value.clone(),
            _ => {
                let value = HeaderValue::from(n);
                last[slot] = Some((n, value.clone()));
                value
            }
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_number_is_written_as_itself_whichever_way_it_is_made() {
            for n in [0, 1, 9, 10, 99, 100, 1023, 1024, 1025, 200_000, u64::MAX] {
                assert_eq!(small(n), n.to_string().as_str(), "{n}");
                for slot in [LIMIT, RESET] {
                    assert_eq!(remembered(slot, n), n.to_string().as_str(), "{n}, first");
                    assert_eq!(remembered(slot, n), n.to_string().as_str(), "{n}, remembered");
                }
            }
            // A slot that changes number writes the new one, and another slot keeps its own.
            assert_eq!(remembered(LIMIT, 7), "7");
            assert_eq!(remembered(RESET, 1_800_000_000), "1800000000");
            assert_eq!(remembered(LIMIT, 8), "8");
            assert_eq!(remembered(RESET, 1_800_000_000), "1800000000");
        }
    }
}

/// The caller's rate-limit budget after the request, in the headers of a response being built.
pub(crate) fn rate_limit_headers(
    response: &mut actix_web::HttpResponseBuilder,
    budget: &hrc_schema::ratelimit::BudgetSlot,
    status: StatusCode,
) {
    for pair in rate_limit_header_pairs(budget, status) {
        response.insert_header(pair);
    }
}

/// The request's id as the `X-Request-Id` header value: the text the logs show, written without the formatting
/// machinery.
fn request_id_header(request_id: &RequestId) -> HeaderValue {
    let mut text = uuid::Uuid::encode_buffer();
    HeaderValue::from_str(request_id.hyphenated().encode_lower(&mut text)).unwrap_or(HeaderValue::from_static(""))
}

/// Runs a request through the schema and turns the result into an HTTP response.
///
/// First the persisted-query step (a document by its hash; the allow-list); then, for the anonymous public, the
/// response cache; a mutation empties the cache, here and (through PostgreSQL) on every node. `get` is the request
/// when it came as a `GET`: only queries run then, and a public answer gets an ETag (`304` when the client has it)
/// and `Cache-Control: public`.
/// Runs a GraphQL request and measures it: its latency under its operation name, and a line in the slow-request log
/// (operation name, time, request id; never the document or its variables) when it took too long.
async fn execute(
    state: &AppState,
    context: RequestContext,
    request: Request,
    format: Format,
    request_id: RequestId,
    get: Option<&HttpRequest>,
) -> HttpResponse {
    let started = std::time::Instant::now();
    let name = request.operation_name.clone();
    let response = execute_measured(state, context, request, format, request_id, get).await;
    let took = started.elapsed();
    state.metrics.operation(name.as_deref(), took);
    if state.slow_request.is_some_and(|threshold| took >= threshold) {
        let operation = name.as_deref().filter(|n| crate::metrics::is_name(n)).unwrap_or("anonymous");
        tracing::warn!(
            target: "hrc::slow_request",
            operation,
            ms = took.as_millis() as u64,
            status = response.status().as_u16(),
            request_id = %request_id,
            "slow GraphQL request"
        );
    }
    response
}

async fn execute_measured(
    state: &AppState,
    mut context: RequestContext,
    mut request: Request,
    format: Format,
    request_id: RequestId,
    get: Option<&HttpRequest>,
) -> HttpResponse {
    if let Err(refused) = state.persisted.resolve(&mut request) {
        let status = if format == Format::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        return error(status, format, refused.code(), &refused.message());
    }
    if request.query.is_empty() {
        return error(StatusCode::BAD_REQUEST, format, code::BAD_REQUEST, "the request needs a query");
    }
    let served = context.lang.served();
    let anonymous = context.viewer.is_none();
    // Only a query's answer is ever cached, so a hit needs no parse to know it was one: it is served before the
    // document is read at all.
    let mut key = (anonymous && state.cache.enabled()).then(|| state.cache.key(&request, served.code()));
    let generation = state.cache.generation();
    if let Some(hit) = key.and_then(|key| state.cache.get(key)) {
        // Found by content, a GET is kept by its URL as well, for its next time.
        if let Some(req) = get {
            state.cache.insert(generation, state.cache.url_key(req.query_string(), served.code()), hit.clone());
        }
        return serve_hit(state, &context, &hit, format, &request_id, get);
    }
    // Parsed once, or found parsed: its operation's type decides what follows, and the parse is what runs.
    let parsed = state.documents.parse(&request.query, anonymous);
    let operation = parsed.as_ref().and_then(|p| operation_of(&p.document, request.operation_name.as_deref()));
    if let Some(parsed) = parsed {
        request.set_parsed_query(parsed.document.clone());
    }
    if operation != Some(OperationType::Query) {
        key = None;
    }
    if get.is_some() && operation.is_some_and(|ty| ty != OperationType::Query) {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            format,
            code::METHOD_NOT_ALLOWED,
            "only queries may be sent with GET; send mutations and subscriptions with POST",
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return response;
    }
    let name = request.operation_name.clone();
    // Written out once, for the schema (the audit log) and for the response's header.
    let request_id_value = request_id_header(&request_id);
    context.request_id = request_id_value.to_str().unwrap_or_default().to_owned();
    let budget = context.budget.clone();
    // Public reads go to the read replica, if there is one; writes, and signed-in callers' reads (restricted data,
    // and their own writes read back at once), to the primary.
    let db = if anonymous && operation == Some(OperationType::Query) { state.public_db() } else { &state.db };
    // A free turn is taken at once; only a request that has to wait arms a timer.
    let _turn = match state.executions.try_acquire() {
        Ok(turn) => turn,
        Err(_) => match tokio::time::timeout(state.execution_wait, state.executions.acquire()).await {
            Ok(Ok(turn)) => turn,
            _ => {
                return error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format,
                    code::TIMEOUT,
                    "the server is busy: the request waited its whole time limit for its turn",
                )
            }
        },
    };
    let mut response: Response = state.schema.execute(context, request, db).await;
    if operation == Some(OperationType::Mutation) {
        // Data may have changed: no public answer computed before now may be served again, on any node, and what
        // the schema keeps in memory (the reference tables, the counts) is read anew.
        state.cache.invalidate();
        state.schema.data_changed();
        state.events.publish(state.events.changed());
    }
    hrc_schema::error::ensure_codes(&mut response);
    let mut status = StatusCode::OK;
    for error in response.errors.iter_mut() {
        let code = error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(|c| match c {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_default();
        state.metrics.error(&code);
        match code.as_str() {
            code::INTERNAL | code::DATABASE_UNAVAILABLE => {
                error.extensions.get_or_insert_with(Default::default).set("requestId", request_id.to_string());
                if code == code::DATABASE_UNAVAILABLE {
                    status = StatusCode::SERVICE_UNAVAILABLE;
                }
            }
            code::RATE_LIMITED => status = StatusCode::TOO_MANY_REQUESTS,
            code::GRAPHQL_PARSE_FAILED
            | code::GRAPHQL_VALIDATION_FAILED
            | code::QUERY_TOO_COMPLEX
            | code::BAD_REQUEST
                if format == Format::GraphqlResponse && error.path.is_empty() && status == StatusCode::OK =>
            {
                status = StatusCode::BAD_REQUEST;
            }
            _ => {}
        }
    }
    // A request that failed before execution (it did not parse or validate, was too complex, over its rate limit)
    // has no `data` entry at all, as the GraphQL specification says; `"data": null` would claim it ran.
    let before_execution = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let response_ok = response.errors.is_empty();
    let body = if before_execution {
        let mut object = serde_json::Map::new();
        object.insert("errors".to_owned(), json!(response.errors));
        if !response.extensions.is_empty() {
            object.insert("extensions".to_owned(), json!(response.extensions));
        }
        serde_json::to_vec(&object)
    } else {
        serde_json::to_vec(&response)
    };
    match body {
        // The language of the texts, where a field's `lang:` argument does not ask for another.
        Ok(body) => {
            if status == StatusCode::OK && response_ok && key.is_some() {
                let body = actix_web::web::Bytes::from(body);
                let entry = std::sync::Arc::new(Cached {
                    cost: budget.get().map_or(1, |b| b.cost),
                    // Made a header value once, for every hit.
                    etag: HeaderValue::try_from(crate::caching::etag(&body))
                        .unwrap_or(HeaderValue::from_static("\"\"")),
                    body,
                    content_language: served.code(),
                    operation_name: name,
                    made: std::time::Instant::now(),
                });
                if let Some(key) = key {
                    state.cache.insert(generation, key, entry.clone());
                    // A GET is also kept by its URL, so that the next one is found before its parameters are read.
                    if let Some(req) = get {
                        state.cache.insert(
                            generation,
                            state.cache.url_key(req.query_string(), served.code()),
                            entry.clone(),
                        );
                    }
                }
                let mut answer =
                    cached_response(&entry, format, request_id_value, get, &state.cache.cache_control, "miss");
                add_rate_limit_headers(&mut answer, &budget, status);
                return answer;
            }
            let mut response = HttpResponse::build(status);
            rate_limit_headers(&mut response, &budget, status);
            if !anonymous {
                // A caller's own answer: no cache anywhere keeps it.
                response.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")));
            }
            response
                .insert_header((header::CONTENT_TYPE, format.content_type()))
                .insert_header((header::CONTENT_LANGUAGE, HeaderValue::from_static(served.code())));
            if get.is_some() {
                response.insert_header((header::VARY, VARY_VALUE));
            }
            response
                // The id the application log and the confidential audit log name this request by.
                .insert_header((X_REQUEST_ID, request_id_value))
                .body(body)
        }
        Err(e) => {
            tracing::error!(error = %e, "could not serialise a GraphQL response");
            error(StatusCode::INTERNAL_SERVER_ERROR, format, code::INTERNAL, "internal error")
        }
    }
}

/// A public answer found in the cache. A hit costs what the answer cost when it ran: the cache spares the database,
/// not the caller's budget.
fn serve_hit(
    state: &AppState,
    context: &RequestContext,
    hit: &Cached,
    format: Format,
    request_id: &RequestId,
    get: Option<&HttpRequest>,
) -> HttpResponse {
    let charged = state.schema.charge(context, hit.cost);
    let status = if charged { StatusCode::OK } else { StatusCode::TOO_MANY_REQUESTS };
    let mut answer = if charged {
        cached_response(hit, format, request_id_header(request_id), get, &state.cache.cache_control, "hit")
    } else {
        error(status, format, code::RATE_LIMITED, "rate limit reached: wait for the window to reset")
    };
    add_rate_limit_headers(&mut answer, &context.budget, status);
    answer
}

/// Adds the rate-limit headers of `budget` to a response already built (nothing when no budget was charged).
fn add_rate_limit_headers(answer: &mut HttpResponse, budget: &hrc_schema::ratelimit::BudgetSlot, status: StatusCode) {
    let headers = answer.headers_mut();
    for (name, value) in rate_limit_header_pairs(budget, status) {
        headers.insert(name, value);
    }
}

/// A public answer, from the cache or just computed: with its ETag and, over `GET`, `Cache-Control: public` (and
/// `304` when `If-None-Match` has the ETag).
fn cached_response(
    entry: &Cached,
    format: Format,
    request_id: HeaderValue,
    get: Option<&HttpRequest>,
    cache_control: &HeaderValue,
    outcome: &'static str,
) -> HttpResponse {
    let fresh = get.is_some_and(|req| crate::caching::not_modified(req, entry.etag.to_str().unwrap_or_default()));
    let mut response = HttpResponse::build(if fresh { StatusCode::NOT_MODIFIED } else { StatusCode::OK });
    response
        .insert_header((header::ETAG, entry.etag.clone()))
        .insert_header((header::CONTENT_LANGUAGE, HeaderValue::from_static(entry.content_language)))
        .insert_header((X_REQUEST_ID, request_id))
        .insert_header((X_CACHE, HeaderValue::from_static(outcome)));
    if get.is_some() {
        response
            .insert_header((header::CACHE_CONTROL, cache_control.clone()))
            .insert_header((header::VARY, VARY_VALUE));
    }
    if fresh {
        return response.finish();
    }
    response.insert_header((header::CONTENT_TYPE, format.content_type())).body(entry.body.clone())
}

/// `POST /graphql` with `Content-Type: application/json`.
pub async fn post(
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let Some(format) = negotiate(&req) else {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            Format::Json,
            code::BAD_REQUEST,
            "accept application/json or application/graphql-response+json",
        );
    };
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
    execute(&state, context, request, format, request_id, None).await
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

/// The type of the operation a GET would run, if the document parses.
pub(crate) fn operation_type(query: &str, operation_name: Option<&str>) -> Option<OperationType> {
    operation_of(&async_graphql::parser::parse_query(query).ok()?, operation_name)
}

/// The type of the operation a parsed document would run.
fn operation_of(
    document: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<OperationType> {
    match &document.operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(map) => match operation_name {
            Some(name) => map.get(name).map(|op| op.node.ty),
            None if map.len() == 1 => map.values().next().map(|op| op.node.ty),
            None => None,
        },
    }
}

/// `GET /graphql`: GraphiQL for a browser, else a query from the URL parameters.
pub async fn get(req: HttpRequest, state: web::Data<AppState>, request_id: RequestId) -> HttpResponse {
    // The anonymous public's answer to this very URL, if it is cached: found before a parameter is read. (A browser
    // asking for a page goes on to GraphiQL.)
    if state.cache.enabled() && !req.query_string().is_empty() && !req.headers().contains_key(header::AUTHORIZATION) {
        if let Some(format) = negotiate(&req).filter(|_| !wants_html(&req)) {
            let key = state.cache.url_key(req.query_string(), language(&req).served().code());
            if let Some(hit) = state.cache.find(key) {
                let started = std::time::Instant::now();
                let context = match authenticate(&req, &state, format) {
                    Ok(context) => context,
                    Err(response) => return *response,
                };
                let response = serve_hit(&state, &context, &hit, format, &request_id, Some(&req));
                state.metrics.operation(hit.operation_name.as_deref(), started.elapsed());
                return response;
            }
        }
    }
    let params = match serde_urlencoded::from_str::<GetParams>(req.query_string()) {
        Ok(params) => params,
        Err(e) => {
            return error(StatusCode::BAD_REQUEST, Format::Json, code::BAD_REQUEST, &format!("bad URL parameters: {e}"))
        }
    };
    if params.query.is_none() && wants_html(&req) {
        return HttpResponse::Ok().content_type("text/html; charset=utf-8").body(state.graphiql.html.clone());
    }
    let Some(format) = negotiate(&req) else {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            Format::Json,
            code::BAD_REQUEST,
            "accept application/json or application/graphql-response+json",
        );
    };
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
    execute(&state, context, request, format, request_id, Some(&req)).await
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

    use super::{client_key, wants_html};

    #[test]
    fn a_browser_is_known_by_text_html_in_accept_in_any_case() {
        let accept = |value: &str| TestRequest::default().insert_header(("accept", value)).to_http_request();
        assert!(wants_html(&accept("text/html,application/xhtml+xml,*/*;q=0.8")));
        assert!(wants_html(&accept("application/json, TEXT/HTML")));
        assert!(!wants_html(&accept("application/graphql-response+json, application/json")));
        assert!(!wants_html(&accept("text/htm")));
        assert!(!wants_html(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn the_client_key_writes_the_peer_address_as_display_does() {
        for peer in ["0.0.0.0:1", "10.0.12.255:80", "127.0.0.1:9", "192.168.100.7:443", "[::1]:8080", "[2001:db8::7]:1"]
        {
            let peer: std::net::SocketAddr = peer.parse().unwrap();
            let req = TestRequest::default().peer_addr(peer).to_http_request();
            assert_eq!(client_key(&req), format!("ip:{}", peer.ip()));
        }
        assert_eq!(client_key(&TestRequest::default().to_http_request()), "ip:unknown");
    }
}
