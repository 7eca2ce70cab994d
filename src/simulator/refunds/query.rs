//! `GET /payments/refunds`: parameters, filters and offset paging over a seller's refunds,
//! newest first (allegro-api-money.md §3, §9). A bad value is a 422.

use chrono::{DateTime, Utc};

use super::record::RefundRecord;
use crate::{
    domain::refund::REFUND_STATUS_FILTERS,
    simulator::params::{Paging, Window, bad, uuid},
};

/// Most refunds one query reaches by offset (assumed, §3).
const OFFSET_REACH: usize = 10_000;

/// A parsed list request.
#[derive(Debug, Default)]
pub(super) struct Query {
    paging: Paging,
    id: Option<String>,
    payment_id: Option<String>,
    order_id: Option<String>,
    /// On the refund's `createdAt` (assumed, §3).
    occurred: Window,
    statuses: Vec<String>,
}

/// The request's parameters, or the 422 message.
pub(super) fn parse(params: &[(String, String)]) -> Result<Query, String> {
    let mut q = Query {
        paging: Paging::new(50, 100, OFFSET_REACH),
        ..Query::default()
    };
    for (key, value) in params {
        let v = value.as_str();
        if q.paging.read(key, v)? {
            continue;
        }
        if q.occurred.read("occurredAt", key, v)? {
            continue;
        }
        match key.as_str() {
            "id" => q.id = Some(uuid(key, v)?),
            "payment.id" => q.payment_id = Some(uuid(key, v)?),
            "order.id" => q.order_id = Some(uuid(key, v)?),
            "status" if REFUND_STATUS_FILTERS.contains(&v) => q.statuses.push(value.clone()),
            "status" => return Err(bad(key, v)),
            _ => {}
        }
    }
    if q.paging.offset + q.paging.limit > OFFSET_REACH {
        return Err(format!(
            "offset + limit must not exceed {OFFSET_REACH}: narrow the query"
        ));
    }
    Ok(q)
}

impl Query {
    fn status_matches(&self, status: &str) -> bool {
        self.statuses.is_empty()
            || self.statuses.iter().any(|f| match f.as_str() {
                "WAITING" => matches!(status, "NEW" | "VALIDATED"),
                other => other == status,
            })
    }

    fn matches(&self, r: &RefundRecord, now: DateTime<Utc>) -> bool {
        self.occurred.contains(r.created_at)
            && self.id.as_ref().is_none_or(|id| *id == r.id)
            && self
                .payment_id
                .as_ref()
                .is_none_or(|id| *id == r.payment_id)
            && self.order_id.as_ref().is_none_or(|id| *id == r.order_id)
            && self.status_matches(r.status_at(now))
    }

    /// The page of `visible` (newest first) and how many refunds match in all.
    pub(super) fn page<'a>(
        &self,
        visible: &[&'a RefundRecord],
        now: DateTime<Utc>,
    ) -> (Vec<&'a RefundRecord>, usize) {
        let matching: Vec<&RefundRecord> = visible
            .iter()
            .filter(|r| self.matches(r, now))
            .copied()
            .collect();
        let total = matching.len();
        let page = self.paging.cut(matching.into_iter());
        (page, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::reply::owned_pairs as p;

    #[test]
    fn limits_ids_dates_and_statuses_are_checked() {
        assert_eq!(parse(&[]).unwrap().paging.limit, 50);
        assert_eq!(parse(&p(&[("limit", "100")])).unwrap().paging.limit, 100);
        for bad in [
            ("limit", "0"),
            ("limit", "101"),
            ("offset", "-1"),
            ("offset", "9990"),
            ("id", "not-a-uuid"),
            ("order.id", "29738e61"),
            ("occurredAt.gte", "yesterday"),
            ("status", "NEW"),
        ] {
            assert!(parse(&p(&[bad])).is_err(), "{bad:?}");
        }
        let q = parse(&p(&[
            ("status", "WAITING"),
            ("status", "SUCCESS"),
            ("payment.id", "0f8f1d13-7e9e-11e8-9b00-c5b0dfb78ea6"),
        ]))
        .unwrap();
        assert!(q.status_matches("NEW") && q.status_matches("VALIDATED"));
        assert!(q.status_matches("SUCCESS") && !q.status_matches("IN_PROGRESS"));
    }
}
