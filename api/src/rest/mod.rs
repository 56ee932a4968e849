//! REST for partner systems: read-only public data under `/api/v1/`, described by an OpenAPI 3.1 document generated
//! from this code (`/openapi.json`, `/docs`, committed as `openapi/openapi.json`).
//!
//! Each endpoint runs one GraphQL document through the schema as the anonymous public, so REST has GraphQL's access
//! rules, filters, validation, IDs, cursors, rate limits and batching, and cannot drift from them. A token, when
//! sent, must verify, and then names whom the request is charged to; it never opens more than public data.

pub mod export;
pub mod model;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::{Request, Value, Variables};
use hrc_schema::{code, RequestContext};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map};
use tracing_actix_web::RequestId;
use utoipa::OpenApi;
use utoipa_scalar::Servable;

use crate::request::{client_key, language, rate_limit_headers};
use crate::startup::AppState;
use model::*;

/// The OpenAPI document of the REST endpoints.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Council Mechanisms API: REST for partner systems",
        version = "1",
        description = "Read-only public data of the UN Human Rights Council's mechanisms: special-procedure \
            mandates and their visits, and recommendations with their themes, SDG targets, responses and \
            implementation. The same records, IDs, filters and cursors as the GraphQL API at `/graphql`. \
            Lists are pages: pass `page.nextCursor` as `after` for the next one, and `updatedSince` to fetch only \
            what changed. Errors are RFC 9457 problem details with a stable `code`. Every response carries an \
            `ETag`; send it back in `If-None-Match` to get `304 Not Modified` while nothing changed.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        mandates,
        mandate,
        country_recommendations,
        recommendation,
        visits,
        export::export_recommendations,
        export::export_mandates,
        export::export_visits
    ),
    tags(
        (name = "mandates", description = "Special-procedure mandates."),
        (name = "recommendations", description = "Recommendations of the Council's mechanisms."),
        (name = "visits", description = "Country visits of the special procedures."),
        (name = "export", description = "Every record a filter selects, in one streamed NDJSON or CSV response.")
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as committed under `openapi/`: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut text = ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serialises");
    text.push('\n');
    text
}

/// Registers the REST routes, `/openapi.json` and `/docs`. Each answers `GET` and `HEAD`, any other method with
/// `405` and `Allow`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    fn read_only<F, Args>(path: &str, handler: F) -> actix_web::Resource
    where
        F: actix_web::Handler<Args> + Clone,
        Args: actix_web::FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        web::resource(path)
            .route(web::get().to(handler.clone()))
            .route(web::head().to(handler))
            .default_service(web::to(method_not_allowed))
    }
    cfg.service(read_only("/api/v1/mandates", mandates))
        .service(read_only("/api/v1/mandates/{id}", mandate))
        .service(read_only("/api/v1/countries/{isoCode}/recommendations", country_recommendations))
        .service(read_only("/api/v1/recommendations/{id}", recommendation))
        .service(read_only("/api/v1/visits", visits))
        .service(read_only("/api/v1/export/recommendations", export::export_recommendations))
        .service(read_only("/api/v1/export/mandates", export::export_mandates))
        .service(read_only("/api/v1/export/visits", export::export_visits))
        .service(read_only("/openapi.json", openapi))
        .service(utoipa_scalar::Scalar::with_url("/docs", ApiDoc::openapi()))
        .default_service(web::route().to(not_found));
}

/// A method other than `GET` or `HEAD` on a REST path.
async fn method_not_allowed(req: HttpRequest, request_id: RequestId) -> HttpResponse {
    let mut response = problem(
        StatusCode::METHOD_NOT_ALLOWED,
        code::METHOD_NOT_ALLOWED,
        &format!("{} is read-only: use GET (or HEAD)", req.path()),
        None,
        &request_id,
    );
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(openapi_json())
}

/// Anything else: a `404` problem, so a partner's mistyped path is told so in the format it reads.
async fn not_found(req: HttpRequest, request_id: RequestId) -> HttpResponse {
    problem(StatusCode::NOT_FOUND, code::NOT_FOUND, &format!("there is nothing at {}", req.path()), None, &request_id)
}

pub(crate) const MANDATE: &str = "fragment M on Mandate { id key name scope form status country { isoCode name } \
    mechanism { key name } establishedBy { symbol } termEndsOn preventionDimension \
    holders { name role startsOn endsOn } source createdAt updatedAt }";
pub(crate) const RECOMMENDATION: &str = "fragment R on Recommendation { id key sourceKind text textLanguages \
    report { symbol } paragraph addressee country { isoCode name } recommendingCountry { isoCode name } \
    mechanism { key name } mandate { key name } uprCycle madeOn session { body number } response priority cluster \
    sdgTargets { code } themes { key name } affectedPersons { key name } currentImplementationStatus \
    implementationHistory { status reportedOn sourceKind fictional } fictional source createdAt updatedAt }";
pub(crate) const VISIT: &str =
    "fragment V on Visit { id key mandate { key name } country { isoCode name } status requestedOn \
    startsOn endsOn report { symbol } followUpDueOn fictional source createdAt updatedAt }";
const PAGE: &str = "totalCount pageInfo { hasNextPage endCursor }";

/// A request refused: the problem details, and the headers that go with them.
#[derive(Debug)]
pub struct Refusal {
    pub problem: Problem,
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Refusal {
    pub(crate) fn new(
        status: StatusCode,
        code: &str,
        detail: &str,
        field: Option<String>,
        request_id: &dyn std::fmt::Display,
    ) -> Box<Refusal> {
        Box::new(Refusal {
            problem: Problem {
                kind: "about:blank".to_owned(),
                title: status.canonical_reason().unwrap_or("Error").to_owned(),
                status: status.as_u16(),
                detail: detail.to_owned(),
                code: code.to_owned(),
                field,
                request_id: request_id.to_string(),
            },
            headers: Vec::new(),
        })
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The refusal as a response: `application/problem+json`, with its headers.
    pub fn response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status());
        response
            .content_type("application/problem+json")
            .insert_header(("x-request-id", self.problem.request_id.clone()));
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        let mut response = response.json(&self.problem);
        response.extensions_mut().insert(crate::metrics::ErrorCode(self.problem.code.clone()));
        response
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem.field {
            Some(field) => write!(f, "{} ({}, {field})", self.problem.detail, self.problem.code),
            None => write!(f, "{} ({})", self.problem.detail, self.problem.code),
        }
    }
}

/// A problem-details response.
pub(crate) fn problem(
    status: StatusCode,
    code: &str,
    detail: &str,
    field: Option<String>,
    request_id: &dyn std::fmt::Display,
) -> HttpResponse {
    Refusal::new(status, code, detail, field, request_id).response()
}

/// The HTTP status of a GraphQL error code.
fn status_of(code: &str) -> StatusCode {
    match code {
        code::NOT_FOUND => StatusCode::NOT_FOUND,
        code::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
        code::FORBIDDEN => StatusCode::FORBIDDEN,
        code::RATE_LIMITED => StatusCode::TOO_MANY_REQUESTS,
        code::DATABASE_UNAVAILABLE | code::TIMEOUT => StatusCode::SERVICE_UNAVAILABLE,
        code::INTERNAL => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Reads the query string into `T`, refusing unknown, repeated and malformed parameters by name.
fn params<T: DeserializeOwned + Paged>(req: &HttpRequest, request_id: &RequestId) -> Result<T, Box<Refusal>> {
    let params = parse::<T>(req.query_string(), request_id)?;
    match params.first() {
        Some(first) if !(1..=100).contains(&first) => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            &format!("`first` must be 1 to 100, not {first}"),
            Some("first".to_owned()),
            request_id,
        )),
        _ => Ok(params),
    }
}

/// The query parameters of a list.
trait Paged {
    /// The page size asked for.
    fn first(&self) -> Option<i32>;
}

macro_rules! paged {
    ($($params:ty),*) => {$(
        impl Paged for $params {
            fn first(&self) -> Option<i32> {
                self.first
            }
        }
    )*};
}
paged!(MandateParams, RecommendationParams, VisitParams);

/// Reads a query string into `T`, refusing unknown, repeated and malformed parameters by name.
pub(crate) fn parse<T: DeserializeOwned>(query: &str, request_id: &dyn std::fmt::Display) -> Result<T, Box<Refusal>> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        let field = if path == "." {
            // An unknown or repeated parameter: serde names it in backticks.
            message.split('`').nth(1).map(str::to_owned)
        } else {
            Some(path)
        };
        let detail = match &field {
            Some(f) if !message.contains('`') => format!("the parameter `{f}` is invalid: {message}"),
            _ => format!("bad query parameters: {message}"),
        };
        Refusal::new(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, &detail, field, request_id)
    })
}

/// The GraphQL variables of a list request: paging at the top, the rest at the top (`filter: None`) or in `filter`.
pub(crate) fn list_variables(
    params: &impl Serialize,
    filter: Option<Map<String, serde_json::Value>>,
) -> serde_json::Value {
    let Ok(serde_json::Value::Object(mut all)) = serde_json::to_value(params) else { return json!({}) };
    let mut variables = Map::new();
    for key in ["first", "after"] {
        if let Some(value) = all.remove(key) {
            variables.insert(key.to_owned(), value);
        }
    }
    let sort: Sort = all.remove("sort").and_then(|s| serde_json::from_value(s).ok()).unwrap_or_default();
    variables.insert("orderBy".to_owned(), sort.order_by());
    match filter {
        Some(mut filter) => {
            filter.extend(all);
            variables.insert("filter".to_owned(), serde_json::Value::Object(filter));
        }
        None => variables.extend(all),
    }
    serde_json::Value::Object(variables)
}

/// The context of a REST request: the anonymous public, charged to the token's subject if a token is sent (it must
/// verify), else to the client's address.
pub(crate) fn public_context(
    req: &HttpRequest,
    state: &AppState,
    request_id: &RequestId,
) -> Result<RequestContext, Box<Refusal>> {
    let mut rate_key = client_key(req);
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let verified = value
            .to_str()
            .map_err(|_| hrc_schema::support::auth::AuthError::NotBearer)
            .and_then(|v| state.auth.verify_header(v));
        match verified {
            Ok(viewer) => rate_key = format!("sub:{}", viewer.subject),
            Err(reason) => {
                tracing::info!(%reason, "bearer token refused");
                let mut refusal = Refusal::new(
                    StatusCode::UNAUTHORIZED,
                    code::UNAUTHENTICATED,
                    "the bearer token is invalid or expired",
                    None,
                    request_id,
                );
                refusal
                    .headers
                    .push((header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer error="invalid_token""#)));
                return Err(refusal);
            }
        }
    }
    Ok(RequestContext {
        viewer: None,
        lang: language(req),
        rate_key,
        request_id: request_id.to_string(),
        ..Default::default()
    })
}

/// Runs `document` with `variables` as `context`: its data, or the problem its first error makes (with the rate-limit
/// headers). `path_field` names the GraphQL field that carries a path parameter, and what to say when it names
/// nothing: a 404 rather than a bad parameter.
pub(crate) async fn run(
    schema: &hrc_schema::AppSchema,
    db: &hrc_db::Database,
    context: RequestContext,
    document: String,
    variables: serde_json::Value,
    path_field: Option<(&str, String)>,
) -> Result<serde_json::Value, Box<Refusal>> {
    let request_id = context.request_id.clone();
    let budget = context.budget.clone();
    let request = Request::new(document).variables(Variables::from_json(variables));
    let mut response = schema.execute(context, request, db).await;
    hrc_schema::support::error::ensure_codes(&mut response);
    if let Some(error) = response.errors.first() {
        let extensions = error.extensions.as_ref();
        let text = |key: &str| match extensions.and_then(|e| e.get(key)) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let code = text("code").unwrap_or_else(|| code::INTERNAL.to_owned());
        // GraphQL names a filter field `filter.theme`; the REST parameter is `theme`.
        let field = text("field").map(|f| f.strip_prefix("filter.").map(str::to_owned).unwrap_or(f));
        let (status, code, detail, field) = match path_field {
            Some((name, detail)) if code == code::BAD_USER_INPUT && field.as_deref() == Some(name) => {
                (StatusCode::NOT_FOUND, code::NOT_FOUND.to_owned(), detail, None)
            }
            _ => {
                let status = status_of(&code);
                let detail = match status {
                    StatusCode::INTERNAL_SERVER_ERROR => "internal error".to_owned(),
                    _ => error.message.clone(),
                };
                (status, code, detail, field)
            }
        };
        let mut refusal = Refusal::new(status, &code, &detail, field, &request_id);
        let mut builder = HttpResponse::build(status);
        rate_limit_headers(&mut builder, &budget, status);
        for (name, value) in builder.finish().headers() {
            refusal.headers.push((name.clone(), value.clone()));
        }
        return Err(refusal);
    }
    response.data.into_json().map_err(|e| {
        tracing::error!(error = %e, "could not read a GraphQL response");
        Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "internal error", None, &request_id)
    })
}

/// Runs `document` as the anonymous public and answers with `build`'s body from its data (`None`: a 404), with an
/// ETag (`304` when `If-None-Match` has it) and the rate-limit headers.
async fn answer<B: Serialize>(
    req: &HttpRequest,
    state: &AppState,
    request_id: &RequestId,
    document: String,
    variables: serde_json::Value,
    path_field: Option<(&str, String)>,
    build: impl FnOnce(serde_json::Value) -> Result<Option<B>, serde_json::Error>,
) -> HttpResponse {
    let context = match public_context(req, state, request_id) {
        Ok(context) => context,
        Err(refusal) => return refusal.response(),
    };
    let lang = context.lang;
    let budget = context.budget.clone();
    let data = match run(&state.schema, state.public_db(), context, document, variables, path_field).await {
        Ok(data) => data,
        Err(refusal) => return refusal.response(),
    };
    let body = match build(data) {
        Ok(Some(body)) => body,
        Ok(None) => {
            return problem(
                StatusCode::NOT_FOUND,
                code::NOT_FOUND,
                &format!("there is nothing at {}", req.path()),
                None,
                request_id,
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "a GraphQL response does not fit its REST body");
            return problem(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "internal error", None, request_id);
        }
    };
    let body = match serde_json::to_vec(&body) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "could not serialise a REST body");
            return problem(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "internal error", None, request_id);
        }
    };
    let etag = crate::caching::etag(&body);
    let fresh = crate::caching::not_modified(req, &etag);
    let status = if fresh { StatusCode::NOT_MODIFIED } else { StatusCode::OK };
    let mut builder = HttpResponse::build(status);
    rate_limit_headers(&mut builder, &budget, status);
    builder
        .insert_header((header::ETAG, etag))
        // Public data, the same for every caller: any cache may keep it for a minute.
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::CONTENT_LANGUAGE, lang.served().code()))
        .insert_header((header::VARY, "Accept-Language"))
        .insert_header(("x-request-id", request_id.to_string()));
    if fresh {
        return builder.finish();
    }
    builder.content_type("application/json").body(body)
}

/// A page of a list, as the `…Page` schemas describe it.
#[derive(Serialize)]
struct ListBody<T> {
    data: Vec<T>,
    page: PageInfo,
}

/// A connection's page: its nodes read as `T`.
fn page<T: DeserializeOwned>(connection: &serde_json::Value) -> Result<ListBody<T>, serde_json::Error> {
    let has_next_page: bool = serde_json::from_value(connection["pageInfo"]["hasNextPage"].clone())?;
    Ok(ListBody {
        data: serde_json::from_value(connection["nodes"].clone())?,
        page: PageInfo {
            total_count: serde_json::from_value(connection["totalCount"].clone())?,
            has_next_page,
            next_cursor: if has_next_page {
                serde_json::from_value(connection["pageInfo"]["endCursor"].clone())?
            } else {
                None
            },
        },
    })
}

/// Special-procedure mandates, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/mandates",
    tag = "mandates",
    operation_id = "listMandates",
    params(MandateParams),
    responses(
        (status = 200, description = "A page of mandates.", body = MandatePage),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "A parameter is invalid; `field` names it.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The bearer token is invalid or expired.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's rate limit; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mandates(req: HttpRequest, state: web::Data<AppState>, request_id: RequestId) -> HttpResponse {
    let params: MandateParams = match params(&req, &request_id) {
        Ok(p) => p,
        Err(refusal) => return refusal.response(),
    };
    let document = format!(
        "query($first: Int, $after: String, $orderBy: ListOrder, $scope: MandateScope, $status: MandateStatus, \
         $country: String, $preventionDimension: Boolean, $updatedSince: DateTime) {{ mandates(first: $first, \
         after: $after, orderBy: $orderBy, scope: $scope, status: $status, country: $country, \
         preventionDimension: $preventionDimension, updatedSince: $updatedSince) {{ {PAGE} nodes {{ ...M }} }} }} \
         {MANDATE}"
    );
    let variables = list_variables(&params, None);
    answer(&req, &state, &request_id, document, variables, None, |data| page::<Mandate>(&data["mandates"]).map(Some))
        .await
}

/// A mandate by its ID.
#[utoipa::path(
    get,
    path = "/api/v1/mandates/{id}",
    tag = "mandates",
    operation_id = "getMandate",
    params(("id" = String, Path, description = "The mandate's global ID (its `id`, the same as GraphQL's).")),
    responses(
        (status = 200, description = "The mandate.", body = Mandate),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "The ID is malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The bearer token is invalid or expired.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No mandate has this ID.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's rate limit; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mandate(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    by_id::<Mandate>(&req, &state, &request_id, path.into_inner(), "Mandate", "M", MANDATE).await
}

/// The recommendations addressed to a State, a page at a time, with the filters of the GraphQL list.
#[utoipa::path(
    get,
    path = "/api/v1/countries/{isoCode}/recommendations",
    tag = "recommendations",
    operation_id = "listCountryRecommendations",
    params(
        ("isoCode" = String, Path, description = "The State's ISO 3166-1 alpha-3 code (any case), such as `NPL`."),
        RecommendationParams
    ),
    responses(
        (status = 200, description = "A page of the State's recommendations.", body = RecommendationPage),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "A parameter is invalid; `field` names it.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The bearer token is invalid or expired.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No State has this ISO code.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's rate limit; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn country_recommendations(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let params: RecommendationParams = match params(&req, &request_id) {
        Ok(p) => p,
        Err(refusal) => return refusal.response(),
    };
    let iso_code = path.into_inner();
    let document = format!(
        "query($first: Int, $after: String, $orderBy: ListOrder, $filter: RecommendationFilter) {{ \
         recommendations(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {{ {PAGE} \
         nodes {{ ...R }} }} }} {RECOMMENDATION}"
    );
    let mut filter = Map::new();
    filter.insert("country".to_owned(), json!(iso_code));
    let variables = list_variables(&params, Some(filter));
    // An unknown State in the path is a 404, not a bad parameter.
    let unknown = Some(("country", format!("no State has the ISO code {iso_code:?}")));
    answer(&req, &state, &request_id, document, variables, unknown, |data| {
        page::<Recommendation>(&data["recommendations"]).map(Some)
    })
    .await
}

/// A recommendation by its ID.
#[utoipa::path(
    get,
    path = "/api/v1/recommendations/{id}",
    tag = "recommendations",
    operation_id = "getRecommendation",
    params(("id" = String, Path, description = "The recommendation's global ID (its `id`, the same as GraphQL's).")),
    responses(
        (status = 200, description = "The recommendation, with its implementation history.", body = Recommendation),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "The ID is malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The bearer token is invalid or expired.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No recommendation has this ID.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's rate limit; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn recommendation(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    by_id::<Recommendation>(&req, &state, &request_id, path.into_inner(), "Recommendation", "R", RECOMMENDATION).await
}

/// Country visits of the special procedures, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/visits",
    tag = "visits",
    operation_id = "listVisits",
    params(VisitParams),
    responses(
        (status = 200, description = "A page of visits.", body = VisitPage),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "A parameter is invalid; `field` names it.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The bearer token is invalid or expired.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's rate limit; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn visits(req: HttpRequest, state: web::Data<AppState>, request_id: RequestId) -> HttpResponse {
    let params: VisitParams = match params(&req, &request_id) {
        Ok(p) => p,
        Err(refusal) => return refusal.response(),
    };
    let document = format!(
        "query($first: Int, $after: String, $orderBy: ListOrder, $filter: VisitFilter) {{ visits(first: $first, \
         after: $after, orderBy: $orderBy, filter: $filter) {{ {PAGE} nodes {{ ...V }} }} }} {VISIT}"
    );
    let variables = list_variables(&params, Some(Map::new()));
    answer(&req, &state, &request_id, document, variables, None, |data| page::<Visit>(&data["visits"]).map(Some)).await
}

/// One record through `node(id:)`; 404 when the ID names nothing, or a record of another type.
async fn by_id<T: DeserializeOwned + Serialize>(
    req: &HttpRequest,
    state: &AppState,
    request_id: &RequestId,
    id: String,
    type_name: &str,
    fragment: &str,
    fields: &str,
) -> HttpResponse {
    if !req.query_string().is_empty() {
        return problem(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            "this endpoint takes no query parameters",
            None,
            request_id,
        );
    }
    let document = format!("query($id: ID!) {{ node(id: $id) {{ __typename ...{fragment} }} }} {fields}");
    answer(req, state, request_id, document, json!({ "id": id }), None, |data| {
        let node = &data["node"];
        if node["__typename"] != type_name {
            return Ok(None);
        }
        let mut node = node.clone();
        if let Some(object) = node.as_object_mut() {
            object.remove("__typename");
        }
        serde_json::from_value::<T>(node).map(Some)
    })
    .await
}
