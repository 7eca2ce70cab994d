//! `GET /order/refund-claims`: parameters, filters and offset paging over a seller's claims,
//! newest first (allegro-api-money.md §4.1, §9). A bad value is a 422.

use chrono::{DateTime, Utc};

use super::record::ClaimRecord;
use crate::{
    domain::refund_claim::REFUND_CLAIM_STATUSES,
    simulator::params::{Paging, bad},
};

/// A parsed list request.
#[derive(Debug, Default)]
pub(super) struct Query {
    paging: Paging,
    status: Option<String>,
    /// `lineItem.offer.id`.
    offer_id: Option<String>,
    /// `buyer.id`.
    buyer_id: Option<String>,
}

/// The request's parameters, or the 422 message.
pub(super) fn parse(params: &[(String, String)]) -> Result<Query, String> {
    let mut q = Query {
        paging: Paging::new(25, 100, usize::MAX),
        ..Query::default()
    };
    for (key, value) in params {
        let v = value.as_str();
        if q.paging.read(key, v)? {
            continue;
        }
        match key.as_str() {
            "status" if REFUND_CLAIM_STATUSES.contains(&v) => q.status = Some(value.clone()),
            "status" => return Err(bad(key, v)),
            "lineItem.offer.id" => q.offer_id = Some(value.clone()),
            "buyer.id" => q.buyer_id = Some(value.clone()),
            _ => {}
        }
    }
    Ok(q)
}

impl Query {
    fn matches(&self, c: &ClaimRecord, now: DateTime<Utc>) -> bool {
        let is =
            |filter: &Option<String>, value: &str| filter.as_deref().is_none_or(|f| f == value);
        is(&self.status, c.status_at(now))
            && is(&self.offer_id, c.offer_id())
            && is(&self.buyer_id, c.buyer_id())
    }

    /// The page of `visible` (the seller's claims Allegro serves now, newest first): filtered,
    /// then offset and limit.
    pub(super) fn page<'a>(
        &self,
        visible: &[&'a ClaimRecord],
        now: DateTime<Utc>,
    ) -> Vec<&'a ClaimRecord> {
        let matching = visible.iter().filter(|c| self.matches(c, now));
        self.paging.cut(matching.copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::reply::owned_pairs as p;

    #[test]
    fn limits_and_statuses_are_checked() {
        assert_eq!(parse(&[]).unwrap().paging.limit, 25);
        assert_eq!(parse(&p(&[("limit", "100")])).unwrap().paging.limit, 100);
        for bad in [
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "ten"),
            ("offset", "-1"),
            ("status", "granted"),
            ("status", "WAITING"),
        ] {
            assert!(parse(&p(&[bad])).is_err(), "{bad:?}");
        }
        let q = parse(&p(&[
            ("status", "APPEALED"),
            ("lineItem.offer.id", "17412345678"),
            ("buyer.id", "23123123"),
            ("offset", "100000"),
        ]))
        .unwrap();
        assert_eq!(q.status.as_deref(), Some("APPEALED"));
        assert_eq!(q.offer_id.as_deref(), Some("17412345678"));
        assert_eq!(
            (q.buyer_id.as_deref(), q.paging.offset),
            (Some("23123123"), 100_000)
        );
    }
}
