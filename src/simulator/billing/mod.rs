//! Billing entries, the fees Allegro charges the seller and the credits it gives back
//! (`GET /billing/billing-entries`), and the types they come in (`GET /billing/billing-types`).
//! Fees come from the sellers' own orders (see `fees`) and are kept per marketplace with a
//! running balance (see `ledger`); an entry is listed once its `occurredAt` has come. Newest
//! first, offset paging (`offset` ≤ 10,000) without counts, `limit` 1..100 (default 100), the
//! home marketplace by default, names in Polish unless `Accept-Language` asks for English, 422
//! for a bad value, 403 without `allegro:api:billing:read`; injected faults apply as to every
//! REST call (allegro-api-money.md §5, §9).

pub(crate) mod book;
pub(crate) mod fees;
mod ledger;
mod query;
mod types;

use std::cmp::Reverse;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use self::{
    fees::FeeBasis,
    types::{Language, types_json},
};
use super::{
    api_guard::{guard_any_scope, list_endpoint},
    data::marketplace,
    reply::ok_api,
    world::{State, World},
};

/// The scope the entries need (the types need none).
const BILLING: &str = "allegro:api:billing:read";

impl State {
    /// Charges the listing fees of the offers of `order`, new to `seller`.
    pub(crate) fn consider_listing_fees(&mut self, seller: usize, order: &Value) {
        let seed = self.config.seed;
        let (Some(s), Some(basis)) = (self.sellers.get_mut(seller), FeeBasis::of(order)) else {
            return;
        };
        s.billing.charge(basis.market, basis.listing_fees(seed));
    }

    /// Charges the fees of the sale of `order`, paid at `paid_at`; Allegro collects them from
    /// the seller's wallet (see `payments`).
    pub(crate) fn consider_sale_fees(
        &mut self,
        seller: usize,
        order: &Value,
        paid_at: DateTime<Utc>,
    ) {
        let seed = self.config.seed;
        let (Some(s), Some(basis)) = (self.sellers.get_mut(seller), FeeBasis::of(order)) else {
            return;
        };
        let fees = basis.sale_fees(paid_at, seed);
        let charged: Vec<_> = fees.iter().map(|e| (e.at, e.value)).collect();
        s.wallets.plan_fees(order, &charged);
        s.billing.charge(basis.market, fees);
    }

    /// `order` of `seller` was cancelled at `at`: its fees not charged yet are dropped (it is
    /// neither sent nor returned). The commission charged comes back through the claims Allegro
    /// files for it (see `claims`).
    pub(crate) fn consider_cancel_fees(&mut self, seller: usize, order: &Value, at: DateTime<Utc>) {
        let (Some(s), Some(basis)) = (self.sellers.get_mut(seller), FeeBasis::of(order)) else {
            return;
        };
        s.billing
            .ledger_mut(basis.market)
            .drop_planned(basis.order_id(), at);
    }

    fn list_billing_entries(
        &mut self,
        seller: usize,
        params: &[(String, String)],
        language: Language,
    ) -> Result<String, String> {
        let q = query::parse(params)?;
        let now = self.now();
        let Some(s) = self.sellers.get_mut(seller) else {
            return Ok(json!({"billingEntries": []}).to_string());
        };
        let home = s.profile.me["baseMarketplace"]["id"].as_str();
        let market = q.marketplace.or_else(|| home.and_then(marketplace));
        let page: Vec<Value> = match market.and_then(|m| s.billing.settled(m, now)) {
            Some(ledger) => {
                let market = ledger.market;
                q.page(ledger)
                    .into_iter()
                    .map(|b| b.entry.json(b.balance, market, language, now))
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(json!({"billingEntries": page}).to_string())
    }
}

impl World {
    /// Every billing entry of `seller` Allegro serves now, on every marketplace, newest first,
    /// as served (with its balance, names in Polish): ground truth for tests.
    pub fn billing_entries(&self, seller: usize) -> Vec<Value> {
        let mut state = self.lock();
        let now = state.now();
        let Some(s) = state.sellers.get_mut(seller) else {
            return Vec::new();
        };
        let mut all = Vec::new();
        for ledger in &mut s.billing.ledgers {
            ledger.settle(now);
            let market = ledger.market;
            all.extend(ledger.booked().iter().map(|b| {
                let json = b.entry.json(b.balance, market, Language::Polish, now);
                (Reverse(b.entry.key()), json)
            }));
        }
        all.sort_unstable_by_key(|a| a.0);
        all.into_iter().map(|(_, json)| json).collect()
    }
}

/// `GET /billing/billing-entries`
pub(crate) async fn list(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let language = Language::of(&req);
    let scope_and_path = (BILLING, "/billing/billing-entries");
    list_endpoint(&req, &world, scope_and_path, |state, seller, params| {
        state.list_billing_entries(seller, params, language)
    })
    .await
}

/// `GET /billing/billing-types`: any valid token.
pub(crate) async fn types(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    match guard_any_scope(&req, &world).await {
        Ok(caller) => ok_api(types_json(Language::of(&req)).to_string(), caller.truncate),
        Err(response) => *response,
    }
}
