//! Payment refunds (`GET /payments/refunds`): refunds of the sellers' own paid orders (see
//! `record`) appear once their creation time has come and move from `NEW` to `SUCCESS` (or
//! `CANCELED`) with the simulated clock. Newest first, offset paging with `totalCount`,
//! `limit` 1..100, 422 for a bad value, 403 without `allegro:api:payments:read`; injected
//! faults apply as to every REST call.

mod query;
pub(crate) mod record;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use self::record::RefundRecord;
use super::{
    api_guard::{PAYMENTS, list_endpoint},
    world::{SellerState, State, World},
};

impl SellerState {
    /// Adds `record` unless its order already has one, keeping the list newest first (then by
    /// id, descending), as served; the seller's wallet is charged when it succeeds, and the
    /// order's invoice may be corrected after.
    pub(crate) fn insert_refund(&mut self, record: RefundRecord) {
        if self.refunds.iter().any(|r| r.order_id == record.order_id) {
            return;
        }
        self.plan_refund_charge(&record);
        self.plan_refund_invoice(&record);
        let key = (record.created_at, record.id.clone());
        let at = self
            .refunds
            .partition_point(|r| (r.created_at, r.id.clone()) > key);
        self.refunds.insert(at, record);
    }

    /// Adds the refund that follows the return of `order`, if it is refunded.
    pub(crate) fn add_return_refund(&mut self, order: &Value, seed: u64) {
        let found = self
            .returns
            .iter()
            .find(|r| order["id"].as_str() == Some(r.order_id.as_str()))
            .and_then(|ret| RefundRecord::for_return(order, ret, seed));
        if let Some(record) = found {
            self.insert_refund(record);
        }
    }

    /// The refunds Allegro serves at `now`: created by then (Allegro keeps them longer than
    /// the orders; the simulator keeps them all).
    fn visible_refunds(&self, now: DateTime<Utc>) -> Vec<&RefundRecord> {
        self.refunds
            .iter()
            .filter(|r| r.created_at <= now)
            .collect()
    }
}

impl State {
    /// Gives `order` of `seller` the refund that follows its return, when it has one that
    /// the seller refunds (at start, and when a new order is paid).
    pub(crate) fn consider_return_refund(&mut self, seller: usize, order: &Value) {
        let seed = self.config.seed;
        if let Some(s) = self.sellers.get_mut(seller) {
            s.add_return_refund(order, seed);
        }
    }

    /// Pays back `order` of `seller`, cancelled at `at`, if it had been paid. A return (and
    /// its refund, and the refund's charge to the wallet) planned for the order but not made
    /// yet is dropped: a cancelled order is not sent, so it is not returned.
    pub(crate) fn consider_cancel_refund(
        &mut self,
        seller: usize,
        order: &Value,
        at: DateTime<Utc>,
    ) {
        let seed = self.config.seed;
        let Some(s) = self.sellers.get_mut(seller) else {
            return;
        };
        let id = order["id"].as_str().unwrap_or_default();
        s.returns.retain(|r| r.order_id != id || r.created_at <= at);
        let dropped = s
            .refunds
            .iter()
            .filter(|r| r.order_id == id && r.created_at > at);
        let dropped: Vec<String> = dropped.map(|r| r.id.clone()).collect();
        dropped
            .iter()
            .for_each(|refund| s.wallets.drop_refund(refund));
        s.refunds.retain(|r| r.order_id != id || r.created_at <= at);
        if let Some(record) = RefundRecord::for_cancelled(order, at, seed) {
            s.insert_refund(record);
        }
    }

    fn list_refunds(&self, seller: usize, params: &[(String, String)]) -> Result<String, String> {
        let q = query::parse(params)?;
        let mut total = 0;
        let pick = |s, now| {
            let (page, matching) = q.page(&SellerState::visible_refunds(s, now), now);
            total = matching;
            page
        };
        let page = self.served(seller, pick, RefundRecord::json_at);
        let count = page.len();
        Ok(json!({"refunds": page, "count": count, "totalCount": total}).to_string())
    }
}

impl World {
    /// Every refund of `seller` Allegro serves now, newest first, as served (ground truth for
    /// tests).
    pub fn refunds(&self, seller: usize) -> Vec<Value> {
        let visible = SellerState::visible_refunds;
        self.lock().served(seller, visible, RefundRecord::json_at)
    }
}

pub(crate) async fn list(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let scope_and_path = (PAYMENTS, "/payments/refunds");
    list_endpoint(&req, &world, scope_and_path, |state, seller, params| {
        state.list_refunds(seller, params)
    })
    .await
}
