//! The list query of `GET /order/checkout-forms`: filters, paging and sort.

use chrono::{DateTime, Utc};

use crate::allegro::time;

/// `sort` of the order list; Allegro's default is [`CheckoutFormSort::BoughtAtDesc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutFormSort {
    BoughtAtAsc,
    BoughtAtDesc,
    UpdatedAtAsc,
    UpdatedAtDesc,
}

impl CheckoutFormSort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BoughtAtAsc => "lineItems.boughtAt",
            Self::BoughtAtDesc => "-lineItems.boughtAt",
            Self::UpdatedAtAsc => "updatedAt",
            Self::UpdatedAtDesc => "-updatedAt",
        }
    }
}

/// Filters and paging of `GET /order/checkout-forms`. Allegro caps `offset + limit` at 10 000 and
/// `limit` at 100: page inside time windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutFormQuery {
    pub offset: u32,
    pub limit: u32,
    pub status: Option<String>,
    /// `fulfillment.status`.
    pub fulfillment_status: Option<String>,
    /// `lineItems.boughtAt.gte`.
    pub bought_at_gte: Option<DateTime<Utc>>,
    /// `lineItems.boughtAt.lte`.
    pub bought_at_lte: Option<DateTime<Utc>>,
    /// `updatedAt.gte`.
    pub updated_at_gte: Option<DateTime<Utc>>,
    /// `updatedAt.lte`.
    pub updated_at_lte: Option<DateTime<Utc>>,
    /// `buyer.login`.
    pub buyer_login: Option<String>,
    /// `marketplace.id`.
    pub marketplace: Option<String>,
    pub sort: Option<CheckoutFormSort>,
}

impl Default for CheckoutFormQuery {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: 100,
            status: None,
            fulfillment_status: None,
            bought_at_gte: None,
            bought_at_lte: None,
            updated_at_gte: None,
            updated_at_lte: None,
            buyer_login: None,
            marketplace: None,
            sort: None,
        }
    }
}

impl CheckoutFormQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("offset", self.offset.to_string()),
            ("limit", self.limit.to_string()),
        ];
        let texts = [
            ("status", &self.status),
            ("fulfillment.status", &self.fulfillment_status),
            ("buyer.login", &self.buyer_login),
            ("marketplace.id", &self.marketplace),
        ];
        pairs.extend(texts.into_iter().filter_map(|(k, v)| Some((k, v.clone()?))));
        pairs.extend(time::time_pairs([
            ("lineItems.boughtAt.gte", self.bought_at_gte),
            ("lineItems.boughtAt.lte", self.bought_at_lte),
            ("updatedAt.gte", self.updated_at_gte),
            ("updatedAt.lte", self.updated_at_lte),
        ]));
        if let Some(sort) = self.sort {
            pairs.push(("sort", sort.as_str().to_owned()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_list_query_uses_dotted_names_and_millisecond_timestamps() {
        let query = CheckoutFormQuery {
            offset: 200,
            status: Some("READY_FOR_PROCESSING".into()),
            fulfillment_status: Some("SENT".into()),
            bought_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
            updated_at_lte: Some(Utc.with_ymd_and_hms(2026, 7, 2, 12, 30, 5).unwrap()),
            buyer_login: Some("Jan".into()),
            marketplace: Some("allegro-cz".into()),
            sort: Some(CheckoutFormSort::UpdatedAtAsc),
            ..CheckoutFormQuery::default()
        };
        let encoded = serde_urlencoded::to_string(query.to_pairs()).unwrap();
        assert_eq!(
            encoded,
            "offset=200&limit=100&status=READY_FOR_PROCESSING&fulfillment.status=SENT\
             &buyer.login=Jan&marketplace.id=allegro-cz\
             &lineItems.boughtAt.gte=2026-07-01T00%3A00%3A00.000Z\
             &updatedAt.lte=2026-07-02T12%3A30%3A05.000Z&sort=updatedAt"
        );
    }
}
