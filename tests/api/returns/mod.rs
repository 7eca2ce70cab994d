//! Customer returns backed up with the orders (issue 18): every simulated return stored once
//! with each of its versions, a pass that fails mid-way resuming exactly, an account whose
//! authorisation leaves returns out still backing up its orders, and the order page's
//! "Returns" section in both languages, masked for a user who must not see personal data, and
//! the returns page.
//!
//! Here what the tests share; the tests by theme: the backup, the order page.

mod backup;
mod list_page;
mod page;

pub(crate) use page::backed_up_with_returns;

use crate::helpers::truth::RETURNS;
