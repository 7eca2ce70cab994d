//! The "Refunds" part of the order detail page: each payment refund of the order with its
//! status, reason, amount, creation time, the line items it pays back and the status history
//! its stored versions make. Read leniently from the refund as last stored (Allegro's shape),
//! masked first for a user who must not see personal data; the seller's comment, free text that
//! often names the buyer, is left out for such a user.

use serde_json::Value;

use super::{
    NONE,
    history::{StatusStep, status_history},
    read::{array, get, money, text, time},
};
use crate::{
    db::models::versioned::{VersionHead, WithHistory},
    domain::{RefundId, Viewer},
    i18n::Locale,
    orders::mask_json::for_viewer,
};

/// One refund as the part shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundView {
    pub id: String,
    /// The current status, as Allegro's code.
    pub status: String,
    /// Allegro's reason code.
    pub reason: String,
    /// The whole refund, as the reader's language writes money.
    pub amount: String,
    pub created: String,
    pub payment_id: String,
    /// The seller's comment (`None` when there is none or the viewer may not see it).
    pub comment: Option<String>,
    pub items: Vec<RefundItemView>,
    /// The delivery cost paid back, if any.
    pub delivery: Option<String>,
    /// Each status the backup saw, with when it first saw it, oldest first.
    pub history: Vec<StatusStep>,
}

/// A line item paid back: its offer's name (from the order), how many or how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundItemView {
    pub line_item_id: String,
    pub name: String,
    /// Pieces, for a `QUANTITY` refund.
    pub quantity: Option<u32>,
    /// The sum, for an `AMOUNT` refund.
    pub value: Option<String>,
}

/// The refunds as `viewer` may see them; `order` (the checkout form as stored) names the line
/// items.
pub fn refund_views(
    refunds: &[WithHistory<RefundId>],
    order: &Value,
    viewer: &Viewer,
    loc: &Locale,
) -> Vec<RefundView> {
    refunds
        .iter()
        .map(|r| {
            let raw = for_viewer(viewer, &r.raw);
            let mut view = view(&raw, order, &r.versions, loc);
            if viewer.hide_personal_data {
                view.comment = None;
            }
            view
        })
        .collect()
}

fn view(raw: &Value, order: &Value, versions: &[VersionHead], loc: &Locale) -> RefundView {
    let line_items = array(order, "/lineItems");
    RefundView {
        id: text(raw, "/id"),
        status: text(raw, "/status"),
        reason: text(raw, "/reason"),
        amount: money(raw, "/totalValue", loc),
        created: time(raw, "/createdAt", loc),
        payment_id: text(raw, "/payment/id"),
        comment: get(raw, "/sellerComment"),
        items: array(raw, "/lineItems")
            .iter()
            .map(|item| {
                let id = text(item, "/id");
                let name = line_items
                    .iter()
                    .find(|li| get(li, "/id").as_deref() == Some(id.as_str()))
                    .map_or_else(|| NONE.into(), |li| text(li, "/offer/name"));
                RefundItemView {
                    quantity: item
                        .pointer("/quantity")
                        .and_then(Value::as_u64)
                        .and_then(|q| u32::try_from(q).ok()),
                    value: item
                        .pointer("/value")
                        .filter(|v| v.is_object())
                        .map(|_| money(item, "/value", loc)),
                    line_item_id: id,
                    name,
                }
            })
            .collect(),
        delivery: raw
            .pointer("/delivery/value")
            .filter(|v| v.is_object())
            .map(|_| money(raw, "/delivery/value", loc)),
        history: status_history(versions),
    }
}
