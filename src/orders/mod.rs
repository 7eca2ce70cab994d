//! The orders workspace's shared core: who is looking ([`Viewer`]: account scope and personal
//! data masking), what they asked for ([`OrderFilter`], parsed from the list's query string)
//! and the one query every view of orders starts from ([`query::visible_orders`]). The list,
//! the export, the dashboard and the detail page all go through it, so privacy by role and the
//! filters mean the same everywhere.

pub mod amount;
pub mod count;
pub mod cursor;
pub mod detail;
pub mod diff;
pub mod export;
pub mod filter;
pub mod mask;
pub mod mask_json;
pub mod page;
pub mod query;
pub mod stats;

pub use crate::{auth::viewer::Viewer, domain::AccountScope};
pub use amount::Amount;
pub use filter::{OrderFilter, OrderParams};
