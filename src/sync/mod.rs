//! The backup engine: where the Allegro client and the database meet for orders and their
//! customer returns, payment refunds, fees and wallet history.

mod backfill;
mod billing;
mod context;
pub mod coverage;
pub mod engine;
mod events;
mod invoices;
pub mod map;
mod metrics;
mod money_coverage;
mod options;
mod pauses;
mod payment_operations;
mod per_order;
mod reconcile;
mod refund_claims;
mod refunds;
mod retry;
mod returns;
mod scope;
mod shipments;
mod store;
mod versioned;
mod windowed;

pub use context::{RunSummary, SyncError, SyncMode, windows};
pub use engine::{OnStarted, sync_account, sync_account_announced};
pub use metrics::RunMetrics;
pub use options::SyncOptions;
