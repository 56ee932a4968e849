//! HTTP routes.

pub mod graphql;
pub mod health;
pub mod ws;

use actix_web::{guard, web, HttpResponse};

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .service(
            web::resource("/graphql")
                .route(web::post().to(graphql::post))
                .route(web::get().guard(guard::fn_guard(is_websocket)).to(ws::upgrade))
                .route(web::get().to(graphql::get))
                .route(web::route().to(graphql::method_not_allowed)),
        )
        .route("/health/live", web::get().to(health::live))
        .route("/health/ready", web::get().to(health::ready));
}

async fn index() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(
        "Council Mechanisms API\n\n\
         POST /graphql        GraphQL over HTTP (GET for queries; open it in a browser for GraphiQL)\n\
         GET  /graphql        with Upgrade: websocket, GraphQL over WebSocket (graphql-transport-ws)\n\
         GET  /health/live    the process is up\n\
         GET  /health/ready   the database answers\n",
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
