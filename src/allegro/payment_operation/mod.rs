//! Payment operations (`GET /payments/payment-operations`): the history of the seller's Allegro
//! Finance wallets: buyers' payments in, refunds out, payouts to the bank and more
//! (allegro-api-money.md §6). An operation has **no id**: it is known by the hash of its
//! canonical document, kept whole next to the typed fields (unknown fields and types
//! included). Every field may be absent, null or of a shape this version does not know: such a
//! field reads as missing, the document still holds it. Amounts stay decimal strings.

mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use self::query::{PaymentOperationQuery, WalletType};
use super::{
    account::AccountApi,
    customer_return::{Ref, lenient, lenient_time},
    error::AllegroError,
    listed::Listed,
    models::{Money, from_raw},
};
use crate::domain::Document;

/// The scope the wallet history needs.
pub const PAYMENT_OPERATIONS_SCOPE: &str = "allegro:api:payments:read";
/// Largest page the list serves (also its default).
pub const PAYMENT_OPERATIONS_PAGE_MAX: u32 = 50;
/// Most operations one query may match: above it Allegro refuses the query (422
/// `TooManyOperationsException`), so larger sets are split into time windows.
pub const PAYMENT_OPERATIONS_QUERY_MAX: u32 = 10_000;
pub use super::error::TOO_MANY_OPERATIONS;

/// `wallet`: whose balance the operation moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wallet {
    /// `PAYU`, `P24`, `AF`, `AF_P24`, `AF_PAYU` or a newer value.
    #[serde(default, deserialize_with = "lenient")]
    pub payment_operator: Option<String>,
    /// `AVAILABLE` or `WAITING`.
    #[serde(default, rename = "type", deserialize_with = "lenient")]
    pub kind: Option<String>,
    /// That operator's wallet balance after the operation.
    #[serde(default, deserialize_with = "lenient")]
    pub balance: Option<Money>,
}

/// One wallet operation.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentOperation {
    /// `type`: `CONTRIBUTION`, `REFUND_CHARGE`, `PAYOUT`, … (an open list).
    pub kind: Option<String>,
    /// `group`: `INCOME`, `OUTCOME`, `REFUND`, `BLOCKADES`.
    pub group: Option<String>,
    pub wallet: Option<Wallet>,
    /// `value`: money in is positive, money out negative.
    pub value: Option<Money>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub marketplace_id: Option<String>,
    /// `payment.id`: the checkout form's payment.
    pub payment_id: Option<String>,
    /// `surcharge.id`: the order's surcharge (a buyer's extra payment).
    pub surcharge_id: Option<String>,
    /// `payout.id`: the payout to the seller's bank.
    pub payout_id: Option<String>,
    /// `participant.login`: the buyer (the seller for `REFUND_INCREASE`).
    pub participant_login: Option<String>,
    /// The whole operation as Allegro sent it, as canonical text with its hash (its identity).
    pub document: Document,
}

impl<'de> Deserialize<'de> for PaymentOperation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            #[serde(default, rename = "type", deserialize_with = "lenient")]
            kind: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            group: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            wallet: Option<Wallet>,
            #[serde(default, deserialize_with = "lenient")]
            value: Option<Money>,
            #[serde(default, deserialize_with = "lenient_time")]
            occurred_at: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "lenient")]
            marketplace_id: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            payment: Option<Ref>,
            #[serde(default, deserialize_with = "lenient")]
            surcharge: Option<Ref>,
            #[serde(default, deserialize_with = "lenient")]
            payout: Option<Ref>,
            #[serde(default, deserialize_with = "lenient")]
            participant: Option<Ref>,
        }
        let raw = Value::deserialize(d)?;
        if !raw.is_object() {
            return Err(serde::de::Error::custom("a payment operation is an object"));
        }
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            kind: f.kind,
            group: f.group,
            wallet: f.wallet,
            value: f.value,
            occurred_at: f.occurred_at,
            marketplace_id: f.marketplace_id,
            payment_id: f.payment.and_then(|r| r.id),
            surcharge_id: f.surcharge.and_then(|r| r.id),
            payout_id: f.payout.and_then(|r| r.id),
            participant_login: f.participant.and_then(|r| r.login),
            document: Document::new(&raw),
        })
    }
}

impl Serialize for PaymentOperation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

/// One page of operations with the count of every operation the query matches.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentOperationsPage {
    entries: Listed<PaymentOperation>,
    /// `totalCount` (`None` when Allegro did not say).
    pub total_count: Option<u64>,
}

impl PaymentOperationsPage {
    pub fn operations(&self) -> &[PaymentOperation] {
        self.entries.items()
    }

    /// Entries in the page that are not operations at all, as sent.
    pub fn unreadable(&self) -> &[Value] {
        self.entries.unreadable()
    }

    /// Entries in the page, readable or not.
    pub fn listed(&self) -> usize {
        self.entries.len()
    }

    pub fn into_operations(self) -> Vec<PaymentOperation> {
        self.entries.into_items()
    }
}

impl<'de> Deserialize<'de> for PaymentOperationsPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            #[serde(default)]
            payment_operations: Option<Vec<Value>>,
            #[serde(default)]
            total_count: Option<u64>,
        }
        let body = Body::deserialize(d)?;
        Ok(Self {
            entries: Listed::read(body.payment_operations.unwrap_or_default()),
            total_count: body.total_count,
        })
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    /// `GET /payments/payment-operations`: one page (public media type, scope
    /// `payments:read`). A query matching more than 10,000 operations fails with a 422 whose
    /// code is [`TOO_MANY_OPERATIONS`].
    pub async fn payment_operations(
        &self,
        query: &PaymentOperationQuery,
    ) -> Result<PaymentOperationsPage, E> {
        self.get_as(
            "/payments/payment-operations",
            "",
            &query.to_pairs(),
            super::ALLEGRO_MEDIA_TYPE,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
