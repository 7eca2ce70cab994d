//! Billing entries, the fees Allegro charges the seller and the credits it gives back
//! (`GET /billing/billing-entries`), and the types they come in (`GET /billing/billing-types`).
//! Fees come from the sellers' own orders (see `fees`) and are kept per marketplace with a
//! running balance (see `ledger`); an entry is listed once its `occurredAt` has come. Newest
//! first, offset paging (`offset` ≤ 10,000) without counts, `limit` 1..100 (default 100), the
//! home marketplace by default, names in Polish unless `Accept-Language` asks for English, 422
//! for a bad value, 403 without `allegro:api:billing:read`; injected faults apply as to every
//! REST call (allegro-api-money.md §5, §9).

mod fees;
mod ledger;
mod query;
mod types;

use std::cmp::Reverse;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use self::{
    fees::{Entry, FeeBasis},
    ledger::Ledger,
    types::{Language, types_json},
};
use super::{
    api_guard::{guard_any_scope, list_endpoint},
    data::{Generated, Market, marketplace},
    reply::ok_api,
    returns::record::ReturnRecord,
    world::{State, World},
};

/// The scope the entries need (the types need none).
const BILLING: &str = "allegro:api:billing:read";

/// A seller's billing accounts, one per marketplace it has fees on.
#[derive(Default)]
pub(crate) struct Billing {
    ledgers: Vec<Ledger>,
}

impl Billing {
    fn ledger_mut(&mut self, market: &'static Market) -> &mut Ledger {
        let at = match self.ledgers.iter().position(|l| l.market.id == market.id) {
            Some(at) => at,
            None => {
                self.ledgers
                    .push(Ledger::new(market, Vec::new(), DateTime::<Utc>::MIN_UTC));
                self.ledgers.len() - 1
            }
        };
        &mut self.ledgers[at]
    }

    /// Adds `entries` to the account of `market`.
    fn charge(&mut self, market: &'static Market, entries: Vec<Entry>) {
        if !entries.is_empty() {
            let ledger = self.ledger_mut(market);
            entries.into_iter().for_each(|e| ledger.add(e));
        }
    }

    /// The account of `market` with everything due by `now` booked, if it has any fees.
    fn settled(&mut self, market: &Market, now: DateTime<Utc>) -> Option<&mut Ledger> {
        let ledger = self.ledgers.iter_mut().find(|l| l.market.id == market.id)?;
        ledger.settle(now);
        Some(ledger)
    }
}

/// The fees of the generated world, gathered per marketplace before the accounts open (one
/// sort per account instead of a sorted insert per fee).
#[derive(Default)]
pub(crate) struct StagedFees(Vec<(&'static Market, Vec<Entry>)>);

impl StagedFees {
    /// Stages the fees of a generated order: its listing fees and, when it is paid, its sale's,
    /// with the credits of `ret`, the return the world plans for it.
    pub(crate) fn add(&mut self, generated: &Generated, ret: Option<&ReturnRecord>, seed: u64) {
        let Some(basis) = FeeBasis::of(&generated.order) else {
            return;
        };
        let mut entries = basis.listing_fees(seed);
        let paid = generated
            .history
            .iter()
            .find(|e| e.0 == "READY_FOR_PROCESSING");
        if let Some(&(_, _, paid_at, _)) = paid {
            entries.extend(basis.sale_fees(paid_at, ret, seed));
        }
        match self.0.iter_mut().find(|(m, _)| m.id == basis.market.id) {
            Some((_, staged)) => staged.extend(entries),
            None => self.0.push((basis.market, entries)),
        }
    }

    /// The accounts, with what is due by `now` booked.
    pub(crate) fn open(self, now: DateTime<Utc>) -> Billing {
        let ledgers = self
            .0
            .into_iter()
            .map(|(market, entries)| Ledger::new(market, entries, now))
            .collect();
        Billing { ledgers }
    }
}

impl State {
    /// Charges the listing fees of the offers of `order`, new to `seller`.
    pub(crate) fn consider_listing_fees(&mut self, seller: usize, order: &Value) {
        let seed = self.config.seed;
        let (Some(s), Some(basis)) = (self.sellers.get_mut(seller), FeeBasis::of(order)) else {
            return;
        };
        s.billing.charge(basis.market, basis.listing_fees(seed));
    }

    /// Charges the fees of the sale of `order`, paid at `paid_at`, with the credits of the
    /// return the world plans for it, if any.
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
        let ret = s.returns.iter().find(|r| r.order_id == basis.order_id());
        let entries = basis.sale_fees(paid_at, ret, seed);
        s.billing.charge(basis.market, entries);
    }

    /// `order` of `seller` was cancelled at `at`: its fees not charged yet are dropped (it is
    /// neither sent nor returned) and the commission charged is credited back.
    pub(crate) fn consider_cancel_fees(&mut self, seller: usize, order: &Value, at: DateTime<Utc>) {
        let seed = self.config.seed;
        let (Some(s), Some(basis)) = (self.sellers.get_mut(seller), FeeBasis::of(order)) else {
            return;
        };
        let ledger = s.billing.ledger_mut(basis.market);
        ledger.drop_planned(basis.order_id(), at);
        let credits = {
            let charged: Vec<&Entry> = ledger
                .of(&[basis.order_id().to_owned()], &[])
                .into_iter()
                .map(|b| &b.entry)
                .collect();
            basis.cancellation_credits(&charged, at, seed)
        };
        credits.into_iter().for_each(|c| ledger.add(c));
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

#[cfg(test)]
mod timing_tmp {
    use super::*;
    use rand::SeedableRng;

    #[test]
    #[ignore]
    fn timing() {
        use std::time::Instant;
        let now = chrono::Utc::now();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let t = Instant::now();
        let gens: Vec<Generated> = (0..30_000)
            .map(|i| {
                super::super::data::order(
                    &mut rng,
                    now - chrono::Duration::minutes(i * 5),
                    now,
                    false,
                )
            })
            .collect();
        eprintln!("orders {:?}", t.elapsed());
        let t = Instant::now();
        for g in &gens {
            let _ = super::super::data::seeded(42, "x", g.order["id"].as_str().unwrap());
        }
        eprintln!("seeded {:?}", t.elapsed());
        let t = Instant::now();
        let mut n = 0;
        for g in &gens {
            n += FeeBasis::of(&g.order).unwrap().listing_fees(42).len();
        }
        eprintln!("listing {:?} {n}", t.elapsed());
        let t = Instant::now();
        let mut n = 0;
        for g in &gens {
            n += FeeBasis::of(&g.order)
                .unwrap()
                .sale_fees(now, None, 42)
                .len();
        }
        eprintln!("sale {:?} {n}", t.elapsed());
        let t = Instant::now();
        let mut staged = StagedFees::default();
        for g in &gens {
            staged.add(g, None, 42);
        }
        eprintln!("staged {:?}", t.elapsed());
        let t = Instant::now();
        let billing = staged.open(now);
        eprintln!("open {:?}", t.elapsed());
        let t = Instant::now();
        drop(billing);
        eprintln!("drop {:?}", t.elapsed());
    }
}
