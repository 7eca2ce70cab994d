//! The simulated Allegro: sellers with their checkout forms and event journals, OAuth state, the
//! clock and the fault settings, behind one cloneable handle.

mod build;
mod faults;
mod oauth;

pub(crate) use build::build_state;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::Instant,
};

use chrono::{DateTime, Duration, Utc};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::{
    SimulatorConfig,
    billing::book::Billing,
    claims::record::ClaimRecord,
    data::{SellerProfile, bought_at, parse_time},
    faults::{Budget, Faults},
    gate::CallGate,
    invoices::book::InvoiceBook,
    oauth::OAuthState,
    payments::wallets::Wallets,
    refunds::record::RefundRecord,
    returns::record::ReturnRecord,
};

/// Orders older than this answer 404 and leave the list (Allegro keeps about 12 months).
pub(crate) const ORDER_RETENTION_DAYS: i64 = 365;
/// Events older than this are gone from the journal.
pub(crate) const EVENT_RETENTION_DAYS: i64 = 60;
/// The initial orders are bought over this many days before the clock's start (~11 months);
/// every other resource of the world (payments, fees, returns, claims) follows its order.
pub(crate) const INITIAL_ORDERS_DAYS: i64 = 335;

/// A seller account of the simulator, as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerInfo {
    /// Allegro user id (the `/me` id and the token's `user_name`).
    pub id: String,
    pub login: String,
}

/// One checkout form: the JSON exactly as served, plus the fields the list filters on.
pub(crate) struct OrderRecord {
    pub json: String,
    /// The latest `lineItems[].boughtAt`.
    pub bought_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub status: String,
    pub fulfillment_status: String,
    pub provider_id: String,
    pub line_items_sent: String,
    pub buyer_login: String,
    pub marketplace: String,
    pub payment_id: String,
    pub delivery_method_id: String,
    pub surcharge_ids: Vec<String>,
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

impl OrderRecord {
    pub(crate) fn from_value(v: &Value) -> Self {
        let bought_at = bought_at(v).unwrap_or_default();
        Self {
            json: v.to_string(),
            bought_at,
            updated_at: v["updatedAt"]
                .as_str()
                .and_then(parse_time)
                .unwrap_or(bought_at),
            status: text(v, "/status"),
            fulfillment_status: text(v, "/fulfillment/status"),
            provider_id: text(v, "/fulfillment/provider/id"),
            line_items_sent: text(v, "/fulfillment/shipmentSummary/lineItemsSent"),
            buyer_login: text(v, "/buyer/login"),
            marketplace: text(v, "/marketplace/id"),
            payment_id: text(v, "/payment/id"),
            delivery_method_id: text(v, "/delivery/method/id"),
            surcharge_ids: v["surcharges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| text(s, "/id"))
                .collect(),
        }
    }

    pub(crate) fn value(&self) -> Value {
        serde_json::from_str(&self.json).unwrap_or(Value::Null)
    }
}

/// One journal entry.
pub(crate) struct EventRecord {
    pub id: u64,
    pub written_at: DateTime<Utc>,
    pub occurred_at: String,
    pub kind: &'static str,
    pub json: String,
}

pub(crate) struct SellerState {
    pub profile: SellerProfile,
    pub orders: HashMap<String, OrderRecord>,
    /// (bought_at, id), ascending: the list endpoint's index.
    pub by_bought: Vec<(DateTime<Utc>, String)>,
    /// Ascending ids (write order).
    pub events: Vec<EventRecord>,
    /// The highest event id dropped by retention (0: none yet).
    pub pruned_through: u64,
    pub last_event_id: u64,
    /// (second, calls in it) of the shipments endpoint, for its 50 rps limit.
    pub shipment_calls: (i64, u32),
    /// Customer returns, ordered by creation then id (as listed), including those whose
    /// creation time has not come yet.
    pub returns: Vec<ReturnRecord>,
    /// (second, calls in it) of the returns endpoints, for their 25 rps limit.
    pub return_calls: (i64, u32),
    /// Payment refunds, newest first (as listed), including those whose creation time has
    /// not come yet.
    pub refunds: Vec<RefundRecord>,
    /// Commission refund claims, newest first (as listed), including those not filed yet.
    pub claims: Vec<ClaimRecord>,
    /// Billing entries (fees), per marketplace, including those whose time has not come yet.
    pub billing: Billing,
    /// Payment operations (the wallets' history), including those whose time has not come yet.
    pub wallets: Wallets,
    /// The orders' invoices, including those whose time has not come yet.
    pub invoices: InvoiceBook,
}

/// Counts one call in `slot` (second, calls in it) at `second`; false once more than `max`
/// calls fell in the same second.
pub(crate) fn admit_per_second(slot: &mut (i64, u32), second: i64, max: u32) -> bool {
    let (at, count) = slot;
    if *at != second {
        (*at, *count) = (second, 0);
    }
    *count += 1;
    *count <= max
}

impl SellerState {
    pub(crate) fn insert_order(&mut self, record: OrderRecord, id: String) {
        let key = (record.bought_at, id.clone());
        let at = self.by_bought.partition_point(|k| k < &key);
        self.by_bought.insert(at, key);
        self.orders.insert(id, record);
    }

    pub(crate) fn remove_order(&mut self, id: &str) -> Option<OrderRecord> {
        let record = self.orders.remove(id)?;
        let key = (record.bought_at, id.to_owned());
        let at = self.by_bought.partition_point(|k| k < &key);
        if self.by_bought.get(at) == Some(&key) {
            self.by_bought.remove(at);
        }
        Some(record)
    }

    /// Replaces the stored JSON of an order (its `boughtAt` may not change).
    pub(crate) fn replace_order(&mut self, id: &str, value: &Value) {
        if let Some(slot) = self.orders.get_mut(id) {
            let record = OrderRecord::from_value(value);
            if record.bought_at == slot.bought_at {
                *slot = record;
                return;
            }
        }
        self.remove_order(id);
        self.insert_order(OrderRecord::from_value(value), id.to_owned());
    }

    /// Appends an event written at `written_at`; ids grow in write order and look like
    /// microsecond timestamps.
    pub(crate) fn push_event(
        &mut self,
        kind: &'static str,
        occurred_at: String,
        written_at: DateTime<Utc>,
        order: &Value,
    ) -> u64 {
        let micros = u64::try_from(written_at.timestamp_micros()).unwrap_or(0);
        let id = micros.max(self.last_event_id + 1);
        self.last_event_id = id;
        let json = super::event_json::event_json(id, &occurred_at, kind, &self.profile.id, order);
        self.events.push(EventRecord {
            id,
            written_at,
            occurred_at,
            kind,
            json,
        });
        id
    }
}

/// Everything behind the mutex.
pub(crate) struct State {
    pub config: SimulatorConfig,
    pub base_url: String,
    started: Instant,
    /// Since when real time no longer moves the clock (`World::stop_clock`).
    stopped_at: Option<Instant>,
    offset: Duration,
    pub sellers: Vec<SellerState>,
    pub oauth: OAuthState,
    pub faults: Faults,
    /// Calls held for a test (`World::hold_calls`).
    pub gate: Option<Arc<CallGate>>,
    pub budget: Budget,
    pub request_count: u64,
    /// Drives the moving world (seeded, so hook sequences are repeatable).
    pub rng: ChaCha8Rng,
}

impl State {
    /// The simulated clock: the configured start, plus real time since start (until the clock
    /// was stopped), plus `advance`s.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let until = self.stopped_at.unwrap_or_else(Instant::now);
        let real = Duration::from_std(until.duration_since(self.started)).unwrap_or_default();
        self.config.start + real + self.offset
    }

    /// The documents `pick` chooses among seller `seller`'s at the world's now, each as
    /// `json_at` shows it then; none for an unknown seller. What a list endpoint pages and a
    /// test's ground truth reads.
    pub(crate) fn served<'s, R: 's>(
        &'s self,
        seller: usize,
        pick: impl FnOnce(&'s SellerState, DateTime<Utc>) -> Vec<&'s R>,
        json_at: fn(&R, DateTime<Utc>) -> Value,
    ) -> Vec<Value> {
        let now = self.now();
        self.sellers.get(seller).map_or_else(Vec::new, |s| {
            pick(s, now).into_iter().map(|r| json_at(r, now)).collect()
        })
    }

    pub(crate) fn order_cutoff(&self) -> DateTime<Utc> {
        self.now() - Duration::days(ORDER_RETENTION_DAYS)
    }

    pub(crate) fn event_cutoff(&self) -> DateTime<Utc> {
        self.now() - Duration::days(EVENT_RETENTION_DAYS)
    }

    /// Drops events older than the retention (they are ordered by write time).
    pub(crate) fn prune_events(&mut self) {
        let cutoff = self.event_cutoff();
        for seller in &mut self.sellers {
            let n = seller.events.partition_point(|e| e.written_at < cutoff);
            if n > 0 {
                if let Some(last) = seller.events.get(n - 1) {
                    seller.pruned_through = last.id;
                }
                seller.events.drain(..n);
            }
        }
    }
}

/// A cheap, cloneable handle on the simulated world, for test hooks.
#[derive(Clone)]
pub struct World {
    pub(crate) inner: Arc<Mutex<State>>,
}

impl World {
    pub(crate) fn new(state: State) -> Self {
        Self {
            inner: Arc::new(Mutex::new(state)),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the simulator down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The seller accounts, in index order.
    pub fn sellers(&self) -> Vec<SellerInfo> {
        self.lock()
            .sellers
            .iter()
            .map(|s| SellerInfo {
                id: s.profile.id.clone(),
                login: s.profile.login.clone(),
            })
            .collect()
    }

    /// The simulated time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.lock().now()
    }

    /// Moves the simulated clock forward: device codes, access tokens and the refresh grace
    /// expire, events older than 60 days leave the journal, orders older than 12 months
    /// answer 404.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.offset += by;
        state.prune_events();
    }

    /// Stops real time from moving the clock: from now on only [`World::advance`] does. For a
    /// test that compares a backup with what Allegro serves afterwards: what Allegro would
    /// book in real time while the backup runs (a payout, held money released, a fee) would
    /// otherwise land between the backup's listing and the comparison.
    pub fn stop_clock(&self) {
        let mut state = self.lock();
        state.stopped_at.get_or_insert_with(Instant::now);
    }

    /// Every checkout form of a seller, as served, newest first (ground truth for tests).
    pub fn orders(&self, seller: usize) -> Vec<Value> {
        let state = self.lock();
        let cutoff = state.order_cutoff();
        let Some(s) = state.sellers.get(seller) else {
            return Vec::new();
        };
        s.by_bought
            .iter()
            .rev()
            .filter(|(t, _)| *t >= cutoff)
            .filter_map(|(_, id)| s.orders.get(id).map(OrderRecord::value))
            .collect()
    }

    /// The seller's event journal (within retention), oldest first.
    pub fn events(&self, seller: usize) -> Vec<Value> {
        let state = self.lock();
        let cutoff = state.event_cutoff();
        state
            .sellers
            .get(seller)
            .map(|s| {
                s.events
                    .iter()
                    .filter(|e| e.written_at >= cutoff)
                    .filter_map(|e| serde_json::from_str(&e.json).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// API calls served so far (OAuth and `/__simulator` calls excluded).
    pub fn request_count(&self) -> u64 {
        self.lock().request_count
    }
}
