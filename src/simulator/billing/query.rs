//! `GET /billing/billing-entries`: parameters, filters and offset paging over one marketplace's
//! entries, newest first (allegro-api-money.md §5.1, §9). A bad value is a 422.

use std::cmp::Reverse;

use super::ledger::{Booked, Ledger};
use crate::simulator::{
    data::{Market, marketplace},
    params::{Paging, Window, bad, uuid},
};

/// The largest `offset` the list accepts.
const OFFSET_MAX: usize = 10_000;

/// A parsed list request.
#[derive(Debug, Default)]
pub(super) struct Query {
    /// `None`: the seller's home marketplace.
    pub(super) marketplace: Option<&'static Market>,
    occurred: Window,
    /// Values of one parameter are alternatives (`type.id=SUC&type.id=LIS`).
    types: Vec<String>,
    offers: Vec<String>,
    orders: Vec<String>,
    paging: Paging,
}

/// The request's parameters, or the 422 message.
pub(super) fn parse(params: &[(String, String)]) -> Result<Query, String> {
    let mut q = Query {
        paging: Paging::new(100, 100, OFFSET_MAX),
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
            "marketplaceId" => q.marketplace = Some(marketplace(v).ok_or_else(|| bad(key, v))?),
            "type.id" => q.types.push(value.clone()),
            "offer.id" => q.offers.push(value.clone()),
            "order.id" => q.orders.push(uuid(key, v)?),
            _ => {}
        }
    }
    if !q.occurred.is_ordered() {
        return Err("occurredAt.gte must not be later than occurredAt.lte".to_owned());
    }
    Ok(q)
}

impl Query {
    fn matches(&self, b: &Booked) -> bool {
        let e = &b.entry;
        let any = |values: &[String], found: Option<&str>| {
            values.is_empty() || found.is_some_and(|f| values.iter().any(|v| v == f))
        };
        self.occurred.contains(e.at)
            && any(&self.types, Some(e.kind.id))
            && any(&self.offers, e.offer.as_ref().map(|o| &*o.id))
            && any(&self.orders, e.order.as_deref())
    }

    /// The page of `ledger`'s booked entries, newest first: through the order or offer index
    /// when the query names some, else walked back from the newest end of its time window.
    pub(super) fn page<'a>(&self, ledger: &'a mut Ledger) -> Vec<&'a Booked> {
        if self.orders.is_empty() && self.offers.is_empty() {
            return self.cut(ledger.within(&self.occurred).iter().rev());
        }
        let mut found = ledger.of(&self.orders, &self.offers);
        found.sort_unstable_by_key(|b| Reverse(b.entry.key()));
        found.dedup_by_key(|b| b.entry.key());
        self.cut(found.into_iter())
    }

    fn cut<'a>(&self, newest_first: impl Iterator<Item = &'a Booked>) -> Vec<&'a Booked> {
        self.paging.cut(newest_first.filter(|b| self.matches(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::{params::reversed_window, reply::owned_pairs as p};

    #[test]
    fn limits_offsets_dates_marketplaces_and_order_ids_are_checked() {
        let q = parse(&[]).unwrap();
        assert_eq!((q.paging.limit, q.paging.offset), (100, 0));
        assert!(q.marketplace.is_none(), "the home marketplace");
        let q = parse(&p(&[("limit", "1"), ("offset", "10000")])).unwrap();
        assert_eq!((q.paging.limit, q.paging.offset), (1, 10_000));
        let cz = parse(&p(&[("marketplaceId", "allegro-cz")])).unwrap();
        assert_eq!(cz.marketplace.map(|m| m.currency), Some("CZK"));
        for bad in [
            ("limit", "0"),
            ("limit", "101"),
            ("offset", "-1"),
            ("offset", "10001"),
            ("occurredAt.gte", "yesterday"),
            ("occurredAt.lte", "2026-13-01T00:00:00Z"),
            ("marketplaceId", "allegro-de"),
            ("order.id", "29738e61"),
        ] {
            assert!(parse(&p(&[bad])).is_err(), "{bad:?}");
        }
        assert!(parse(&reversed_window()).is_err(), "gte after lte");
        let q = parse(&p(&[
            ("type.id", "SUC"),
            ("type.id", "LIS"),
            ("offer.id", "17412345678"),
        ]))
        .unwrap();
        assert_eq!(q.types, ["SUC", "LIS"]);
        assert_eq!(q.offers, ["17412345678"]);
    }
}
