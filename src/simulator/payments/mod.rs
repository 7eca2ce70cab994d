//! Payment operations, the history of the seller's Allegro Finance wallets
//! (`GET /payments/payment-operations`): money in from the sellers' own paid orders, refunds
//! out when they succeed, the fees Allegro collects and daily payouts (see `plan`,
//! `collection`), kept per seller with a balance per
//! operator, wallet type and currency (see `wallets`); an operation is listed once its
//! `occurredAt` has come. `AVAILABLE` by default, oldest first, offset paging (`offset` ≤
//! 10,000) with `totalCount`, `limit` 1..50 (default 50), 422 for a bad value or a query
//! matching more than 10,000 operations, 403 without `allegro:api:payments:read`; injected
//! faults apply as to every REST call (allegro-api-money.md §6, §9).

mod collection;
mod operation;
mod plan;
mod query;
pub(crate) mod wallets;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use self::operation::WalletType;
use super::{
    api_guard::{PAYMENTS, Refusal, list_endpoint},
    refunds::record::RefundRecord,
    world::{OrderRecord, SellerState, State, World},
};

impl SellerState {
    /// Plans the charge of `refund`, a refund of one of the seller's orders, for when it
    /// succeeds.
    pub(crate) fn plan_refund_charge(&mut self, refund: &RefundRecord) {
        if let Some(order) = self.orders.get(&refund.order_id).map(OrderRecord::value) {
            self.wallets.plan_refund(refund, &order);
        }
    }
}

impl State {
    /// Plans the money `order` of `seller` brings in (its payment, once paid, and its
    /// surcharges); `paid_at`: when it became ready for processing.
    pub(crate) fn consider_payments(
        &mut self,
        seller: usize,
        order: &Value,
        paid_at: DateTime<Utc>,
    ) {
        if let Some(s) = self.sellers.get_mut(seller) {
            s.wallets.plan_order(order, paid_at);
        }
    }

    /// `order` of `seller` was cancelled at `at`: its cash on delivery is never collected, nor
    /// are the fees it is no longer charged (see `billing`). (A paid order is paid back by its
    /// refund, see `refunds`.)
    pub(crate) fn consider_cancel_payments(
        &mut self,
        seller: usize,
        order: &Value,
        at: DateTime<Utc>,
    ) {
        let (Some(s), Some(id)) = (self.sellers.get_mut(seller), order["id"].as_str()) else {
            return;
        };
        // What occurred by the cancellation stays, as the billing keeps the fees charged by then.
        s.wallets.settle(at);
        s.wallets.drop_collection(id);
        s.wallets.drop_fees(id, at);
    }

    fn list_payment_operations(
        &mut self,
        seller: usize,
        params: &[(String, String)],
    ) -> Result<String, Refusal> {
        let q = query::parse(params)?;
        let now = self.now();
        let Some(s) = self.sellers.get_mut(seller) else {
            return Ok(body(Vec::new(), 0));
        };
        s.wallets.settle(now);
        let page = q.page(&mut s.wallets)?;
        let operations: Vec<Value> = page.operations.iter().map(|b| b.json(q.wallet)).collect();
        Ok(body(operations, page.total))
    }
}

/// The list's answer: a page of `operations` (built as a value, not through `json!`, which
/// would copy each operation again) and the count of all matches.
fn body(operations: Vec<Value>, total: usize) -> String {
    let mut body = Map::new();
    body.insert("count".to_owned(), Value::from(operations.len()));
    body.insert("totalCount".to_owned(), Value::from(total));
    body.insert("paymentOperations".to_owned(), Value::Array(operations));
    Value::Object(body).to_string()
}

impl World {
    /// Every payment operation of `seller` Allegro lists now, in both wallet types (each with
    /// its own `wallet.type`), oldest first, as served: ground truth for tests.
    pub fn payment_operations(&self, seller: usize) -> Vec<Value> {
        let mut state = self.lock();
        let now = state.now();
        let Some(s) = state.sellers.get_mut(seller) else {
            return Vec::new();
        };
        s.wallets.settle(now);
        let available = s
            .wallets
            .available()
            .iter()
            .map(|b| (b, WalletType::Available));
        let held = s.wallets.held().iter().map(|b| (b, WalletType::Waiting));
        let mut all: Vec<_> = available.chain(held).collect();
        all.sort_by_key(|(b, wallet)| (b.at, *wallet));
        all.into_iter().map(|(b, wallet)| b.json(wallet)).collect()
    }
}

/// `GET /payments/payment-operations`
pub(crate) async fn list(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let scope_and_path = (PAYMENTS, "/payments/payment-operations");
    list_endpoint(&req, &world, scope_and_path, |state, seller, params| {
        state.list_payment_operations(seller, params)
    })
    .await
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod timing;
