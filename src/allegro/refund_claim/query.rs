//! The list query of `GET /order/refund-claims`: offset paging (`limit` ≤ 100) and the three
//! exact-match filters. There is no date filter and no sort parameter (allegro-api-money.md
//! §4.1).

/// Filters and paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundClaimQuery {
    /// 1..=100; Allegro's default is 25.
    pub limit: u32,
    pub offset: u32,
    /// `status`: one status (see `domain::refund_claim`).
    pub status: Option<String>,
    /// `lineItem.offer.id`.
    pub offer_id: Option<String>,
    /// `buyer.id`.
    pub buyer_id: Option<String>,
}

impl Default for RefundClaimQuery {
    fn default() -> Self {
        Self {
            limit: 25,
            offset: 0,
            status: None,
            offer_id: None,
            buyer_id: None,
        }
    }
}

impl RefundClaimQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("limit", self.limit.to_string())];
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        let filters = [
            ("status", &self.status),
            ("lineItem.offer.id", &self.offer_id),
            ("buyer.id", &self.buyer_id),
        ];
        for (name, value) in filters {
            if let Some(value) = value {
                pairs.push((name, value.clone()));
            }
        }
        pairs
    }
}
