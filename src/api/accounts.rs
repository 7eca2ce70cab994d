//! `GET /api/v1/accounts` and `GET /api/v1/accounts/{id}`: the linked Allegro accounts the
//! token's user may see, with their backup's state. Never their Allegro tokens.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    caller::ApiCaller,
    json::{iso, iso_opt},
    problem::ApiError,
    sync_runs::SyncRunJson,
};
use crate::{
    db::{self, models::account_summary::AccountSummary},
    domain::{AccountId, AccountScope},
    state::AppState,
};

#[derive(Debug, Serialize, ToSchema)]
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
    /// The newest run.
    pub last_run: Option<SyncRunJson>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCountsJson {
    pub total: i64,
    /// Orders Allegro no longer lists (kept in the backup).
    pub gone: i64,
}

#[derive(Debug, Serialize, ToSchema)]
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
            last_sync_at: iso_opt(last_success_at),
            lag_seconds: last_success_at.map(|at| (now - at).num_seconds().max(0)),
            orders: OrderCountsJson {
                total: orders,
                gone: orders_gone,
            },
            last_run: latest_run.map(SyncRunJson::from),
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
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    summary = "Linked Allegro accounts",
    description = "The accounts the token's user may see, with their backup's state (never \
        their Allegro tokens).",
    responses((status = 200, description = "The accounts", body = AccountListJson))
)]
pub async fn accounts_list(
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let items = summaries(&state, caller.viewer.scope, None).await?;
    Ok(HttpResponse::Ok().json(AccountListJson { items }))
}

/// `GET /api/v1/accounts/{id}`: 404 for an account outside the token's user's scope, as for
/// an unknown one.
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}",
    tag = "accounts",
    summary = "One linked account",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account", body = AccountJson),
        (status = 404, response = super::openapi::Problem),
    )
)]
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
