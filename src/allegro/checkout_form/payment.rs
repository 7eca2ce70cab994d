//! `payment` (and each of `surcharges[]`) of a checkout form.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::allegro::{models::Money, time};

/// `payment` and each of `surcharges[]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    #[serde(default)]
    pub id: Option<String>,
    /// `CASH_ON_DELIVERY`, `WIRE_TRANSFER`, `ONLINE`, `SPLIT_PAYMENT`, `EXTENDED_TERM`, ...
    #[serde(default, rename = "type")]
    pub payment_type: Option<String>,
    /// `PAYU`, `P24`, `AF`, `OFFLINE`, `EPT`, ...
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "time::optional")]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub paid_amount: Option<Money>,
}
