//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::startup::AppState;

/// The process is up and serving HTTP.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers; `503` otherwise, so a load balancer stops sending traffic here.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.backend().name();
    let replica = match &state.read_db {
        Some(read) => read.ping().await,
        None => Ok(()),
    };
    match state.db.ping().await.and(replica) {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": backend })),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "database": backend }))
        }
    }
}
