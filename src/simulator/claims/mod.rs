//! Commission refund claims ("rabaty transakcyjne", `GET /order/refund-claims`,
//! `GET /order/refund-claims/{claimId}`): claims on line items of the sellers' own orders (see
//! `filing`) appear once filed and move through their statuses with the simulated clock (see
//! `plan`); a granted claim gives its commission back as a `REF` billing entry on the same
//! order and offer, booked at the moment it is granted. Newest first, offset paging with the
//! page's `count` only, `limit` 1..100 (default 25), filters `status`, `lineItem.offer.id` and
//! `buyer.id`, 422 for a bad value, the public media type only (406 otherwise), 403 without
//! `allegro:api:orders:read`, 404 `ClaimNotFoundException` for an unknown id; injected faults
//! apply as to every REST call (allegro-api-money.md §4, §9).

pub(crate) mod filing;
mod plan;
mod query;
pub(crate) mod record;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use self::record::ClaimRecord;
use super::{
    api_guard::{ORDERS, guard, list_endpoint},
    billing::fees::Grant,
    reply::{ok_api, refusal},
    world::{SellerState, State, World},
};

impl SellerState {
    /// Adds `record` unless its line item has a claim already (one per line item, whatever its
    /// outcome), keeping the list newest first (then by id, descending), as served; whether it
    /// was added.
    fn insert_claim(&mut self, record: ClaimRecord) -> bool {
        if self
            .claims
            .iter()
            .any(|c| c.line_item_id == record.line_item_id)
        {
            return false;
        }
        let key = (record.created_at, record.id.clone());
        let at = self
            .claims
            .partition_point(|c| (c.created_at, c.id.clone()) > key);
        self.claims.insert(at, record);
        true
    }

    /// Adds `claims` of `order` (see `filing`); the commission those granted give back, for
    /// the billing to credit.
    pub(crate) fn add_claims(&mut self, order: &Value, claims: Vec<ClaimRecord>) -> Vec<Grant> {
        let mut grants = Vec::new();
        for claim in claims {
            let grant = claim.grant(order);
            if self.insert_claim(claim) {
                grants.extend(grant);
            }
        }
        grants
    }

    /// The claims Allegro serves at `now`: filed by then (their retention is not documented;
    /// the simulator keeps them all).
    fn visible_claims(&self, now: DateTime<Utc>) -> Vec<&ClaimRecord> {
        self.claims.iter().filter(|c| c.created_at <= now).collect()
    }
}

impl State {
    /// Files the claims of `order` of `seller`, paid at `paid_at` (its return and refund
    /// planned already), and plans the credits of those granted: a new order paid in the
    /// moving world.
    pub(crate) fn consider_claims(&mut self, seller: usize, order: &Value, paid_at: DateTime<Utc>) {
        let seed = self.config.seed;
        let (Some(s), Some(id)) = (self.sellers.get_mut(seller), order["id"].as_str()) else {
            return;
        };
        let ret = s.returns.iter().find(|r| r.order_id == id);
        let refund = s.refunds.iter().find(|r| r.order_id == id);
        let filed = filing::at_payment(order, paid_at, ret, refund, seed);
        let grants = s.add_claims(order, filed);
        s.billing.credit(order, &grants, seed);
    }

    /// `order` of `seller` was cancelled at `at` (its refund and fees dealt with already): the
    /// claims not filed by then are dropped, those filed go on (their credits, dropped with the
    /// order's planned fees, are planned again), and Allegro files its own for every line item
    /// left whose commission was charged.
    pub(crate) fn consider_cancel_claims(
        &mut self,
        seller: usize,
        order: &Value,
        at: DateTime<Utc>,
    ) {
        let seed = self.config.seed;
        let (Some(s), Some(id)) = (self.sellers.get_mut(seller), order["id"].as_str()) else {
            return;
        };
        s.claims.retain(|c| c.order_id != id || c.created_at <= at);
        let kept: Vec<&ClaimRecord> = s.claims.iter().filter(|c| c.order_id == id).collect();
        let claimed: Vec<String> = kept.iter().map(|c| c.line_item_id.clone()).collect();
        let mut grants: Vec<Grant> = kept.iter().filter_map(|c| c.grant(order)).collect();
        let charged = s.billing.commission_charged(order);
        let refund = s.refunds.iter().find(|r| r.order_id == id);
        let filed = filing::at_cancellation(order, at, refund, &charged, &claimed, seed);
        grants.extend(s.add_claims(order, filed));
        s.billing.credit(order, &grants, seed);
    }

    fn list_claims(&self, seller: usize, params: &[(String, String)]) -> Result<String, String> {
        let q = query::parse(params)?;
        let page = self.served(
            seller,
            |s, now| q.page(&s.visible_claims(now), now),
            ClaimRecord::json_at,
        );
        Ok(json!({"refundClaims": page, "count": page.len()}).to_string())
    }

    fn claim_json(&self, seller: usize, id: &str) -> Option<Value> {
        let now = self.now();
        let s = self.sellers.get(seller)?;
        let found = s.visible_claims(now).into_iter().find(|c| c.id == id)?;
        Some(found.json_at(now))
    }
}

impl World {
    /// Every claim of `seller` Allegro serves now, newest first, as served (ground truth for
    /// tests).
    pub fn refund_claims(&self, seller: usize) -> Vec<Value> {
        let visible = SellerState::visible_claims;
        self.lock().served(seller, visible, ClaimRecord::json_at)
    }
}

/// `GET /order/refund-claims`
pub(crate) async fn list(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let scope_and_path = (ORDERS, "/order/refund-claims");
    list_endpoint(&req, &world, scope_and_path, |state, seller, params| {
        state.list_claims(seller, params)
    })
    .await
}

/// `GET /order/refund-claims/{claimId}`: 404 as Allegro answers it for an unknown id
/// (allegro-api-money.md §4.2).
pub(crate) async fn get(
    req: HttpRequest,
    id: web::Path<String>,
    world: web::Data<World>,
) -> HttpResponse {
    let caller = match guard(&req, &world, ORDERS).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let found = world.lock().claim_json(caller.seller, &id);
    match found {
        Some(body) => ok_api(body.to_string(), caller.truncate),
        None => {
            let m = format!("Claim data not found for id: {id}.");
            refusal(StatusCode::NOT_FOUND, "ClaimNotFoundException", &m, &m)
        }
    }
}
