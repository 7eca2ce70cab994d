//! The "Commission refund claims" part of the order detail page ("rabaty transakcyjne"): each
//! claim the seller or Allegro filed for a line item of the order, with its status, who filed
//! it, the units and the commission claimed, and the status history its stored versions make.
//! Read leniently from the claim as last stored; it shows nothing of the buyer.

use serde_json::Value;

use super::{
    NONE,
    history::{StatusStep, status_history},
    read::{array, get, money, text, time},
};
use crate::{db::models::versioned::WithHistory, domain::RefundClaimId, i18n::Locale};

/// One claim as the part shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimView {
    pub id: String,
    /// The current status, as Allegro's code.
    pub status: String,
    /// `MANUAL` or `AUTOMATIC`, as Allegro's code.
    pub kind: String,
    /// The offer's name of the line item claimed for (from the order).
    pub offer: String,
    /// Units claimed for, of units bought.
    pub quantity: String,
    /// The commission claimed, as the reader's language writes money.
    pub commission: String,
    pub created: String,
    /// Each status the backup saw, with when it first saw it, oldest first.
    pub history: Vec<StatusStep>,
}

/// The claims of the order; `order` (the checkout form as stored) names the line items.
pub fn claim_views(
    claims: &[WithHistory<RefundClaimId>],
    order: &Value,
    loc: &Locale,
) -> Vec<ClaimView> {
    let line_items = array(order, "/lineItems");
    claims
        .iter()
        .map(|c| {
            let raw = &c.raw;
            let line_item = get(raw, "/lineItem/id");
            let offer = line_items
                .iter()
                .find(|li| get(li, "/id") == line_item)
                .map_or_else(
                    || text(raw, "/lineItem/offer/id"),
                    |li| text(li, "/offer/name"),
                );
            let quantity = match (get(raw, "/quantity"), get(raw, "/lineItem/quantity")) {
                (Some(claimed), Some(bought)) => format!("{claimed} / {bought}"),
                (Some(claimed), None) => claimed,
                _ => NONE.into(),
            };
            ClaimView {
                id: text(raw, "/id"),
                status: text(raw, "/status"),
                kind: text(raw, "/type"),
                offer,
                quantity,
                commission: money(raw, "/commission", loc),
                created: time(raw, "/createdAt", loc),
                history: status_history(&c.versions),
            }
        })
        .collect()
}
