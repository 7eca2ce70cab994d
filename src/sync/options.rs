//! How a sync behaves ([`SyncOptions`]), and the options of the settings admins saved: the one
//! place sync policy is made, for the scheduler, "Sync now" and the CLI alike.

use chrono::Duration;
use tokio_util::sync::CancellationToken;

use super::RunMetrics;
use crate::{db::models::sync::SyncState, settings::SyncSettings};

/// How a sync behaves.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How far back the first pass lists orders (Allegro serves about 12 months).
    pub history: Duration,
    /// Size of the first pass's initial windows (split further when too full).
    pub window: Duration,
    /// Windows fetched at once.
    pub concurrency: usize,
    /// How long a lease holds without renewal (a dead process's lease lapses after this).
    pub lease: Duration,
    /// Names this run's lease holder: `host:pid:id` ([`SyncState::new_lease_owner`]), recorded on the run.
    pub owner: String,
    /// Orders whose shipments one run reads at most (the endpoint allows 50 per second).
    pub shipments_per_run: i64,
    /// Orders whose invoices one run reads at most (one call each).
    pub invoices_per_run: i64,
    /// How long after a read the invoices of a young order (or of one with an invoice still
    /// open) are read again.
    pub invoices_reread_after: Duration,
    /// How many recent days of purchases a reconcile run lists again.
    pub reconcile_days: u32,
    /// Cancelled at shutdown: the run stops after the page being stored and ends
    /// `interrupted`.
    pub stop: CancellationToken,
    /// Scheduled runs: skip ([`SyncError::NotDue`](super::SyncError::NotDue)) when the account's latest run started
    /// less than this ago. Checked with the lease held, so processes that tick at the same
    /// moment start one run per interval between them, not one each.
    pub due_after: Option<Duration>,
    /// Counts the runs that end (the server's registry); `None` counts nothing.
    pub metrics: Option<RunMetrics>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            history: Duration::days(365),
            window: Duration::days(7),
            concurrency: 4,
            lease: Duration::minutes(2),
            owner: SyncState::new_lease_owner(),
            shipments_per_run: 1500,
            invoices_per_run: 1500,
            invoices_reread_after: Duration::days(1),
            reconcile_days: 30,
            stop: CancellationToken::new(),
            due_after: None,
            metrics: None,
        }
    }
}

impl SyncOptions {
    /// The options of the settings in force (history start, reconcile window), with this
    /// process's `lease` and the token that stops its runs at shutdown.
    pub fn from_settings(
        settings: &SyncSettings,
        lease: std::time::Duration,
        stop: CancellationToken,
    ) -> Self {
        Self {
            history: settings.history_span(chrono::Utc::now()),
            reconcile_days: settings.reconcile_window_days,
            lease: Duration::from_std(lease).unwrap_or(Duration::minutes(2)),
            stop,
            ..Self::default()
        }
    }
}
