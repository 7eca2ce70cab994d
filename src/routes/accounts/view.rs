//! The Accounts pages' templates and what they show of each account and connect flow (see
//! `accounts` for the handlers).

use askama::Template;
use chrono::{DateTime, Utc};

use crate::{
    db::models::{
        account::{AccountRow, AccountStatus},
        device_authorization::{DeviceAuthorizationRow, FlowStatus},
        sync::SyncRun,
    },
    domain::{AccountId, RunId, ScopedResource},
    i18n::Locale,
    routes::sync::{RunProgress, problem_text},
    web::{filters, page::PageContext},
};

/// An account as the list shows it.
pub struct AccountView {
    pub id: AccountId,
    pub login: String,
    pub allegro_user_id: String,
    pub environment: String,
    pub status: AccountStatus,
    pub token_expires: Option<DateTime<Utc>>,
    pub last_refresh: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Orders backed up.
    pub orders: i64,
    /// The latest sync run.
    pub latest: Option<LatestRun>,
    /// The resources skipped because its authorisation does not allow reading them.
    pub need_reconnect: Vec<ScopedResource>,
}

impl AccountView {
    pub fn is_syncing(&self) -> bool {
        self.latest.as_ref().is_some_and(|r| r.progress.is_some())
    }
}

/// An account's latest sync run as its row shows it: how it went, or how far it is.
pub struct LatestRun {
    pub id: RunId,
    pub status: String,
    pub started: DateTime<Utc>,
    /// While it runs.
    pub progress: Option<RunProgress>,
    /// Why it did not succeed, in the reader's language.
    pub problem: Option<String>,
}

impl LatestRun {
    pub fn new(run: &SyncRun, loc: &Locale) -> Self {
        Self {
            id: run.id,
            status: run.status.clone(),
            started: run.started_at,
            progress: (run.status == "running").then(|| RunProgress::of(run)),
            problem: run.problem().map(|p| problem_text(p, loc)),
        }
    }
}

impl From<AccountRow> for AccountView {
    fn from(row: AccountRow) -> Self {
        Self {
            id: row.id,
            status: row.status(),
            token_expires: row.token_expires_at,
            last_refresh: row.last_refresh_at,
            login: row.login,
            allegro_user_id: row.allegro_user_id,
            environment: row.environment,
            last_error: row.last_error,
            orders: 0,
            latest: None,
            need_reconnect: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/index.html")]
pub struct AccountsPage {
    pub page: PageContext,
    pub accounts: Vec<AccountView>,
    pub can_manage: bool,
    /// Operators who see every account may link new ones.
    pub can_connect: bool,
    pub environment: &'static str,
    /// Whether the schedule starts syncs (else only "Sync now" does).
    pub scheduled: bool,
}

/// The flow as the connect page shows it.
pub struct FlowView {
    pub id: i64,
    pub user_code_grouped: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_at_unix: i64,
    pub expires_at: DateTime<Utc>,
    pub status: FlowStatus,
    pub error: Option<String>,
}

impl From<DeviceAuthorizationRow> for FlowView {
    fn from(row: DeviceAuthorizationRow) -> Self {
        let grouped = row
            .user_code
            .as_bytes()
            .chunks(3)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            id: row.id,
            status: row.status(),
            user_code_grouped: grouped.to_uppercase(),
            expires_at_unix: row.expires_at.timestamp(),
            expires_at: row.expires_at,
            verification_uri: row.verification_uri,
            verification_uri_complete: row.verification_uri_complete,
            error: row.error,
        }
    }
}

impl FlowView {
    pub fn is_pending(&self) -> bool {
        self.status == FlowStatus::Pending
    }
    pub fn is_connected(&self) -> bool {
        self.status == FlowStatus::Connected
    }
    pub fn status_name(&self) -> &'static str {
        self.status.as_str()
    }
}

#[derive(Template)]
#[template(path = "accounts/connect_status_partial.html")]
pub struct ConnectStatusPartial {
    pub loc: Locale,
    pub flow: FlowView,
    pub login: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/connect.html")]
pub struct ConnectPage {
    pub page: PageContext,
    pub qr_svg: String,
    pub status: ConnectStatusPartial,
}

/// A QR code of `link` as inline SVG (rendered here; no script, no external service).
pub fn qr_svg(link: &str) -> String {
    use qrcode::{QrCode, render::svg};
    QrCode::new(link.as_bytes())
        .map(|code| {
            code.render::<svg::Color<'_>>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}
