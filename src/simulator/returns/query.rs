//! `GET /order/customer-returns`: parameters, filters and paging over a seller's returns,
//! oldest first (allegro-api-money.md §2.1, §9).

use chrono::{DateTime, Utc};

use super::record::ReturnRecord;
use crate::{
    domain::customer_return::RETURN_STATUSES,
    simulator::params::{Paging, Window, bad},
};

/// Exact-match filters ("one or more": repeated values match any of them).
const FILTERS: [&str; 13] = [
    "customerReturnId",
    "orderId",
    "buyer.email",
    "buyer.login",
    "items.offerId",
    "items.name",
    "parcels.waybill",
    "parcels.transportingWaybill",
    "parcels.carrierId",
    "parcels.transportingCarrierId",
    "referenceNumber",
    "marketplaceId",
    "status",
];

/// A parsed list request.
#[derive(Debug, Default)]
pub(super) struct Query {
    paging: Paging,
    from: Option<String>,
    created: Window,
    /// (parameter, value) of the exact-match filters.
    filters: Vec<(String, String)>,
}

/// The request's parameters, or the 400 message (the spec lists no 422 for this endpoint).
pub(super) fn parse(params: &[(String, String)]) -> Result<Query, String> {
    let mut q = Query {
        paging: Paging::new(100, 1000, usize::MAX),
        ..Query::default()
    };
    for (key, value) in params {
        let v = value.as_str();
        if q.paging.read(key, v)? {
            continue;
        }
        if q.created.read("createdAt", key, v)? {
            continue;
        }
        match key.as_str() {
            "from" => q.from = Some(v.to_owned()),
            "status" if !RETURN_STATUSES.contains(&v) => return Err(bad(key, v)),
            k if FILTERS.contains(&k) => q.filters.push((key.clone(), value.clone())),
            _ => {}
        }
    }
    Ok(q)
}

impl Query {
    fn matches(&self, r: &ReturnRecord, now: DateTime<Utc>) -> bool {
        let in_time = self.created.contains(r.created_at);
        // Values of one parameter are alternatives; different parameters must all match.
        in_time
            && FILTERS.iter().all(|name| {
                let mut values = self.filters.iter().filter(|(k, _)| k == name).peekable();
                values.peek().is_none() || values.any(|(_, v)| r.matches(name, v, now))
            })
    }

    /// The page of `visible` (the seller's returns Allegro serves now, oldest first): after
    /// `from` (an unknown id gives nothing), filtered, then offset and limit.
    pub(super) fn page<'a>(
        &self,
        visible: &[&'a ReturnRecord],
        now: DateTime<Utc>,
    ) -> Vec<&'a ReturnRecord> {
        let start = match &self.from {
            None => 0,
            Some(id) => match visible.iter().position(|r| &r.id == id) {
                Some(at) => at + 1,
                None => return vec![],
            },
        };
        let matching = visible[start..].iter().filter(|r| self.matches(r, now));
        self.paging.cut(matching.copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::reply::owned_pairs as p;

    #[test]
    fn limits_dates_and_statuses_are_checked() {
        assert_eq!(parse(&[]).unwrap().paging.limit, 100);
        assert_eq!(parse(&p(&[("limit", "1000")])).unwrap().paging.limit, 1000);
        for bad in [
            ("limit", "0"),
            ("limit", "1001"),
            ("offset", "-1"),
            ("createdAt.gte", "yesterday"),
            ("status", "PAID"),
        ] {
            assert!(parse(&p(&[bad])).is_err(), "{bad:?}");
        }
        let q = parse(&p(&[("status", "CREATED"), ("status", "DELIVERED")])).unwrap();
        assert_eq!(q.filters.len(), 2);
    }
}
