//! `GET /metrics`: Prometheus text format, for an admin's session or a scraper presenting
//! `Authorization: Bearer <METRICS_TOKEN>`. Routed outside the sign-in-by-default scope (a
//! scraper has no session), so the check is here: 401 without credentials, 403 for a
//! signed-in user who is not an admin.

use actix_web::{FromRequest, HttpRequest, HttpResponse, http::header, web};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::{
    alerts::metrics::Snapshot,
    auth::{Admin, RequireRole},
    db::{self, DbError},
    error::AppError,
    settings,
    state::AppState,
};

/// `GET /metrics`
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    authorize(&req, &state).await?;
    let stale_after = settings::current(&state.pool, &state.config.sync)
        .await?
        .stale_after();
    let snapshot = db::run(&state.pool, move |conn| {
        Snapshot::read(conn, stale_after, chrono::Utc::now()).map_err(DbError::from)
    })
    .await?;
    let mut text = snapshot.render();
    text.push_str(&state.metrics.render(&state.pool));
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}

/// A matching bearer token, or else an admin's session.
async fn authorize(req: &HttpRequest, state: &AppState) -> Result<(), AppError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let presented = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer "));
        return match (&state.config.metrics_token, presented) {
            (Some(token), Some(presented))
                if bool::from(
                    token
                        .expose_secret()
                        .as_bytes()
                        .ct_eq(presented.trim().as_bytes()),
                ) =>
            {
                Ok(())
            }
            _ => Err(AppError::Unauthorized),
        };
    }
    match RequireRole::<Admin>::extract(req).await {
        Ok(_) => Ok(()),
        Err(AppError::LoginRequired { .. } | AppError::PasswordChangeRequired) => {
            Err(AppError::Unauthorized)
        }
        Err(other) => Err(other),
    }
}
