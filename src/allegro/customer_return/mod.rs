//! Customer returns (`GET /order/customer-returns`, a beta resource): the typed return, its
//! page and list query, and the calls. The typed fields cover what the backup indexes and
//! shows; `document` keeps the whole object as sent, unknown fields included. Every field but
//! `id` may be absent, null or of a shape this version does not know: such a field reads as
//! missing, the document still holds it.

mod page;
mod parts;
mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::DeserializeOwned};
use serde_json::Value;

pub use self::{
    page::CustomerReturnsPage,
    parts::{ReturnBuyer, ReturnItem, ReturnParcel, ReturnReason, ReturnRejection},
    query::CustomerReturnQuery,
};
use super::{
    account::AccountApi, client::ALLEGRO_BETA_MEDIA_TYPE, error::AllegroError, models::from_raw,
    time,
};
use crate::domain::{CheckoutFormId, CustomerReturnId, Document};

/// The scope the returns endpoints need (the same as the orders').
pub const RETURNS_SCOPE: &str = "allegro:api:orders:read";
/// Largest page the list serves.
pub const RETURNS_PAGE_MAX: u32 = 1000;
/// Allegro's own limit of the returns endpoints, per user.
pub const RETURNS_PER_SECOND: u32 = 25;

/// One customer return.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerReturn {
    pub id: CustomerReturnId,
    /// `orderId`: the checkout form the items were bought in.
    pub order_id: Option<CheckoutFormId>,
    /// `CREATED`, `DISPATCHED`, … (see `domain::customer_return`), or a newer value.
    pub status: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The number the buyer sees (`1234/Z04A`).
    pub reference_number: Option<String>,
    pub marketplace_id: Option<String>,
    /// Handled by One Fulfillment.
    pub is_fulfillment: bool,
    pub buyer: Option<ReturnBuyer>,
    pub items: Vec<ReturnItem>,
    pub parcels: Vec<ReturnParcel>,
    pub rejection: Option<ReturnRejection>,
    /// The whole object as Allegro sent it, as canonical text with its hash.
    pub document: Document,
}

/// `Some(value)` when the field holds a `T`; `None` when it is absent, null or of another
/// shape (the document keeps it either way).
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.and_then(|v| serde_json::from_value(v).ok()))
}

/// The elements of a list that read as `T` (none when the field is not a list).
pub(crate) fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => vec![],
    })
}

/// A reference to another object by its id (and, for a person, login): a refund's `payment`
/// and `order`, an operation's `participant`, a claim's `buyer` and `offer`. Each part reads
/// leniently.
#[derive(Debug, Deserialize)]
pub(crate) struct Ref {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub login: Option<String>,
}

/// A timestamp in any of Allegro's forms, or `None`.
pub(crate) fn lenient_time<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(lenient::<D, String>(d)?.and_then(|text| time::parse_timestamp(&text).ok()))
}

impl<'de> Deserialize<'de> for CustomerReturn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: CustomerReturnId,
            #[serde(default, deserialize_with = "lenient")]
            order_id: Option<CheckoutFormId>,
            #[serde(default, deserialize_with = "lenient")]
            status: Option<String>,
            #[serde(default, deserialize_with = "lenient_time")]
            created_at: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "lenient")]
            reference_number: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            marketplace_id: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            is_fulfillment: Option<bool>,
            #[serde(default, deserialize_with = "lenient")]
            buyer: Option<ReturnBuyer>,
            #[serde(default, deserialize_with = "lenient_list")]
            items: Vec<ReturnItem>,
            #[serde(default, deserialize_with = "lenient_list")]
            parcels: Vec<ReturnParcel>,
            #[serde(default, deserialize_with = "lenient")]
            rejection: Option<ReturnRejection>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            id: f.id,
            order_id: f.order_id,
            status: f.status,
            created_at: f.created_at,
            reference_number: f.reference_number,
            marketplace_id: f.marketplace_id,
            is_fulfillment: f.is_fulfillment.unwrap_or(false),
            buyer: f.buyer,
            items: f.items,
            parcels: f.parcels,
            rejection: f.rejection,
            document: Document::new(&raw),
        })
    }
}

impl Serialize for CustomerReturn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    /// `GET /order/customer-returns`: one page, oldest first (beta media type).
    pub async fn customer_returns(
        &self,
        query: &CustomerReturnQuery,
    ) -> Result<CustomerReturnsPage, E> {
        self.get_as(
            "/order/customer-returns",
            "",
            &query.to_pairs(),
            ALLEGRO_BETA_MEDIA_TYPE,
        )
        .await
    }

    /// `GET /order/customer-returns/{id}`; [`AllegroError::NotFound`] for an unknown id.
    pub async fn customer_return(&self, id: &CustomerReturnId) -> Result<CustomerReturn, E> {
        self.get_as(
            "/order/customer-returns/{id}",
            id.as_str(),
            &[],
            ALLEGRO_BETA_MEDIA_TYPE,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
