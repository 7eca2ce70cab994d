//! `GET /api/v1/accounts` and `GET /api/v1/accounts/{id}`: the linked Allegro accounts the
//! token's user may see, with their backup's state. Never their Allegro tokens.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::{caller::ApiCaller, problem::ApiError};
use crate::{
    db::{self, models::account_summary::AccountSummary},
    domain::{AccountId, AccountScope},
    state::AppState,
};

/// Times as ISO 8601 in UTC, to the second (`2026-12-02T14:05:00Z`).
fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Debug, Serialize)]
pub struct AccountJson {
    pub id: String,
    pub login: String,
    pub environment: String,
    /// `connected`, `needs_reauth` or `disconnected`.
    pub status: &'static str,
    /// A sync of the account runs now.
    pub syncing: bool,
    pub last_sync_at: Option<String>,
    /// Seconds since the last successful sync (`null`: none yet).
    pub lag_seconds: Option<i64>,
    pub orders: OrderCountsJson,
    pub last_run: Option<RunJson>,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct OrderCountsJson {
    pub total: i64,
    /// Orders Allegro no longer lists (kept in the backup).
    pub gone: i64,
}

#[derive(Debug, Serialize)]
pub struct RunJson {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AccountListJson {
    pub items: Vec<AccountJson>,
}

impl AccountJson {
    fn new(summary: AccountSummary, now: DateTime<Utc>) -> Self {
        let AccountSummary {
            account,
            last_success_at,
            syncing,
            orders,
            orders_gone,
            latest_run,
        } = summary;
        Self {
            id: account.id.to_string(),
            status: account.status().as_str(),
            login: account.login,
            environment: account.environment,
            syncing,
            last_sync_at: last_success_at.map(iso),
            lag_seconds: last_success_at.map(|at| (now - at).num_seconds().max(0)),
            orders: OrderCountsJson {
                total: orders,
                gone: orders_gone,
            },
            last_run: latest_run.map(|run| RunJson {
                id: run.id.to_string(),
                kind: run.kind,
                status: run.status,
                started_at: iso(run.started_at),
                finished_at: run.finished_at.map(iso),
            }),
            created_at: iso(account.created_at),
        }
    }
}

async fn summaries(
    state: &AppState,
    scope: AccountScope,
    only: Option<AccountId>,
) -> Result<Vec<AccountJson>, ApiError> {
    let found = db::run(&state.pool, move |conn| {
        AccountSummary::list(conn, &scope, only).map_err(ApiError::from)
    })
    .await?;
    let now = Utc::now();
    Ok(found
        .into_iter()
        .map(|summary| AccountJson::new(summary, now))
        .collect())
}

/// `GET /api/v1/accounts`
pub async fn accounts_list(
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let items = summaries(&state, caller.viewer.scope, None).await?;
    Ok(HttpResponse::Ok().json(AccountListJson { items }))
}

/// `GET /api/v1/accounts/{id}`: 404 for an account outside the token's user's scope, as for
/// an unknown one.
pub async fn account_show(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: AccountId = id.parse().map_err(|_| ApiError::NotFound)?;
    let account = summaries(&state, caller.viewer.scope, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(account))
}
