//! The backup engine: where the Allegro client and the database meet for orders.

mod backfill;
pub mod engine;
mod events;
pub mod map;
mod retry;
mod shipments;
mod store;

pub use engine::{RunSummary, SyncError, SyncOptions, sync_account};
