//! Payment operations (the wallet history) backed up with the orders (issue 18): every
//! operation of both wallets stored once under the hash of its document (they have no id),
//! money held back marked released when the available wallet shows it, windows split past
//! the 10,000 operations a query may match, a pass that fails mid-way resuming exactly, and
//! an account whose authorisation leaves payments out still backing up its orders.
//!
//! Here what the tests share; the tests by theme: the backup, the pages.

mod backup;
mod page;

use crate::helpers::versioned::money_app;
