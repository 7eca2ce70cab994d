//! The list query of `GET /order/customer-returns`: paging by `from` (the last return seen;
//! the list is oldest first and has no sort), creation time bounds and exact-match filters.

use chrono::{DateTime, Utc};

use crate::{
    allegro::time,
    domain::{CheckoutFormId, CustomerReturnId},
};

/// Filters and paging. The "one or more" filters are sent as repeated parameters (assumed:
/// allegro-api-money.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerReturnQuery {
    /// 1..=1000; Allegro's default is 100.
    pub limit: u32,
    /// No documented maximum; paging by `from` needs none.
    pub offset: u32,
    /// Returns created after this one.
    pub from: Option<CustomerReturnId>,
    /// `createdAt.gte`.
    pub created_at_gte: Option<DateTime<Utc>>,
    /// `createdAt.lte`.
    pub created_at_lte: Option<DateTime<Utc>>,
    /// `status`.
    pub statuses: Vec<String>,
    /// `customerReturnId`: read several known returns at once.
    pub ids: Vec<CustomerReturnId>,
    /// `orderId`.
    pub order_ids: Vec<CheckoutFormId>,
    /// `marketplaceId`; none means every marketplace.
    pub marketplace_id: Option<String>,
}

impl Default for CustomerReturnQuery {
    fn default() -> Self {
        Self {
            limit: 100,
            offset: 0,
            from: None,
            created_at_gte: None,
            created_at_lte: None,
            statuses: vec![],
            ids: vec![],
            order_ids: vec![],
            marketplace_id: None,
        }
    }
}

impl CustomerReturnQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("limit", self.limit.to_string())];
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        if let Some(from) = &self.from {
            pairs.push(("from", from.to_string()));
        }
        pairs.extend(time::time_pairs([
            ("createdAt.gte", self.created_at_gte),
            ("createdAt.lte", self.created_at_lte),
        ]));
        pairs.extend(self.statuses.iter().map(|s| ("status", s.clone())));
        pairs.extend(
            self.ids
                .iter()
                .map(|id| ("customerReturnId", id.to_string())),
        );
        pairs.extend(self.order_ids.iter().map(|id| ("orderId", id.to_string())));
        if let Some(marketplace) = &self.marketplace_id {
            pairs.push(("marketplaceId", marketplace.clone()));
        }
        pairs
    }
}
