//! The orders workspace's shared core: who is looking ([`Viewer`]: account scope and personal
//! data masking) and what they asked for ([`OrderFilter`], parsed from the list's query
//! string). The one query every view of orders starts from is the storage layer's
//! (`db::models::order::visible`): the list, the count, the export and the detail page all go
//! through it, so privacy by role and the filters mean the same everywhere.

pub mod cursor;
pub mod detail;
pub mod diff;
pub mod documents;
pub mod export;
pub mod fees;
pub mod filter;
pub mod mask;
pub mod mask_json;
pub mod page;
pub mod payments_list;
pub mod returns_list;
pub mod sort;

pub use crate::domain::{AccountScope, OrderFilter, Viewer};
pub use filter::OrderParams;
