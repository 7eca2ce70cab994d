//! Payment refunds backed up with the orders (issue 18): every simulated refund stored once
//! with each of its versions, a pass that fails mid-way resuming exactly, an account whose
//! authorisation leaves payments out still backing up its orders, and the order page's
//! "Refunds" part in both languages, masked for a user who must not see personal data.
//!
//! Here what the tests share; the tests by theme: the backup, the order page.

mod backup;
mod page;

use chrono::{DateTime, Utc};

use crate::helpers::{TestApp, truth::REFUNDS, versioned::spawn_app_with_returns};

/// An app whose simulator holds `orders` orders of seller 0, every paid one returned (the
/// returns that end refunded have their refund), its clock starting at `start`.
async fn refunds_app(orders: u32, start: DateTime<Utc>) -> TestApp {
    spawn_app_with_returns(orders, 100, start).await
}
