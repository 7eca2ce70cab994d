//! `GET /order/checkout-forms`: parameters, filters, sort and paging over a seller's index.

use chrono::{DateTime, Utc};

use super::{
    data::parse_time,
    world::{OrderRecord, State},
};

pub(crate) const MAX_RESULT_SIZE: i64 = 10_000;
pub(crate) const PAGE_CAP_MESSAGE: &str =
    "Offset and limit parameters exceed maximal result size of 10000 items";
pub(crate) use crate::domain::order_codes::FULFILLMENT_STATUSES;
use crate::domain::order_codes::ORDER_STATUSES;
const PROVIDERS: &[&str] = &["SELLER", "ALLEGRO"];
const LINE_ITEMS_SENT: &[&str] = &["NONE", "SOME", "ALL"];

/// Why a list request was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ListError {
    /// 400: an illegal parameter value (not a number, a date or a known enum value).
    BadRequest(String),
    /// 422: limit or offset out of range.
    Validation(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Sort {
    BoughtAsc,
    #[default]
    BoughtDesc,
    UpdatedAsc,
    UpdatedDesc,
}

/// A parsed list request. Repeated filter values match any of them (UNCONFIRMED whether
/// Allegro accepts several values; one value per filter behaves as documented).
#[derive(Debug, Default)]
struct Query {
    offset: usize,
    limit: usize,
    sort: Sort,
    status: Vec<String>,
    fulfillment_status: Vec<String>,
    provider: Vec<String>,
    line_items_sent: Vec<String>,
    payment_id: Vec<String>,
    surcharge_id: Vec<String>,
    delivery_method_id: Vec<String>,
    buyer_login: Vec<String>,
    marketplace: Vec<String>,
    bought_gte: Option<DateTime<Utc>>,
    bought_lte: Option<DateTime<Utc>>,
    updated_gte: Option<DateTime<Utc>>,
    updated_lte: Option<DateTime<Utc>>,
}

fn bad(name: &str, value: &str) -> ListError {
    ListError::BadRequest(format!("Invalid value of parameter '{name}': '{value}'"))
}

fn one_of(
    name: &str,
    value: &str,
    allowed: &[&str],
    into: &mut Vec<String>,
) -> Result<(), ListError> {
    if allowed.contains(&value) {
        into.push(value.to_owned());
        Ok(())
    } else {
        Err(bad(name, value))
    }
}

fn date(name: &str, value: &str) -> Result<Option<DateTime<Utc>>, ListError> {
    parse_time(value).map(Some).ok_or_else(|| bad(name, value))
}

fn parse(params: &[(String, String)]) -> Result<Query, ListError> {
    let mut q = Query {
        limit: 100,
        ..Query::default()
    };
    let mut offset: i64 = 0;
    let mut limit: i64 = 100;
    for (key, value) in params {
        let v = value.as_str();
        match key.as_str() {
            "offset" => offset = v.parse().map_err(|_| bad(key, v))?,
            "limit" => limit = v.parse().map_err(|_| bad(key, v))?,
            "sort" => {
                q.sort = match v {
                    "lineItems.boughtAt" => Sort::BoughtAsc,
                    "-lineItems.boughtAt" => Sort::BoughtDesc,
                    "updatedAt" => Sort::UpdatedAsc,
                    "-updatedAt" => Sort::UpdatedDesc,
                    _ => return Err(bad(key, v)),
                }
            }
            "status" => one_of(key, v, &ORDER_STATUSES, &mut q.status)?,
            "fulfillment.status" => {
                one_of(key, v, &FULFILLMENT_STATUSES, &mut q.fulfillment_status)?
            }
            "fulfillment.provider.id" => one_of(key, v, PROVIDERS, &mut q.provider)?,
            "fulfillment.shipmentSummary.lineItemsSent" => {
                one_of(key, v, LINE_ITEMS_SENT, &mut q.line_items_sent)?;
            }
            "payment.id" => q.payment_id.push(v.to_owned()),
            "surcharges.id" => q.surcharge_id.push(v.to_owned()),
            "delivery.method.id" => q.delivery_method_id.push(v.to_owned()),
            "buyer.login" => q.buyer_login.push(v.to_owned()),
            "marketplace.id" => q.marketplace.push(v.to_owned()),
            "lineItems.boughtAt.gte" => q.bought_gte = date(key, v)?,
            "lineItems.boughtAt.lte" => q.bought_lte = date(key, v)?,
            "updatedAt.gte" => q.updated_gte = date(key, v)?,
            "updatedAt.lte" => q.updated_lte = date(key, v)?,
            _ => {}
        }
    }
    if !(1..=100).contains(&limit) {
        return Err(ListError::Validation(format!(
            "limit must be between 1 and 100, got: {limit}"
        )));
    }
    if offset < 0 {
        return Err(ListError::Validation(format!(
            "offset must be greater than or equal to 0, got: {offset}"
        )));
    }
    if offset.saturating_add(limit) > MAX_RESULT_SIZE {
        return Err(ListError::Validation(PAGE_CAP_MESSAGE.to_owned()));
    }
    // Both are within 0..=10000 now.
    q.offset = usize::try_from(offset).unwrap_or(0);
    q.limit = usize::try_from(limit).unwrap_or(100);
    Ok(q)
}

fn any(filter: &[String], value: &str) -> bool {
    filter.is_empty() || filter.iter().any(|f| f == value)
}

impl Query {
    fn matches(&self, o: &OrderRecord) -> bool {
        any(&self.status, &o.status)
            && any(&self.fulfillment_status, &o.fulfillment_status)
            && any(&self.provider, &o.provider_id)
            && any(&self.line_items_sent, &o.line_items_sent)
            && any(&self.payment_id, &o.payment_id)
            && any(&self.delivery_method_id, &o.delivery_method_id)
            && any(&self.buyer_login, &o.buyer_login)
            && any(&self.marketplace, &o.marketplace)
            && (self.surcharge_id.is_empty()
                || o.surcharge_ids
                    .iter()
                    .any(|s| self.surcharge_id.contains(s)))
            && self.updated_gte.is_none_or(|t| o.updated_at >= t)
            && self.updated_lte.is_none_or(|t| o.updated_at <= t)
    }
}

impl State {
    /// `GET /order/checkout-forms` for one seller: the response body.
    pub(crate) fn list_orders(
        &self,
        seller: usize,
        params: &[(String, String)],
    ) -> Result<String, ListError> {
        let q = parse(params)?;
        let Some(s) = self.sellers.get(seller) else {
            return Ok(r#"{"checkoutForms":[],"count":0,"totalCount":0}"#.to_owned());
        };
        // Narrow by purchase time with binary search; orders past the retention are gone.
        let lower = q
            .bought_gte
            .map_or(self.order_cutoff(), |t| t.max(self.order_cutoff()));
        let lo = s.by_bought.partition_point(|(t, _)| *t < lower);
        let hi = q
            .bought_lte
            .map_or(s.by_bought.len(), |t| {
                s.by_bought.partition_point(|(b, _)| *b <= t)
            })
            .max(lo);
        let window = s.by_bought.get(lo..hi).unwrap_or_default();
        let records = window.iter().filter_map(|(_, id)| s.orders.get(id));
        let mut page: Vec<&OrderRecord> = Vec::with_capacity(q.limit);
        let total;
        match q.sort {
            Sort::BoughtAsc | Sort::BoughtDesc => {
                let ordered: Box<dyn Iterator<Item = &OrderRecord>> = if q.sort == Sort::BoughtAsc {
                    Box::new(records)
                } else {
                    Box::new(records.rev())
                };
                let mut seen = 0usize;
                for o in ordered.filter(|o| q.matches(o)) {
                    if seen >= q.offset && page.len() < q.limit {
                        page.push(o);
                    }
                    seen += 1;
                }
                total = seen;
            }
            Sort::UpdatedAsc | Sort::UpdatedDesc => {
                let mut all: Vec<(&OrderRecord, usize)> = records
                    .enumerate()
                    .filter(|(_, o)| q.matches(o))
                    .map(|(i, o)| (o, i))
                    .collect();
                all.sort_by_key(|(o, i)| (o.updated_at, *i));
                if q.sort == Sort::UpdatedDesc {
                    all.reverse();
                }
                total = all.len();
                page.extend(all.iter().skip(q.offset).take(q.limit).map(|(o, _)| *o));
            }
        }
        let mut body =
            String::with_capacity(page.iter().map(|o| o.json.len() + 1).sum::<usize>() + 64);
        body.push_str(r#"{"checkoutForms":["#);
        for (i, o) in page.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&o.json);
        }
        body.push_str(&format!(
            r#"],"count":{},"totalCount":{total}}}"#,
            page.len()
        ));
        Ok(body)
    }

    /// `GET /order/checkout-forms/{id}`: the JSON, or `None` (unknown, merged away or too old).
    pub(crate) fn order_json(&self, seller: usize, id: &str) -> Option<&str> {
        let cutoff = self.order_cutoff();
        self.sellers
            .get(seller)?
            .orders
            .get(id)
            .filter(|o| o.bought_at >= cutoff)
            .map(|o| o.json.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::reply::owned_pairs as p;

    #[test]
    fn the_page_cap_counts_offset_plus_limit() {
        assert!(parse(&p(&[("offset", "9900"), ("limit", "100")])).is_ok());
        assert_eq!(
            parse(&p(&[("offset", "9901"), ("limit", "100")])).unwrap_err(),
            ListError::Validation(PAGE_CAP_MESSAGE.to_owned())
        );
    }

    #[test]
    fn illegal_values_are_bad_requests_and_ranges_are_validation_errors() {
        assert!(matches!(
            parse(&p(&[("limit", "x")])),
            Err(ListError::BadRequest(_))
        ));
        assert!(matches!(
            parse(&p(&[("status", "PAID")])),
            Err(ListError::BadRequest(_))
        ));
        assert!(matches!(
            parse(&p(&[("updatedAt.gte", "yesterday")])),
            Err(ListError::BadRequest(_))
        ));
        assert!(matches!(
            parse(&p(&[("limit", "0")])),
            Err(ListError::Validation(_))
        ));
        assert!(matches!(
            parse(&p(&[("limit", "101")])),
            Err(ListError::Validation(_))
        ));
        assert!(matches!(
            parse(&p(&[("offset", "-1")])),
            Err(ListError::Validation(_))
        ));
    }
}
