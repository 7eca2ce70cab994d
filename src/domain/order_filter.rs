//! What a user asked to see of the orders, validated: the filters of the list, the export,
//! saved views and dashboard links. Parsed from the query string by `orders::filter`.

use chrono::{DateTime, Utc};

use super::{AccountId, Amount};

/// An account as named in a filter: its id, or its Allegro login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRef {
    Id(AccountId),
    Login(String),
}

/// A half-open time range `[from, to)` in UTC, from days of the display time zone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A validated filter set of the orders list, export, saved views and dashboard links. Built
/// only by `OrderFilter::parse` (in `orders::filter`, from the query string).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Trimmed search text (never empty).
    pub search: Option<String>,
    pub account: Option<AccountRef>,
    pub status: Option<&'static str>,
    pub fulfillment: Option<&'static str>,
    pub payment: Option<&'static str>,
    /// A delivery method id.
    pub delivery: Option<String>,
    pub marketplace: Option<String>,
    pub currency: Option<String>,
    pub bought: TimeRange,
    pub updated: TimeRange,
    pub min_total: Option<Amount>,
    pub max_total: Option<Amount>,
    pub invoice_required: Option<bool>,
    /// With (or without) a customer return.
    pub has_return: Option<bool>,
    /// With (or without) a payment refund paid out.
    pub refunded: Option<bool>,
    pub include_merged: bool,
}
