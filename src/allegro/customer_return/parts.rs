//! The parts of a customer return: its buyer, items (with their reasons), parcels and the
//! seller's rejection. Each field reads leniently (see `lenient`).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{lenient, lenient_time};
use crate::allegro::models::Money;

/// `buyer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReturnBuyer {
    #[serde(default, deserialize_with = "lenient")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub login: Option<String>,
}

/// `items[]`: one returned offer. Allegro names the offer, not the order's line item: two line
/// items of the same offer are told apart by quantity only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnItem {
    /// Matches `lineItems[].offer.id` of the order.
    #[serde(default, deserialize_with = "lenient")]
    pub offer_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub quantity: Option<u32>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// The unit price paid.
    #[serde(default, deserialize_with = "lenient")]
    pub price: Option<Money>,
    #[serde(default, deserialize_with = "lenient")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub reason: Option<ReturnReason>,
}

/// `items[].reason`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnReason {
    /// `DAMAGED`, `DONT_LIKE_IT`, … or a newer value.
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub user_comment: Option<String>,
}

/// `parcels[]`: empty until the buyer sends the items.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnParcel {
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
    /// Allegro's own number (`A…`), may be null.
    #[serde(default, deserialize_with = "lenient")]
    pub waybill: Option<String>,
    /// The number of the carrier moving the parcel, when another one does.
    #[serde(default, deserialize_with = "lenient")]
    pub transporting_waybill: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub carrier_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub transporting_carrier_id: Option<String>,
}

/// `rejection`: the seller refused the refund.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnRejection {
    /// `REFUND_REJECTED`, `ITEM_FIXED`, … or a newer value.
    #[serde(default, deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub reason: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
}
