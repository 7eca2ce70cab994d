//! The list query of `GET /payments/refunds`: offset paging (`limit` ≤ 100), the
//! `occurredAt.gte`/`lte` window (assumed to bound `createdAt`) and the exact-match filters.

use chrono::{DateTime, Utc};

use crate::{
    allegro::time,
    domain::{CheckoutFormId, RefundId},
};

/// Filters and paging. `status` values are sent as repeated parameters (§1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundQuery {
    /// 1..=100; Allegro's default is 50.
    pub limit: u32,
    pub offset: u32,
    /// `id`: one refund.
    pub id: Option<RefundId>,
    /// `payment.id`.
    pub payment_id: Option<String>,
    /// `order.id`.
    pub order_id: Option<CheckoutFormId>,
    /// `occurredAt.gte`.
    pub occurred_at_gte: Option<DateTime<Utc>>,
    /// `occurredAt.lte`.
    pub occurred_at_lte: Option<DateTime<Utc>>,
    /// `status`: `WAITING`, `IN_PROGRESS`, `SUCCESS`, `CANCELED`, `PARTIAL`.
    pub statuses: Vec<String>,
}

impl Default for RefundQuery {
    fn default() -> Self {
        Self {
            limit: 50,
            offset: 0,
            id: None,
            payment_id: None,
            order_id: None,
            occurred_at_gte: None,
            occurred_at_lte: None,
            statuses: vec![],
        }
    }
}

impl RefundQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("limit", self.limit.to_string())];
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        if let Some(id) = &self.id {
            pairs.push(("id", id.to_string()));
        }
        if let Some(id) = &self.payment_id {
            pairs.push(("payment.id", id.clone()));
        }
        if let Some(id) = &self.order_id {
            pairs.push(("order.id", id.to_string()));
        }
        pairs.extend(time::time_pairs([
            ("occurredAt.gte", self.occurred_at_gte),
            ("occurredAt.lte", self.occurred_at_lte),
        ]));
        pairs.extend(self.statuses.iter().map(|s| ("status", s.clone())));
        pairs
    }
}
