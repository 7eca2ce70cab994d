//! Liveness and readiness probes (JSON, no session).

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::{
    db::{self, DbError},
    state::AppState,
};

/// `GET /health`: the process is alive (does not touch the database).
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// How long `/ready` waits for a database connection: an answer inside the usual probe
/// timeouts, also while PostgreSQL is down.
const READY_CHECKOUT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /ready`: the database answers and every migration has been applied.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let outcome = db::run_within(&state.pool, READY_CHECKOUT_TIMEOUT, db::migrations_applied).await;
    match outcome {
        Ok(true) => HttpResponse::Ok().json(json!({
            "status": "ready", "database": "ok", "migrations": "applied"
        })),
        Ok(false) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable", "database": "ok", "migrations": "pending"
        })),
        Err(err) => {
            let err: DbError = err;
            tracing::warn!(error = %err, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "unavailable", "database": "unreachable", "migrations": "unknown"
            }))
        }
    }
}
