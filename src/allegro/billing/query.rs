//! The list query of `GET /billing/billing-entries`: offset paging (`limit` ≤ 100, `offset`
//! ≤ 10,000), the `occurredAt` window, the marketplace and the exact-match filters.

use chrono::{DateTime, Utc};

use super::BILLING_PAGE_MAX;
use crate::{allegro::time, domain::CheckoutFormId};

/// Filters and paging. `type.id` values are sent as repeated parameters (§1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingQuery {
    /// `marketplaceId`; Allegro's default is the account's home marketplace.
    pub marketplace_id: Option<String>,
    /// 1..=100; Allegro's default is 100.
    pub limit: u32,
    /// 0..=10,000.
    pub offset: u32,
    /// `occurredAt.gte`.
    pub occurred_at_gte: Option<DateTime<Utc>>,
    /// `occurredAt.lte`.
    pub occurred_at_lte: Option<DateTime<Utc>>,
    /// `type.id`.
    pub type_ids: Vec<String>,
    /// `offer.id`.
    pub offer_id: Option<String>,
    /// `order.id`.
    pub order_id: Option<CheckoutFormId>,
}

impl Default for BillingQuery {
    fn default() -> Self {
        Self {
            marketplace_id: None,
            limit: BILLING_PAGE_MAX,
            offset: 0,
            occurred_at_gte: None,
            occurred_at_lte: None,
            type_ids: vec![],
            offer_id: None,
            order_id: None,
        }
    }
}

impl BillingQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("limit", self.limit.to_string())];
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        if let Some(id) = &self.marketplace_id {
            pairs.push(("marketplaceId", id.clone()));
        }
        pairs.extend(time::time_pairs([
            ("occurredAt.gte", self.occurred_at_gte),
            ("occurredAt.lte", self.occurred_at_lte),
        ]));
        pairs.extend(self.type_ids.iter().map(|t| ("type.id", t.clone())));
        if let Some(id) = &self.offer_id {
            pairs.push(("offer.id", id.clone()));
        }
        if let Some(id) = &self.order_id {
            pairs.push(("order.id", id.to_string()));
        }
        pairs
    }
}
