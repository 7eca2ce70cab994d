//! Commission refund claims ("rabaty transakcyjne", `GET /order/refund-claims`): the typed
//! claim, its page and list query, and the calls. The typed fields cover what the backup
//! indexes and shows; `document` keeps the whole object as sent, unknown fields included.
//! Every field but `id` may be absent, null or of a shape this version does not know: such a
//! field reads as missing, the document still holds it. A claim names the order's line item,
//! not the order (allegro-api-money.md §4, §8).

mod page;
mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use self::{page::RefundClaimsPage, query::RefundClaimQuery};
use super::{
    account::AccountApi,
    customer_return::{Ref, lenient, lenient_time},
    error::AllegroError,
    models::{Amount, Money, from_raw},
};
use crate::domain::{Document, RefundClaimId};

/// The scope the claims endpoints need (the same as the orders').
pub const REFUND_CLAIMS_SCOPE: &str = "allegro:api:orders:read";
/// Largest page the list serves.
pub const REFUND_CLAIMS_PAGE_MAX: u32 = 100;

/// One commission refund claim.
#[derive(Debug, Clone, PartialEq)]
pub struct RefundClaim {
    pub id: RefundClaimId,
    /// `IN_PROGRESS`, `GRANTED`, … (see `domain::refund_claim`), or a newer value.
    pub status: Option<String>,
    /// `type`: `MANUAL` (filed by the seller) or `AUTOMATIC` (by Allegro).
    pub kind: Option<String>,
    /// The units claimed for.
    pub quantity: Option<u32>,
    /// `commission`: the gross commission claimed. Allegro sends its amount as a JSON number,
    /// not as the decimal string of every other price: see [`number_text`] for the text kept.
    pub commission: Option<Money>,
    /// `buyer.id`: the order's `buyer.id`.
    pub buyer_id: Option<String>,
    pub buyer_login: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// `lineItem.id`: the order's `lineItems[].id`, the only way to the order.
    pub line_item_id: Option<String>,
    /// `lineItem.quantity`: the units bought.
    pub line_item_quantity: Option<u32>,
    /// `lineItem.boughtAt`.
    pub bought_at: Option<DateTime<Utc>>,
    /// `lineItem.offer.id`.
    pub offer_id: Option<String>,
    /// The whole object as Allegro sent it, as canonical text with its hash.
    pub document: Document,
}

/// `commission`.
#[derive(Deserialize)]
struct Commission {
    #[serde(default, deserialize_with = "number_text")]
    amount: Option<Amount>,
    #[serde(default, deserialize_with = "lenient")]
    currency: Option<String>,
}

/// `lineItem`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LineItem {
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    quantity: Option<u32>,
    #[serde(default, deserialize_with = "lenient_time")]
    bought_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient")]
    offer: Option<Ref>,
}

/// A JSON number's text as an [`Amount`] (a decimal string, the shape of every other price,
/// is taken as it is); `None` for anything else. serde_json is built without
/// `arbitrary_precision`: a number is read into an `f64` (exactly, `float_roundtrip`) and its
/// text is the shortest that names the same value, so `2.89` stays `2.89` while `2.90` reads
/// `2.9` and `7` reads `7`: the value is never changed and no arithmetic is done on it. A number
/// whose text is not plain decimal digits (`1e-7`) reads as missing; the document keeps it.
fn number_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.to_string().parse().ok(),
        Some(Value::String(text)) => text.parse().ok(),
        _ => None,
    })
}

impl<'de> Deserialize<'de> for RefundClaim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: RefundClaimId,
            #[serde(default, deserialize_with = "lenient")]
            status: Option<String>,
            #[serde(default, rename = "type", deserialize_with = "lenient")]
            kind: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            quantity: Option<u32>,
            #[serde(default, deserialize_with = "lenient")]
            commission: Option<Commission>,
            #[serde(default, deserialize_with = "lenient")]
            buyer: Option<Ref>,
            #[serde(default, deserialize_with = "lenient_time")]
            created_at: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "lenient")]
            line_item: Option<LineItem>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        let commission = f.commission.and_then(|c| {
            let (amount, currency) = (c.amount?, c.currency?);
            Some(Money { amount, currency })
        });
        let (buyer_id, buyer_login) = f.buyer.map_or((None, None), |b| (b.id, b.login));
        let line = f.line_item.unwrap_or_default();
        Ok(Self {
            id: f.id,
            status: f.status,
            kind: f.kind,
            quantity: f.quantity,
            commission,
            buyer_id,
            buyer_login,
            created_at: f.created_at,
            line_item_id: line.id,
            line_item_quantity: line.quantity,
            bought_at: line.bought_at,
            offer_id: line.offer.and_then(|o| o.id),
            document: Document::new(&raw),
        })
    }
}

impl Serialize for RefundClaim {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    /// `GET /order/refund-claims`: one page (public media type, scope `orders:read`). No total
    /// and no date filter: a page shorter than the limit is the last.
    pub async fn refund_claims(&self, query: &RefundClaimQuery) -> Result<RefundClaimsPage, E> {
        self.get_as(
            "/order/refund-claims",
            "",
            &query.to_pairs(),
            super::ALLEGRO_MEDIA_TYPE,
        )
        .await
    }

    /// `GET /order/refund-claims/{id}`; [`AllegroError::NotFound`] for an unknown id (Allegro's
    /// `ClaimNotFoundException`).
    pub async fn refund_claim(&self, id: &RefundClaimId) -> Result<RefundClaim, E> {
        self.get_as(
            "/order/refund-claims/{id}",
            id.as_str(),
            &[],
            super::ALLEGRO_MEDIA_TYPE,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
