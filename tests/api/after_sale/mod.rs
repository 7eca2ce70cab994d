//! Commission refund claims and order invoices backed up with the orders (issue 18): every
//! claim stored once with each of its versions and linked to its order through its line item,
//! every invoice of every paid order stored once with its versions, the invoices step killed
//! at every batch boundary losing and duplicating nothing, the order page's parts in both
//! languages, and the documents export of both. And the whole archive at once: every resource
//! of an account compared with the simulator's ground truth as the world moves on.

mod all_resources;
mod claims;
mod invoices;
mod invoices_crash;

use crate::helpers::truth::{CLAIMS, INVOICES};
