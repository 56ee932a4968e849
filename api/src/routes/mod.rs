//! HTTP routes.

pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod ws;

use actix_web::http::Method;
use actix_web::{guard, web, HttpResponse};

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        // The method is compared, not checked by actix's method guards: each of those records the method it checks
        // in the request's extensions, for a `405` it would build (a boxed list, made and dropped with every request:
        // a cached GET paid 1,400 instructions for it). `/graphql` answers other methods itself.
        .service(
            web::resource("/graphql")
                .route(web::route().guard(guard::fn_guard(|ctx| ctx.head().method == Method::POST)).to(graphql::post))
                .route(
                    web::route()
                        .guard(guard::fn_guard(|ctx| ctx.head().method == Method::GET && is_websocket(ctx)))
                        .to(ws::upgrade),
                )
                .route(web::route().guard(guard::fn_guard(|ctx| ctx.head().method == Method::GET)).to(graphql::get))
                .route(web::route().to(graphql::method_not_allowed)),
        )
        .route("/health/live", web::get().to(health::live))
        .route("/health/ready", web::get().to(health::ready))
        .route("/metrics", web::get().to(metrics))
        .route("/graphiql/assets/{package}/{file:.*}", web::get().to(graphiql::asset))
        .configure(crate::rest::configure);
}

async fn index() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(
        "Council Mechanisms API\n\n\
         POST /graphql        GraphQL over HTTP (GET for queries; open it in a browser for GraphiQL)\n\
         GET  /graphql        with Upgrade: websocket, GraphQL over WebSocket (graphql-transport-ws)\n\
         GET  /health/live    the process is up\n\
         GET  /health/ready   the database answers\n\
         GET  /metrics        Prometheus metrics (a bearer token if HRC_METRICS_TOKEN is set)\n\n\
         GET  /api/v1/...     REST for partner systems (read-only public data)\n\
         GET  /openapi.json   its OpenAPI 3.1 document\n\
         GET  /docs           its reference, in a browser\n",
    )
}

/// Whether a request asks to upgrade to a WebSocket.
fn is_websocket(ctx: &guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(actix_web::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Counts and times every request under its route pattern (never its path, which may carry IDs).
pub async fn measure(
    request: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let response = next.call(request).await?;
    // The state is borrowed from the request the response carries, not cloned before the call: its count is a cache
    // line every worker writes.
    let request = response.request();
    if let Some(state) = request.app_data::<web::Data<crate::startup::AppState>>() {
        let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        state.metrics.request(request.method().as_str(), &route, response.status().as_u16(), started.elapsed());
        if let Some(code) = response.response().extensions().get::<crate::metrics::ErrorCode>() {
            state.metrics.error(&code.0);
        }
    }
    Ok(response)
}

/// `GET /metrics`: the OpenMetrics text, to those allowed.
async fn metrics(req: actix_web::HttpRequest, state: web::Data<crate::startup::AppState>) -> HttpResponse {
    use crate::startup::MetricsAccess;
    match &state.metrics_access {
        MetricsAccess::Off => return HttpResponse::NotFound().finish(),
        MetricsAccess::Token(token) => {
            let sent = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            // Compared in constant time (subtle): the token guards every node's numbers.
            let matches =
                sent.is_some_and(|s| bool::from(subtle::ConstantTimeEq::ct_eq(s.as_bytes(), token.as_bytes())));
            if !matches {
                return HttpResponse::Unauthorized()
                    .insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
                    .finish();
            }
        }
        MetricsAccess::Open => {}
    }
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render(&state.db, state.read_db.as_ref(), &state.cache, &state.schema))
}
