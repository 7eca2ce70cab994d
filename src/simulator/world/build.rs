//! The initial world: each seller's orders spread over the last ~11 months, and what follows
//! from them (payments, fees, returns, refunds, claims, invoices, the recent orders' events).

use std::{collections::HashMap, time::Instant};

use chrono::{DateTime, Duration, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::{EVENT_RETENTION_DAYS, INITIAL_ORDERS_DAYS, OrderRecord, SellerState, State};
use crate::simulator::{
    SimulatorConfig,
    billing::book::{Billing, StagedFees},
    claims::filing,
    data::{self, Generated, SellerProfile},
    faults::{Budget, Faults},
    invoices::book::InvoiceBook,
    oauth::OAuthState,
    payments::wallets::Wallets,
    refunds::record::RefundRecord,
    returns::record::ReturnRecord,
};

/// Generates the initial world.
pub(crate) fn build_state(config: SimulatorConfig) -> State {
    let sellers = (0..config.sellers.max(1))
        .map(|index| build_seller(&config, index))
        .collect();
    let oauth = OAuthState::new(&config);
    State {
        rng: ChaCha8Rng::seed_from_u64(config.seed ^ 0x5EED_C4A9_6E50_F00D),
        config,
        base_url: String::new(),
        started: Instant::now(),
        stopped_at: None,
        offset: Duration::zero(),
        sellers,
        oauth,
        faults: Faults::default(),
        gate: None,
        budget: Budget::default(),
        request_count: 0,
    }
}

/// Seller `index` with its orders, oldest first, and all that follows from them.
fn build_seller(config: &SimulatorConfig, index: usize) -> SellerState {
    let now = config.start;
    let event_cutoff = now - Duration::days(EVENT_RETENTION_DAYS);
    let seller_seed = config
        .seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index as u64);
    let mut rng = ChaCha8Rng::seed_from_u64(seller_seed);
    let mut seller = SellerState::new(config, data::seller(&mut rng, index));
    let mut fees = StagedFees::default();
    let mut recent = RecentOrders::default();
    for i in 0..config.orders_per_seller {
        let bought = order_time(&mut rng, config, i);
        let generated = data::order(&mut rng, bought, now, false);
        seller.add_initial_order(&generated, &mut fees, config);
        if bought > event_cutoff {
            recent.add(generated);
        }
    }
    seller.billing = fees.open(now);
    seller.wallets.settle(now);
    recent.journal_into(&mut seller);
    seller
}

/// When the `i`-th of the seller's initial orders was bought: evenly spread over
/// [`INITIAL_ORDERS_DAYS`] before the clock's start, with jitter.
fn order_time(rng: &mut ChaCha8Rng, config: &SimulatorConfig, i: u32) -> DateTime<Utc> {
    let span = Duration::days(INITIAL_ORDERS_DAYS).num_seconds();
    let n = i64::from(config.orders_per_seller.max(1));
    let slot = span * (n - i64::from(i)) / n;
    let jitter = rand::Rng::random_range(rng, 0..(span / n).max(1));
    config.start
        - Duration::seconds(slot - jitter)
        - Duration::milliseconds(rand::Rng::random_range(rng, 0..1000))
}

/// The orders recent enough for the event journal, and their events in the order they were
/// written.
#[derive(Default)]
struct RecentOrders {
    orders: Vec<Value>,
    /// (written at, kind, occurred at, index into `orders`).
    events: Vec<(DateTime<Utc>, &'static str, String, usize)>,
}

impl RecentOrders {
    fn add(&mut self, generated: Generated) {
        let at = self.orders.len();
        for (kind, occurred, _, written) in generated.history {
            self.events.push((written, kind, occurred, at));
        }
        self.orders.push(generated.order);
    }

    /// Writes the events into `seller`'s journal, oldest first.
    fn journal_into(mut self, seller: &mut SellerState) {
        self.events.sort_by_key(|e| e.0);
        for (written, kind, occurred, at) in self.events {
            if let Some(order) = self.orders.get(at) {
                seller.push_event(kind, occurred, written, order);
            }
        }
    }
}

impl SellerState {
    fn new(config: &SimulatorConfig, profile: SellerProfile) -> Self {
        let capacity = config.orders_per_seller as usize;
        Self {
            wallets: Wallets::new(config.seed, &profile.id),
            profile,
            orders: HashMap::with_capacity(capacity),
            by_bought: Vec::with_capacity(capacity),
            events: Vec::new(),
            pruned_through: 0,
            last_event_id: 0,
            shipment_calls: (0, 0),
            returns: Vec::new(),
            return_calls: (0, 0),
            refunds: Vec::new(),
            claims: Vec::new(),
            billing: Billing::default(),
            invoices: InvoiceBook::new(config.seed),
        }
    }

    /// Stores an initial order with what follows from it: its payment and fees in the
    /// wallets, its invoice, its fees (staged until the world is built), its return, refund
    /// and commission claims.
    fn add_initial_order(
        &mut self,
        generated: &Generated,
        fees: &mut StagedFees,
        config: &SimulatorConfig,
    ) {
        let order = &generated.order;
        let id = order["id"].as_str().unwrap_or_default().to_owned();
        self.insert_order(OrderRecord::from_value(order), id);
        let paid_at = data::paid_at(generated);
        if let Some(paid_at) = paid_at {
            self.wallets.plan_order(order, paid_at);
        }
        self.invoices.plan(order);
        let (seed, percent) = (config.seed, config.returns_percent);
        let charged = fees.add(generated, seed);
        self.wallets.plan_fees(order, &charged);
        let returned = ReturnRecord::for_order(order, seed, percent);
        let refund = returned
            .as_ref()
            .and_then(|r| RefundRecord::for_return(order, r, seed));
        if let Some(paid_at) = paid_at {
            let (ret, refund) = (returned.as_ref(), refund.as_ref());
            let filed = filing::at_payment(order, paid_at, ret, refund, seed);
            fees.credit(order, &self.add_claims(order, filed), seed);
        }
        returned.into_iter().for_each(|r| self.insert_return(r));
        refund.into_iter().for_each(|r| self.insert_refund(r));
    }
}
