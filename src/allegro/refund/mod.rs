//! Payment refunds (`GET /payments/refunds`): the typed refund, its page and list query, and
//! the call. The typed fields cover what the backup indexes and shows; `document` keeps the
//! whole object as sent, unknown fields included. Every field but `id` may be absent, null or
//! of a shape this version does not know: such a field reads as missing, the document still
//! holds it. Amounts stay decimal strings.

mod page;
mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use self::{page::RefundsPage, query::RefundQuery};
use super::{
    account::AccountApi,
    customer_return::{Ref, lenient, lenient_list, lenient_time},
    error::AllegroError,
    models::{Money, from_raw},
};
use crate::domain::{CheckoutFormId, Document, RefundId};

/// The scope the refunds endpoint needs.
pub const REFUNDS_SCOPE: &str = "allegro:api:payments:read";
/// Largest page the list serves.
pub const REFUNDS_PAGE_MAX: u32 = 100;
/// Most refunds one query may reach by offset (not documented; assumed, as for the other
/// offset-paged lists: allegro-api-money.md §3): larger sets are split into time windows.
pub const REFUNDS_QUERY_MAX: u32 = 10_000;

/// `lineItems[]`: what of one line item of the order is paid back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RefundLineItem {
    /// The order's `lineItems[].id`.
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    /// `QUANTITY` (so many pieces) or `AMOUNT` (a sum).
    #[serde(default, rename = "type", deserialize_with = "lenient")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub quantity: Option<u32>,
    /// Only for `AMOUNT`.
    #[serde(default, deserialize_with = "lenient")]
    pub value: Option<Money>,
}

/// One refund of a payment, as `RefundDetails`.
#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    pub id: RefundId,
    /// `payment.id`: the checkout form's payment (or a surcharge's).
    pub payment_id: Option<String>,
    /// `order.id`: the checkout form.
    pub order_id: Option<CheckoutFormId>,
    /// `REFUND`, `COMPLAINT`, … (see `domain::refund`), or a newer value.
    pub reason: Option<String>,
    /// `NEW`, `VALIDATED`, `IN_PROGRESS`, `SUCCESS`, … or a newer value.
    pub status: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// `totalValue`: the whole refund.
    pub total_value: Option<Money>,
    pub seller_comment: Option<String>,
    pub line_items: Vec<RefundLineItem>,
    /// The whole object as Allegro sent it, as canonical text with its hash.
    pub document: Document,
}

impl<'de> Deserialize<'de> for Refund {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: RefundId,
            #[serde(default, deserialize_with = "lenient")]
            payment: Option<Ref>,
            #[serde(default, deserialize_with = "lenient")]
            order: Option<Ref>,
            #[serde(default, deserialize_with = "lenient")]
            reason: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            status: Option<String>,
            #[serde(default, deserialize_with = "lenient_time")]
            created_at: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "lenient")]
            total_value: Option<Money>,
            #[serde(default, deserialize_with = "lenient")]
            seller_comment: Option<String>,
            #[serde(default, deserialize_with = "lenient_list")]
            line_items: Vec<RefundLineItem>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            id: f.id,
            payment_id: f.payment.and_then(|p| p.id),
            order_id: f.order.and_then(|o| o.id).map(CheckoutFormId),
            reason: f.reason,
            status: f.status,
            created_at: f.created_at,
            total_value: f.total_value,
            seller_comment: f.seller_comment,
            line_items: f.line_items,
            document: Document::new(&raw),
        })
    }
}

impl Serialize for Refund {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    /// `GET /payments/refunds`: one page (public media type, scope `payments:read`).
    pub async fn refunds(&self, query: &RefundQuery) -> Result<RefundsPage, E> {
        self.get_as(
            "/payments/refunds",
            "",
            &query.to_pairs(),
            super::ALLEGRO_MEDIA_TYPE,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
