//! Running one GraphQL request, in steps: resolve a persisted query, look in the response cache, parse and check
//! the operation's type, wait for a turn, run it on the schema, and write the response (caching a public answer).

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, Value};
use hrc_schema::{code, RequestContext};
use serde_json::json;
use tracing_actix_web::RequestId;

use super::format::{error, Format};
use crate::caching::Cached;
use crate::request::{operation_of, rate_limit_header_pairs, rate_limit_headers};
use crate::startup::AppState;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const X_CACHE: HeaderName = HeaderName::from_static("x-cache");
/// Sent with the answers to `GET`s, which a cache may keep; a cache keeps no answer to a `POST` (it has no explicit
/// freshness and no `Content-Location`), so those go without it.
const VARY_VALUE: HeaderValue = HeaderValue::from_static("Accept-Language, Authorization");

/// One request on its way through, with what each step needs.
pub struct Call<'a> {
    pub state: &'a AppState,
    pub context: RequestContext,
    pub format: Format,
    pub request_id: RequestId,
    /// The HTTP request when it came as a `GET`: only queries run then, and a public answer gets an ETag and
    /// `Cache-Control: public`.
    pub get: Option<&'a HttpRequest>,
}

/// Runs a GraphQL request and measures it: its latency under its operation name, and a line in the slow-request log
/// (operation name, time, request id; never the document or its variables) when it took too long.
pub async fn execute(call: Call<'_>, request: Request) -> HttpResponse {
    let started = Instant::now();
    let name = request.operation_name.clone();
    let (state, request_id) = (call.state, call.request_id);
    let response = run(call, request).await;
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

/// The steps, each of which may answer in place of the rest.
async fn run(mut call: Call<'_>, mut request: Request) -> HttpResponse {
    let state = call.state;
    if let Err(refused) = state.persisted.resolve(&mut request) {
        let status = if call.format == Format::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        return error(status, call.format, refused.code(), &refused.message());
    }
    if request.query.is_empty() {
        return error(StatusCode::BAD_REQUEST, call.format, code::BAD_REQUEST, "the request needs a query");
    }
    let lang = call.context.lang.served().code();
    let anonymous = call.context.viewer.is_none();
    // Only the anonymous public's answers are cached, and only a query's: a hit is served before the document is
    // parsed at all.
    let generation = state.cache.generation();
    let mut key = (anonymous && state.cache.enabled()).then(|| state.cache.key(&request, lang));
    if let Some(hit) = key.and_then(|key| state.cache.get(key)) {
        return serve_hit(&call, &hit);
    }
    let operation = parse(state, &mut request, anonymous);
    if operation != Some(OperationType::Query) {
        key = None;
    }
    if call.get.is_some() && operation.is_some_and(|ty| ty != OperationType::Query) {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            call.format,
            code::METHOD_NOT_ALLOWED,
            "only queries may be sent with GET; send mutations and subscriptions with POST",
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return response;
    }
    call.context.request_id = call.request_id.to_string();
    let Some(response) = run_on_schema(&call, request, operation).await else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            call.format,
            code::TIMEOUT,
            "the server is busy: the request waited its whole time limit for its turn",
        );
    };
    respond(&call, response, key.map(|key| (key, generation)))
}

/// Parses the document once (or finds it parsed) for the request to run, and tells the type of its operation.
fn parse(state: &AppState, request: &mut Request, anonymous: bool) -> Option<OperationType> {
    let parsed = state.documents.parse(&request.query, anonymous)?;
    let operation = operation_of(&parsed.document, request.operation_name.as_deref());
    request.set_parsed_query(parsed.document.clone());
    operation
}

/// Runs the request on the schema when a turn is free (waiting at most the server's time for one; `None` when it
/// did not come), on the read replica for the anonymous public's queries; a mutation then empties what is kept in
/// memory, here and on every node.
async fn run_on_schema(call: &Call<'_>, request: Request, operation: Option<OperationType>) -> Option<Response> {
    let state = call.state;
    let _turn = match state.executions.try_acquire() {
        Ok(turn) => turn,
        Err(_) => tokio::time::timeout(state.execution_wait, state.executions.acquire()).await.ok()?.ok()?,
    };
    let read_only = call.context.viewer.is_none() && operation == Some(OperationType::Query);
    let db = if read_only { state.public_db() } else { &state.db };
    let mut response = state.schema.execute(call.context.clone(), request, db).await;
    if operation == Some(OperationType::Mutation) {
        state.cache.invalidate();
        state.schema.data_changed();
        state.events.publish(state.events.changed());
    }
    hrc_schema::support::error::ensure_codes(&mut response);
    Some(response)
}

/// The HTTP status of a GraphQL response, from its errors' codes (request errors are 4xx only for
/// `application/graphql-response+json`); internal errors get the request id for the log, and every code is counted.
fn status_of(call: &Call<'_>, response: &mut Response) -> StatusCode {
    let mut status = StatusCode::OK;
    for error in response.errors.iter_mut() {
        let code = match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        call.state.metrics.error(&code);
        match code.as_str() {
            code::INTERNAL | code::DATABASE_UNAVAILABLE => {
                error.extensions.get_or_insert_with(Default::default).set("requestId", call.request_id.to_string());
                if code == code::DATABASE_UNAVAILABLE {
                    status = StatusCode::SERVICE_UNAVAILABLE;
                }
            }
            code::RATE_LIMITED => status = StatusCode::TOO_MANY_REQUESTS,
            code::GRAPHQL_PARSE_FAILED
            | code::GRAPHQL_VALIDATION_FAILED
            | code::QUERY_TOO_COMPLEX
            | code::BAD_REQUEST
                if call.format == Format::GraphqlResponse && error.path.is_empty() && status == StatusCode::OK =>
            {
                status = StatusCode::BAD_REQUEST;
            }
            _ => {}
        }
    }
    status
}

/// The response's body. A request that failed before execution (it did not parse or validate, was too complex,
/// over its rate limit) has no `data` entry at all, as the GraphQL specification says; `"data": null` would claim
/// it ran.
fn body_of(response: &Response) -> serde_json::Result<Vec<u8>> {
    let before_execution = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if !before_execution {
        return serde_json::to_vec(response);
    }
    let mut object = serde_json::Map::new();
    object.insert("errors".to_owned(), json!(response.errors));
    if !response.extensions.is_empty() {
        object.insert("extensions".to_owned(), json!(response.extensions));
    }
    serde_json::to_vec(&object)
}

/// Writes the response; a successful public query's is kept under `cache` (its key and the generation it began
/// in).
fn respond(call: &Call<'_>, mut response: Response, cache: Option<(u128, u64)>) -> HttpResponse {
    let state = call.state;
    let status = status_of(call, &mut response);
    let body = match body_of(&response) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "could not serialise a GraphQL response");
            return error(StatusCode::INTERNAL_SERVER_ERROR, call.format, code::INTERNAL, "internal error");
        }
    };
    let budget = &call.context.budget;
    let served = call.context.lang.served().code();
    if let (StatusCode::OK, true, Some((key, generation))) = (status, response.errors.is_empty(), cache) {
        let body = actix_web::web::Bytes::from(body);
        let entry = Arc::new(Cached {
            cost: budget.get().map_or(1, |b| b.cost),
            etag: HeaderValue::try_from(crate::caching::etag(&body)).unwrap_or(HeaderValue::from_static("\"\"")),
            body,
            content_language: served,
        });
        state.cache.insert(generation, key, entry.clone());
        let mut answer = cached_response(call, &entry, "miss");
        add_rate_limit_headers(&mut answer, budget, status);
        return answer;
    }
    let mut builder = HttpResponse::build(status);
    rate_limit_headers(&mut builder, budget, status);
    if call.context.viewer.is_some() {
        // A caller's own answer: no cache anywhere keeps it.
        builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")));
    }
    builder
        .insert_header((header::CONTENT_TYPE, call.format.content_type()))
        .insert_header((header::CONTENT_LANGUAGE, HeaderValue::from_static(served)));
    if call.get.is_some() {
        builder.insert_header((header::VARY, VARY_VALUE));
    }
    // The id the application log and the confidential audit log name this request by.
    builder.insert_header((X_REQUEST_ID, call.request_id.to_string())).body(body)
}

/// A public answer found in the cache. A hit costs what the answer cost when it ran: the cache spares the database,
/// not the caller's budget.
fn serve_hit(call: &Call<'_>, hit: &Cached) -> HttpResponse {
    let charged = call.state.schema.charge(&call.context, hit.cost);
    let status = if charged { StatusCode::OK } else { StatusCode::TOO_MANY_REQUESTS };
    let mut answer = if charged {
        cached_response(call, hit, "hit")
    } else {
        error(status, call.format, code::RATE_LIMITED, "rate limit reached: wait for the window to reset")
    };
    add_rate_limit_headers(&mut answer, &call.context.budget, status);
    answer
}

/// Adds the rate-limit headers of `budget` to a response already built (nothing when no budget was charged).
fn add_rate_limit_headers(
    answer: &mut HttpResponse,
    budget: &hrc_schema::support::ratelimit::BudgetSlot,
    status: StatusCode,
) {
    let headers = answer.headers_mut();
    for (name, value) in rate_limit_header_pairs(budget, status) {
        headers.insert(name, value);
    }
}

/// A public answer, from the cache or just computed: with its ETag and, over `GET`, `Cache-Control: public` (and
/// `304` when `If-None-Match` has the ETag).
fn cached_response(call: &Call<'_>, entry: &Cached, outcome: &'static str) -> HttpResponse {
    let fresh = call.get.is_some_and(|req| crate::caching::not_modified(req, entry.etag.to_str().unwrap_or_default()));
    let mut response = HttpResponse::build(if fresh { StatusCode::NOT_MODIFIED } else { StatusCode::OK });
    response
        .insert_header((header::ETAG, entry.etag.clone()))
        .insert_header((header::CONTENT_LANGUAGE, HeaderValue::from_static(entry.content_language)))
        .insert_header((X_REQUEST_ID, call.request_id.to_string()))
        .insert_header((X_CACHE, HeaderValue::from_static(outcome)));
    if call.get.is_some() {
        response
            .insert_header((header::CACHE_CONTROL, call.state.cache.cache_control.clone()))
            .insert_header((header::VARY, VARY_VALUE));
    }
    if fresh {
        return response.finish();
    }
    response.insert_header((header::CONTENT_TYPE, call.format.content_type())).body(entry.body.clone())
}
