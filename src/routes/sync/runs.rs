//! Sync history (everyone) and starting a sync by hand (operators).

use serde::Deserialize;

use crate::routes::prelude::*;
use crate::{
    auth::{AnyUser, Operator, RequireRole, session::FlashLevel},
    db::{
        self,
        models::{
            account::AccountRow,
            sync::{RUN_STATUSES, RunFilter, RunKind, SyncRun, SyncState},
        },
    },
    domain::AccountId,
    error::see_other,
    i18n,
    state::{AppState, MANUAL_START_WAIT, NotStarted},
    sync::SyncMode,
};

use super::run_view::RunView;

const HISTORY_SIZE: i64 = 100;

#[derive(Template)]
#[template(path = "sync/runs_partial.html")]
pub struct RunsPartial {
    pub loc: Locale,
    pub runs: Vec<RunView>,
    /// Query string that reproduces the filters (for the live refresh).
    pub query: String,
    pub any_running: bool,
}

#[derive(Template)]
#[template(path = "sync/index.html")]
pub struct SyncPage {
    pub page: PageContext,
    pub accounts: Vec<(AccountId, String)>,
    pub account: Option<AccountId>,
    pub kind: String,
    pub status: String,
    pub kinds: [RunKind; 3],
    pub statuses: [&'static str; 4],
    pub runs: RunsPartial,
}

impl SyncPage {
    pub fn is_selected(&self, id: &AccountId) -> bool {
        self.account == Some(*id)
    }
}

#[derive(Deserialize)]
pub struct SyncQuery {
    #[serde(default)]
    account: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
}

impl SyncQuery {
    fn filter(&self) -> Result<RunFilter, AppError> {
        let lang = i18n::current_lang();
        let bad = |what: &str| {
            AppError::BadRequest(
                i18n::Message::new(lang, "sync-filter-unknown")
                    .arg("filter", what)
                    .to_string(),
            )
        };
        Ok(RunFilter {
            account_id: match self.account.trim() {
                "" => None,
                a => Some(a.parse().map_err(|_| bad("account"))?),
            },
            kind: match self.kind.trim() {
                "" => None,
                k => Some(RunKind::parse(k).ok_or_else(|| bad("kind"))?),
            },
            status: match self.status.trim() {
                "" => None,
                s if RUN_STATUSES.contains(&s) => Some(s.to_owned()),
                _ => return Err(bad("status")),
            },
            before: None,
        })
    }
}

/// `GET /sync`
pub async fn sync_index(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<SyncQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = query.filter()?;
    let (runs, accounts) = {
        let (filter, scope) = (filter.clone(), auth.viewer.scope.clone());
        db::run(&state.pool, move |conn| {
            let runs = SyncRun::filtered(conn, &scope, &filter, HISTORY_SIZE)?;
            let accounts: Vec<(AccountId, String)> = AccountRow::list(conn, &scope)?
                .into_iter()
                .map(|a| (a.id, a.login))
                .collect();
            Ok::<_, AppError>((runs, accounts))
        })
        .await?
    };
    let runs: Vec<RunView> = runs
        .into_iter()
        .map(|r| RunView::new(r, &accounts, &page.loc()))
        .collect();
    let partial = RunsPartial {
        loc: page.loc(),
        any_running: runs.iter().any(RunView::is_running),
        runs,
        query: req.query_string().to_owned(),
    };
    if is_htmx(&req) {
        return ok(&partial);
    }
    ok(&SyncPage {
        page: page.at(Nav::Sync),
        accounts,
        account: filter.account_id,
        kind: query.kind.trim().to_owned(),
        status: query.status.trim().to_owned(),
        kinds: RunKind::ALL,
        statuses: RUN_STATUSES,
        runs: partial,
    })
}

#[derive(Deserialize)]
pub struct SyncNowForm {
    #[serde(default)]
    full: String,
    #[serde(default)]
    reconcile: String,
}

impl SyncNowForm {
    fn mode(&self) -> Result<SyncMode, AppError> {
        match (self.full.as_str(), self.reconcile.as_str()) {
            ("", "") => Ok(SyncMode::Auto),
            ("1", "") => Ok(SyncMode::Full),
            ("", "1") => Ok(SyncMode::Reconcile),
            _ => Err(AppError::BadRequest(i18n::translate(
                i18n::current_lang(),
                "sync-mode-invalid",
            ))),
        }
    }
}

/// `POST /accounts/{id}/sync`: starts a sync in the background (a full resync with
/// `full=1`, a reconcile with `reconcile=1`); says so when one is already running instead
/// of queueing a twin.
pub async fn account_sync_now(
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<AccountId>,
    form: web::Form<SyncNowForm>,
) -> Result<HttpResponse, AppError> {
    let (id, scope) = (path.into_inner(), auth.viewer.scope.clone());
    let mode = form.mode()?;
    let (account, running) = db::run(&state.pool, move |conn| {
        let account = AccountRow::find_in(conn, &scope, id)?.ok_or(AppError::NotFound)?;
        let running = SyncState::lease_held(conn, id)?;
        Ok::<_, AppError>((account, running))
    })
    .await?;
    if running {
        let (level, message) = start_flash(Some(NotStarted::AlreadyRunning), mode, &account.login);
        auth.session.flash(level, message);
        return Ok(see_other("/sync"));
    }
    let options = state.sync_options().await?;
    let Some(start) = state.start_manual_sync(id, mode, options) else {
        return Err(AppError::BadRequest(i18n::translate(
            i18n::current_lang(),
            "sync-shutting-down",
        )));
    };
    // Wait until the run is recorded, so the page this leads to shows it (recording takes a
    // few queries; the wait is bounded in case the database stalls).
    let not_started = match tokio::time::timeout(MANUAL_START_WAIT, start).await {
        Ok(Ok(Err(reason))) => Some(reason),
        _ => None,
    };
    let (level, message) = start_flash(not_started, mode, &account.login);
    auth.session.flash(level, message);
    Ok(see_other("/sync"))
}

/// What "Sync now" says: the run started (or is still being recorded), or why it did not.
fn start_flash(
    not_started: Option<NotStarted>,
    mode: SyncMode,
    login: &str,
) -> (FlashLevel, String) {
    let lang = i18n::current_lang();
    let message = |key| i18n::Message::new(lang, key).arg("login", login);
    match not_started {
        Some(NotStarted::AlreadyRunning) => (
            FlashLevel::Info,
            message("sync-already-running").to_string(),
        ),
        Some(NotStarted::Failed(reason)) => (
            FlashLevel::Error,
            message("sync-could-not-start")
                .arg("reason", reason)
                .to_string(),
        ),
        None => (
            FlashLevel::Success,
            message(match mode {
                SyncMode::Auto => "sync-started",
                SyncMode::Full => "sync-started-full",
                SyncMode::Reconcile => "sync-started-reconcile",
            })
            .to_string(),
        ),
    }
}
