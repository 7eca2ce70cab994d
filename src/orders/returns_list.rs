//! The returns page's rows as the reader sees them: each return with its order, buyer (masked
//! for a user who must not see personal data), items, status and where its refund stands.

use chrono::{DateTime, Utc};

use crate::{
    db::models::customer_return::list::ReturnRow,
    domain::{AccountId, Viewer},
    orders::{detail::NONE, mask_json::for_viewer},
};

/// One return as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnListView {
    pub created: Option<DateTime<Utc>>,
    pub account: String,
    pub order_id: Option<String>,
    pub reference: String,
    /// The buyer's login (masked for a user who must not see personal data).
    pub buyer: String,
    /// The first item's name, and how many more items there are.
    pub item: String,
    pub more_items: usize,
    /// Allegro's status code.
    pub status: String,
    /// The status of the order's latest payment refund (Allegro's code), if any.
    pub refund: Option<String>,
}

fn text(raw: &serde_json::Value, pointer: &str) -> Option<String> {
    raw.pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

pub fn return_list_views(
    rows: Vec<ReturnRow>,
    accounts: &[(AccountId, String)],
    viewer: &Viewer,
) -> Vec<ReturnListView> {
    rows.into_iter()
        .map(|row| {
            let raw = for_viewer(viewer, &row.raw);
            let items = raw
                .pointer("/items")
                .and_then(serde_json::Value::as_array)
                .cloned()
                .unwrap_or_default();
            let first = items.first();
            ReturnListView {
                created: row.created_at,
                account: accounts
                    .iter()
                    .find(|(id, _)| *id == row.account_id)
                    .map_or_else(|| format!("#{}", row.account_id), |(_, l)| l.clone()),
                order_id: row.checkout_form_id,
                reference: text(&raw, "/referenceNumber").unwrap_or_else(|| NONE.into()),
                buyer: text(&raw, "/buyer/login").unwrap_or_else(|| NONE.into()),
                item: first
                    .and_then(|i| text(i, "/name"))
                    .unwrap_or_else(|| NONE.into()),
                more_items: items.len().saturating_sub(1),
                status: row.status.unwrap_or_default(),
                refund: row
                    .refund_statuses
                    .and_then(|s| s.rsplit(',').next().map(str::to_owned)),
            }
        })
        .collect()
}
