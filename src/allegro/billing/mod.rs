//! Billing entries (`GET /billing/billing-entries`): the fees Allegro charges the seller and the
//! credits it gives back, one list per marketplace, newest first (allegro-api-money.md §5). The
//! typed fields cover what the backup indexes and sums; `document` keeps the whole entry as
//! sent, unknown fields included. Every field but `id` may be absent, null or of a shape this
//! version does not know: such a field reads as missing, the document still holds it. Amounts
//! stay decimal strings (negative for charges, positive for credits).

mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use self::query::BillingQuery;
use super::{
    account::AccountApi,
    customer_return::{lenient, lenient_time},
    error::AllegroError,
    listed::Listed,
    models::{Money, from_raw},
};
use crate::domain::{BillingEntryId, CheckoutFormId, Document};

/// The scope the billing endpoints need.
pub const BILLING_SCOPE: &str = "allegro:api:billing:read";
/// Largest page the list serves (also its default).
pub const BILLING_PAGE_MAX: u32 = 100;
/// Largest `offset` the list accepts (422 above): one query reaches at most this plus a page.
pub const BILLING_OFFSET_MAX: u32 = 10_000;
/// The marketplace whose fees are listed when a query names none (Allegro: the account's home
/// marketplace; the backup names one in every query).
pub const HOME_MARKETPLACE: &str = "allegro-pl";

/// One page of billing entries (the body holds nothing else: no counts).
pub type BillingEntriesPage = Listed<BillingEntry>;

/// One billing entry.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingEntry {
    pub id: BillingEntryId,
    pub occurred_at: Option<DateTime<Utc>>,
    /// `type.id`: a three-character code (`SUC`, `LIS`, `REF`, …); the key, never the name.
    pub type_id: Option<String>,
    /// `type.name`: localised by Allegro (Polish unless asked otherwise).
    pub type_name: Option<String>,
    /// `offer.id`: absent for fees not tied to an offer.
    pub offer_id: Option<String>,
    /// `offer.name`: filled in by Allegro some time after the entry appears.
    pub offer_name: Option<String>,
    /// `value`: negative for a charge, positive for a credit.
    pub value: Option<Money>,
    /// `order.id`: the checkout form, when the entry belongs to one.
    pub order_id: Option<CheckoutFormId>,
    pub marketplace_id: Option<String>,
    /// The whole entry as Allegro sent it, as canonical text with its hash.
    pub document: Document,
}

#[derive(Deserialize)]
struct Named {
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    name: Option<String>,
}

impl<'de> Deserialize<'de> for BillingEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: BillingEntryId,
            #[serde(default, deserialize_with = "lenient_time")]
            occurred_at: Option<DateTime<Utc>>,
            #[serde(default, rename = "type", deserialize_with = "lenient")]
            kind: Option<Named>,
            #[serde(default, deserialize_with = "lenient")]
            offer: Option<Named>,
            #[serde(default, deserialize_with = "lenient")]
            value: Option<Money>,
            #[serde(default, deserialize_with = "lenient")]
            order: Option<Named>,
            #[serde(default, deserialize_with = "lenient")]
            marketplace_id: Option<String>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        let (type_id, type_name) = f.kind.map_or((None, None), |t| (t.id, t.name));
        let (offer_id, offer_name) = f.offer.map_or((None, None), |o| (o.id, o.name));
        Ok(Self {
            id: f.id,
            occurred_at: f.occurred_at,
            type_id,
            type_name,
            offer_id,
            offer_name,
            value: f.value,
            order_id: f.order.and_then(|o| o.id).map(CheckoutFormId),
            marketplace_id: f.marketplace_id,
            document: Document::new(&raw),
        })
    }
}

impl Serialize for BillingEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    /// `GET /billing/billing-entries`: one page (public media type, scope `billing:read`). No
    /// `Accept-Language` is sent: names come in Polish, as Allegro gives them by default.
    pub async fn billing_entries(&self, query: &BillingQuery) -> Result<BillingEntriesPage, E> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            #[serde(default)]
            billing_entries: Option<Vec<Value>>,
        }
        let body: Body = self
            .get_as(
                "/billing/billing-entries",
                "",
                &query.to_pairs(),
                super::ALLEGRO_MEDIA_TYPE,
            )
            .await?;
        Ok(Listed::read(body.billing_entries.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests;
