//! The backup's runs: `GET /api/v1/sync-runs[/{id}]` with live progress, and
//! `POST /api/v1/accounts/{id}/sync` to start one (a `write` token of an operator), as the
//! dashboard's sync history and "Sync now" do.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    caller::ApiCaller,
    json::{iso, iso_opt},
    params::{limit, pairs, unknown_parameter},
    problem::ApiError,
};
use crate::{
    db::{
        self,
        models::{
            account::AccountRow,
            sync::{RUN_STATUSES, RunFilter, RunKind, SyncRun, SyncState},
        },
    },
    domain::{AccountId, Role, RunId},
    state::{AppState, MANUAL_START_WAIT, NotStarted},
    sync::SyncMode,
};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// A sync run and where it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRunJson {
    pub id: String,
    pub account_id: String,
    /// `full`, `incremental` or `reconcile`.
    pub kind: String,
    /// `schedule`, `manual`, `startup` or `cli`.
    pub trigger: String,
    /// `running`, `succeeded`, `failed` or `interrupted`.
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Why the run did not succeed (`needs_reauthorisation`, `allegro_unavailable`, …).
    pub problem: Option<String>,
    pub progress: ProgressJson,
    pub counters: CountersJson,
}

/// How far a running run is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressJson {
    /// The step it is in: `orders`, `events`, `coverage`, `shipments`, `returns`, `refunds`,
    /// `fees_and_wallet` (the fees and the wallet, listed side by side), `refund_claims` or
    /// `invoices` (`null` when finished).
    pub phase: Option<String>,
    pub phase_done: i64,
    pub phase_total: Option<i64>,
    /// Orders listed so far of those Allegro reported for the run's windows.
    pub orders_done: i64,
    pub orders_total: Option<i64>,
    /// While Allegro's rate limit holds the run: until when.
    pub paused_until: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountersJson {
    pub requests: i64,
    pub pages: i64,
    pub orders_fetched: i64,
    pub orders_created: i64,
    pub orders_updated: i64,
    pub orders_unchanged: i64,
    pub orders_quarantined: i64,
    pub events: i64,
    pub shipments_checked: i64,
    /// Per resource besides the orders: read, and stored anew or changed (a new version).
    pub returns_fetched: i64,
    pub returns_changed: i64,
    pub refunds_fetched: i64,
    pub refunds_changed: i64,
    pub refund_claims_fetched: i64,
    pub refund_claims_changed: i64,
    pub billing_fetched: i64,
    pub billing_changed: i64,
    pub payment_operations_fetched: i64,
    pub payment_operations_changed: i64,
    pub invoices_fetched: i64,
    pub invoices_changed: i64,
}

impl From<SyncRun> for SyncRunJson {
    fn from(run: SyncRun) -> Self {
        let problem = run
            .problem()
            .and_then(|p| serde_json::to_value(p).ok())
            .and_then(|v| v.as_str().map(str::to_owned));
        let c = run.counters;
        SyncRunJson {
            id: run.id.to_string(),
            account_id: run.account_id.to_string(),
            problem,
            progress: ProgressJson {
                phase: run.current_phase().map(|p| p.as_str().to_owned()),
                phase_done: run.phase_done,
                phase_total: run.phase_total,
                orders_done: c.progress_done,
                orders_total: run.progress_total,
                paused_until: iso_opt(run.paused_until),
            },
            counters: CountersJson {
                requests: c.requests,
                pages: c.pages,
                orders_fetched: c.orders_fetched,
                orders_created: c.orders_created,
                orders_updated: c.orders_updated,
                orders_unchanged: c.orders_unchanged,
                orders_quarantined: c.orders_quarantined,
                events: c.events,
                shipments_checked: c.shipments_checked,
                returns_fetched: c.returns_fetched,
                returns_changed: c.returns_changed,
                refunds_fetched: c.refunds_fetched,
                refunds_changed: c.refunds_changed,
                refund_claims_fetched: c.refund_claims_fetched,
                refund_claims_changed: c.refund_claims_changed,
                billing_fetched: c.billing_fetched,
                billing_changed: c.billing_changed,
                payment_operations_fetched: c.payment_operations_fetched,
                payment_operations_changed: c.payment_operations_changed,
                invoices_fetched: c.invoices_fetched,
                invoices_changed: c.invoices_changed,
            },
            kind: run.kind,
            trigger: run.trigger,
            status: run.status,
            started_at: iso(run.started_at),
            finished_at: iso_opt(run.finished_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRunListJson {
    /// Newest first.
    pub items: Vec<SyncRunJson>,
    /// Pass as `cursor` for older runs; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn bad(parameter: &str, detail: &str) -> ApiError {
    ApiError::bad_request(parameter, detail)
}

/// The filters and page of `GET /api/v1/sync-runs`.
fn parse_list(query: &str) -> Result<(RunFilter, i64), ApiError> {
    let mut filter = RunFilter::default();
    let mut limit_text = None;
    for (name, value) in pairs(query)? {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_str() {
            "account" => {
                filter.account_id = Some(
                    value
                        .parse()
                        .map_err(|_| bad("account", "account must be an account id."))?,
                )
            }
            "kind" => {
                filter.kind =
                    Some(RunKind::parse(value).ok_or_else(|| {
                        bad("kind", "kind must be full, incremental or reconcile.")
                    })?)
            }
            "status" => {
                filter.status = Some(
                    RUN_STATUSES
                        .iter()
                        .find(|s| **s == value)
                        .map(|s| (*s).to_owned())
                        .ok_or_else(|| {
                            bad(
                                "status",
                                "status must be running, succeeded, failed or interrupted.",
                            )
                        })?,
                )
            }
            "cursor" => {
                filter.before = Some(value.parse().map_err(|_| {
                    bad(
                        "cursor",
                        "Pass the `next_cursor` of the previous page as it came.",
                    )
                })?)
            }
            "limit" => limit_text = Some(value.to_owned()),
            _ => return Err(unknown_parameter(&name)),
        }
    }
    Ok((
        filter,
        limit(limit_text.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?,
    ))
}

/// `GET /api/v1/sync-runs`
#[utoipa::path(
    get,
    path = "/api/v1/sync-runs",
    tag = "sync",
    summary = "Sync runs",
    description = "The sync history of the accounts the token's user may see, newest first.",
    params(
        ("account" = Option<String>, Query, description = "Only this account's runs (its id)"),
        ("kind" = Option<String>, Query, description = "full, incremental or reconcile"),
        ("status" = Option<String>, Query, description = "running, succeeded, failed or interrupted"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Runs per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, description = "A page of runs", body = SyncRunListJson),
        (status = 400, response = super::openapi::Problem),
    )
)]
pub async fn runs_list(
    caller: ApiCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (filter, limit) = parse_list(req.query_string())?;
    let scope = caller.viewer.scope;
    let mut runs = db::run(&state.pool, move |conn| {
        SyncRun::filtered(conn, &scope, &filter, limit + 1).map_err(ApiError::from)
    })
    .await?;
    let more = runs.len() as i64 > limit;
    runs.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = more
        .then(|| runs.last().map(|run| run.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(SyncRunListJson {
        items: runs.into_iter().map(SyncRunJson::from).collect(),
        next_cursor,
    }))
}

async fn find_run(state: &AppState, caller: ApiCaller, id: RunId) -> Result<SyncRun, ApiError> {
    let scope = caller.viewer.scope;
    db::run(&state.pool, move |conn| {
        SyncRun::find_in(conn, &scope, id)?.ok_or(ApiError::NotFound)
    })
    .await
}

/// `GET /api/v1/sync-runs/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/sync-runs/{id}",
    tag = "sync",
    summary = "One sync run",
    description = "A run with its live progress: poll it while `status` is `running`.",
    params(("id" = String, Path, description = "The run's id")),
    responses(
        (status = 200, description = "The run", body = SyncRunJson),
        (status = 404, response = super::openapi::Problem),
    )
)]
pub async fn run_show(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: RunId = id.parse().map_err(|_| ApiError::NotFound)?;
    let run = find_run(&state, caller, id).await?;
    Ok(HttpResponse::Ok().json(SyncRunJson::from(run)))
}

/// The body of `POST /api/v1/accounts/{id}/sync`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSyncJson {
    /// `incremental` (the default: finish the first backup if needed, then follow Allegro's
    /// events), `full` (list the whole history again) or `reconcile` (also re-check recent
    /// days and the coverage grid).
    #[schema(example = "incremental")]
    pub kind: Option<String>,
}

impl StartSyncJson {
    fn mode(body: &[u8]) -> Result<SyncMode, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(SyncMode::Auto);
        }
        let parsed: StartSyncJson = serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request("body", format!("The JSON body is not valid: {e}."))
        })?;
        match parsed.kind.as_deref() {
            None | Some("incremental") => Ok(SyncMode::Auto),
            Some("full") => Ok(SyncMode::Full),
            Some("reconcile") => Ok(SyncMode::Reconcile),
            Some(_) => Err(bad("kind", "kind must be incremental, full or reconcile.")),
        }
    }
}

/// `POST /api/v1/accounts/{id}/sync`
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/sync",
    tag = "sync",
    summary = "Start a sync",
    description = "Starts a sync of the account in the background, as the dashboard's \
        \"Sync now\" does; answers 202 with the run (follow its `Location`). Needs a token with \
        the `write` scope of a user with the operator role or higher. 409 when a sync of the \
        account is already running or the account cannot be synced now.",
    params(("id" = String, Path, description = "The account's id")),
    request_body(content = Option<StartSyncJson>, description = "What kind of run (default incremental)"),
    responses(
        (status = 202, description = "The run started", body = SyncRunJson,
            headers(("Location" = String, description = "The run's address"))),
        (status = 400, response = super::openapi::Problem),
        (status = 403, response = super::openapi::Problem),
        (status = 404, response = super::openapi::Problem),
        (status = 409, response = super::openapi::Problem),
    )
)]
pub async fn account_sync(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    caller.require_role(Role::Operator)?;
    let id: AccountId = id.parse().map_err(|_| ApiError::NotFound)?;
    let mode = StartSyncJson::mode(&body)?;
    let scope = caller.viewer.scope.clone();
    let running = db::run(&state.pool, move |conn| {
        AccountRow::find_in(conn, &scope, id)?.ok_or(ApiError::NotFound)?;
        SyncState::lease_held(conn, id).map_err(ApiError::from)
    })
    .await?;
    if running {
        return Err(already_running());
    }
    let options = state.sync_options().await?;
    let start = state
        .start_manual_sync(id, mode, options)
        .ok_or_else(|| ApiError::Conflict("The server is shutting down; try again.".into()))?;
    let run_id = match tokio::time::timeout(MANUAL_START_WAIT, start).await {
        Ok(Ok(Ok(run))) => run,
        Ok(Ok(Err(NotStarted::AlreadyRunning))) => return Err(already_running()),
        Ok(Ok(Err(NotStarted::Failed(reason)))) => {
            return Err(ApiError::Conflict(format!(
                "The sync could not start: {reason}."
            )));
        }
        Ok(Err(_)) | Err(_) => {
            return Err(ApiError::unexpected(anyhow::anyhow!(
                "the run was not recorded in time"
            )));
        }
    };
    let run = find_run(&state, caller, run_id).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/v1/sync-runs/{run_id}")))
        .json(SyncRunJson::from(run)))
}

fn already_running() -> ApiError {
    ApiError::Conflict(
        "A sync of this account is already running; follow it in /api/v1/sync-runs.".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_filters_are_checked_by_name() {
        let (filter, limit) = parse_list("account=3&kind=full&status=failed&cursor=90").unwrap();
        assert_eq!(filter.account_id, Some(AccountId(3)));
        assert_eq!(filter.kind, Some(RunKind::Full));
        assert_eq!(filter.status.as_deref(), Some("failed"));
        assert_eq!(filter.before, Some(RunId(90)));
        assert_eq!(limit, DEFAULT_LIMIT);
        for (query, named) in [
            ("account=x", "account"),
            ("kind=weekly", "kind"),
            ("status=done", "status"),
            ("cursor=abc", "cursor"),
            ("limit=501", "limit"),
            ("acount=1", "acount"),
        ] {
            let err = parse_list(query).unwrap_err();
            assert!(
                matches!(err, ApiError::BadRequest { parameter: Some(ref p), .. } if p == named),
                "{query}: {err:?}"
            );
        }
    }

    #[test]
    fn the_body_names_the_kind_of_run() {
        assert_eq!(StartSyncJson::mode(b"").unwrap(), SyncMode::Auto);
        assert_eq!(StartSyncJson::mode(b"{}").unwrap(), SyncMode::Auto);
        assert_eq!(
            StartSyncJson::mode(br#"{"kind":"full"}"#).unwrap(),
            SyncMode::Full
        );
        assert_eq!(
            StartSyncJson::mode(br#"{"kind":"reconcile"}"#).unwrap(),
            SyncMode::Reconcile
        );
        for bad in [&br#"{"kind":"weekly"}"#[..], b"{", br#"{"mode":"full"}"#] {
            assert!(matches!(
                StartSyncJson::mode(bad).unwrap_err(),
                ApiError::BadRequest { .. }
            ));
        }
    }
}
