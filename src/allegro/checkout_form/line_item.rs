//! `lineItems[]` of a checkout form and the offer each was bought from.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::allegro::{models::Money, time};

/// One of `lineItems[]`; `price` and `original_price` are unit prices.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    /// Survives a purchase merge (the checkout form id does not).
    pub id: String,
    pub offer: Offer,
    pub quantity: u32,
    pub price: Money,
    #[serde(default)]
    pub original_price: Option<Money>,
    #[serde(default, deserialize_with = "time::optional")]
    pub bought_at: Option<DateTime<Utc>>,
}

/// `lineItems[].offer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Offer {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub external: Option<OfferExternal>,
}

impl Offer {
    /// The seller's own id of the offer (`external.id`).
    pub fn external_id(&self) -> Option<&str> {
        self.external.as_ref()?.id.as_deref()
    }
}

/// `lineItems[].offer.external`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OfferExternal {
    #[serde(default)]
    pub id: Option<String>,
}
