//! Order invoices (`GET /order/checkout-forms/{id}/invoices`): the invoices of the sellers' own
//! paid orders (see `record`), numbered per seller, series and month (see `book`), appear once
//! their creation time has come; a PDF appears with its invoice or later and its scan moves
//! from `WAITING` to `ACCEPTED` (or `REJECTED`) with the simulated clock. The order answers as
//! `GET /order/checkout-forms/{id}` does: 404 when unknown, merged away or too old, 422 for an
//! id that is not a UUID; an order without invoices gets an empty list. Public media type
//! (406 otherwise), 403 without `allegro:api:orders:read`; injected faults apply as to every
//! REST call (allegro-api-money.md §7, §9).

pub(crate) mod book;
mod record;
#[cfg(test)]
mod tests;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    api_guard::guard_orders,
    one_order::order_answer,
    refunds::record::RefundRecord,
    reply::ok_api,
    world::{SellerState, State, World},
};

impl SellerState {
    /// Plans the correction invoice that may follow `refund` of one of the seller's orders,
    /// for after it succeeds.
    pub(crate) fn plan_refund_invoice(&mut self, refund: &RefundRecord) {
        if let Some(at) = refund.succeeded_at() {
            self.invoices.plan_correction(&refund.order_id, at);
        }
    }
}

impl State {
    /// Plans what the invoices of `order` of `seller` show, once it is paid (a new order, or a
    /// merged one).
    pub(crate) fn consider_invoices(&mut self, seller: usize, order: &Value) {
        if let Some(s) = self.sellers.get_mut(seller) {
            s.invoices.plan(order);
        }
    }

    /// `order` of `seller` was cancelled at `at`: the invoices not made by then never are.
    /// (Called before its refund is planned, which may bring a correction.)
    pub(crate) fn consider_cancel_invoices(
        &mut self,
        seller: usize,
        order: &Value,
        at: DateTime<Utc>,
    ) {
        if let (Some(s), Some(id)) = (self.sellers.get_mut(seller), order["id"].as_str()) {
            s.invoices.cancel(id, at);
        }
    }

    /// The endpoint's answer for order `id` of `seller` now (the order exists).
    fn invoices_answer(&self, seller: usize, id: &str) -> Value {
        let now = self.now();
        self.sellers
            .get(seller)
            .map(|s| s.invoices.answer_at(id, now))
            .unwrap_or_default()
    }
}

impl World {
    /// Every invoice of `seller` Allegro serves now, of every order that can be fetched now,
    /// oldest first, as `(checkout form id, invoice as served)`: ground truth for tests.
    pub fn invoices(&self, seller: usize) -> Vec<(String, Value)> {
        let state = self.lock();
        let Some(s) = state.sellers.get(seller) else {
            return Vec::new();
        };
        let fetchable = |id: &str| state.order_json(seller, id).is_some();
        s.invoices.made_by(state.now(), fetchable)
    }

    /// What the invoices endpoint answers now for order `id` of `seller`; `None` when it
    /// answers 404.
    pub fn order_invoices(&self, seller: usize, id: &str) -> Option<Value> {
        let state = self.lock();
        state.order_json(seller, id)?;
        Some(state.invoices_answer(seller, id))
    }
}

/// `GET /order/checkout-forms/{id}/invoices`
pub(crate) async fn get(
    req: HttpRequest,
    id: web::Path<String>,
    world: web::Data<World>,
) -> HttpResponse {
    let caller = match guard_orders(&req, &world).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let path = format!("/order/checkout-forms/{id}/invoices");
    let answer = {
        let state = world.lock();
        order_answer(&state, caller.seller, &id, &path, |_| {
            state.invoices_answer(caller.seller, &id).to_string()
        })
    };
    match answer {
        Ok(body) => ok_api(body, caller.truncate),
        Err(refused) => *refused,
    }
}
