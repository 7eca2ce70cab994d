//! One seller's invoices: what each order shows (see `record`), and the numbering of every
//! invoice the seller made. Numbers run per series and month in creation order; an invoice
//! keeps its number when its order is later merged away or leaves retention (it still counts),
//! and one planned later never comes before one already made, so a number once served never
//! changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::record::{InvoiceRecord, OrderInvoicing, answer, month_of};

/// (createdAt, id): an invoice's place in its series.
type Place = (DateTime<Utc>, String);

pub(crate) struct InvoiceBook {
    /// The world's seed, which every plan is drawn from.
    seed: u64,
    /// The orders that show anything, by id.
    orders: HashMap<String, OrderInvoicing>,
    /// Every numbered invoice of each series, ascending.
    series: HashMap<&'static str, Vec<Place>>,
}

fn place(record: &InvoiceRecord) -> Place {
    (record.created_at, record.id.clone())
}

/// Enters a newly planned invoice in its series (it comes after every invoice already made).
fn enter(series: &mut HashMap<&'static str, Vec<Place>>, record: &InvoiceRecord) {
    if let Some(name) = record.series {
        let list = series.entry(name).or_default();
        let place = place(record);
        let at = list.partition_point(|p| *p < place);
        list.insert(at, place);
    }
}

impl InvoiceBook {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            orders: HashMap::new(),
            series: HashMap::new(),
        }
    }

    /// Plans what `order` shows, once: when it is paid (at start, later, or as a merged form).
    pub(crate) fn plan(&mut self, order: &Value) {
        let Some(id) = order["id"].as_str() else {
            return;
        };
        if self.orders.contains_key(id) {
            return;
        }
        if let Some(plan) = OrderInvoicing::for_order(order, self.seed) {
            plan.invoices
                .iter()
                .for_each(|r| enter(&mut self.series, r));
            self.orders.insert(id.to_owned(), plan);
        }
    }

    /// Plans the correction that may follow the refund of order `order_id`, paid back at
    /// `refunded_at`.
    pub(crate) fn plan_correction(&mut self, order_id: &str, refunded_at: DateTime<Utc>) {
        let Some(plan) = self.orders.get_mut(order_id) else {
            return;
        };
        if let Some(added) = plan.add_correction(order_id, refunded_at, self.seed) {
            enter(&mut self.series, added);
        }
    }

    /// Order `order_id` was cancelled at `at`: what was to come after is not made.
    pub(crate) fn cancel(&mut self, order_id: &str, at: DateTime<Utc>) {
        let Some(plan) = self.orders.get_mut(order_id) else {
            return;
        };
        for dropped in plan.drop_after(at) {
            let Some(list) = dropped.series.and_then(|s| self.series.get_mut(s)) else {
                continue;
            };
            if let Ok(i) = list.binary_search(&place(&dropped)) {
                list.remove(i);
            }
        }
    }

    /// The endpoint's answer for order `order_id` at `now` (the order exists).
    pub(crate) fn answer_at(&self, order_id: &str, now: DateTime<Utc>) -> Value {
        self.orders.get(order_id).map_or_else(
            || answer(vec![], None, false),
            |plan| plan.answer_at(now, |r| self.number(r)),
        )
    }

    /// Every invoice made by `now` of the orders `shown` lets through, oldest first (then by
    /// id), as `(order id, invoice as served)`.
    pub(crate) fn made_by(
        &self,
        now: DateTime<Utc>,
        shown: impl Fn(&str) -> bool,
    ) -> Vec<(String, Value)> {
        let mut made: Vec<(&InvoiceRecord, &String)> = self
            .orders
            .iter()
            .filter(|(id, _)| shown(id))
            .flat_map(|(id, plan)| plan.visible(now).map(move |r| (r, id)))
            .collect();
        made.sort_by(|a, b| (a.0.created_at, &a.0.id).cmp(&(b.0.created_at, &b.0.id)));
        made.into_iter()
            .map(|(r, id)| (id.clone(), r.json_at(now, self.number(r))))
            .collect()
    }

    /// The invoice's number in its series and month: one more than the invoices of that
    /// series made before it in that month.
    fn number(&self, record: &InvoiceRecord) -> Option<u32> {
        let list = self.series.get(record.series?)?;
        let month = month_of(record.created_at);
        let first = list.partition_point(|p| month_of(p.0) < month);
        let own = list.partition_point(|p| *p < place(record));
        u32::try_from(own - first + 1).ok()
    }
}
