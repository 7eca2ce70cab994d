//! Billing entries (fees) backed up with the orders (issue 18): every simulated entry stored once
//! with each of its versions (Allegro names an entry's offer later), on every marketplace the
//! account sells on, windows split past the 10,000 reach, a pass that fails mid-way resuming
//! exactly, an account whose authorisation leaves billing out still backing up its orders, and
//! the order page's "Money" part in both languages, and the documents exported as sent.
//!
//! Here what the tests share; the tests by theme: the backup, the order page, the store.

mod backup;
mod changes;
mod export;
mod fees_page;
mod page;
mod storage;

use crate::helpers::{truth::FEES, versioned::money_app};
