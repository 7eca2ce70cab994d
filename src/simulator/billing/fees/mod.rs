//! The billing entries the simulator charges, decided once from an order (its line items, its
//! delivery method, its marketplace) with generators seeded by the world's seed and the order's
//! id, so the same seed always gives the same fees (allegro-api-money.md §5, §8, §9):
//!
//! - listing fees (`LIS`) of the order's offers: an offer stays listed after the sale and is
//!   renewed every 30 days, up to three times (the stock of most sold offers lasts a few
//!   months); these name the offer, not the order;
//! - once the order is paid, per line item a commission (`SUC`) of 8–12 % of its value (one in
//!   twenty booked in two parts a day apart, §5.3), and for most parcels the carrier's delivery
//!   fee, charged when the parcel leaves one to four days later;
//! - the featured-offer commissions (`FSF`), the Allegro Pay fee (`APF`) and DPD's surcharges
//!   (`DTR`) of some sales (see `extras`);
//! - credits (`REF`): the commission given back when a commission refund claim is granted
//!   (see `credits`, and the claims themselves in `simulator::claims`).
//!
//! One entry with an offer in ten shows no `offer.name` for its first hour: Allegro fills the
//! name in asynchronously.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use uuid::Uuid;

use super::types::{BillingType, LIS, Language, SUC, delivery_fee_type};
use crate::simulator::data::{
    Market, format_time, marketplace, millis, minor, parse_time, price, seeded,
};

pub(crate) use self::credits::{Grant, LineCommission, line_commissions};

/// Commission rates, in hundredths of a per cent of the line's value.
const COMMISSION_BASIS_POINTS: std::ops::RangeInclusive<i64> = 800..=1200;
/// Of every hundred commissions, how many are booked in two parts.
const SPLIT_PERCENT: u32 = 5;
/// Of every hundred entries naming an offer, how many get `offer.name` an hour late.
const LATE_NAME_PERCENT: u32 = 10;
/// Listing fees in grosze (scaled to the marketplace's currency).
const LISTING_FEES: [i64; 6] = [5, 10, 25, 50, 100, 150];

/// The `payment.features` value of an order paid with Allegro Pay.
const ALLEGRO_PAY: &str = "ALLEGRO_PAY";

/// An entry's place in its ledger: by occurrence, then by id.
pub(crate) type Key = (DateTime<Utc>, Uuid);

/// An offer as fees name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Offer {
    pub id: Arc<str>,
    pub name: Arc<str>,
}

/// One billing entry as charged; its balance is its ledger's to keep.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub at: DateTime<Utc>,
    pub id: Uuid,
    pub kind: &'static BillingType,
    /// Minor units of the marketplace's currency: negative for a charge, positive for a credit.
    pub value: i64,
    pub offer: Option<Offer>,
    /// From when `offer.name` is shown.
    pub name_shown_at: DateTime<Utc>,
    pub order: Option<Arc<str>>,
}

impl Entry {
    pub(crate) fn key(&self) -> Key {
        (self.at, self.id)
    }

    /// The entry as `GET /billing/billing-entries` shows it at `now`, with the account's
    /// `balance` after it.
    pub(crate) fn json(
        &self,
        balance: i64,
        market: &Market,
        language: Language,
        now: DateTime<Utc>,
    ) -> Value {
        let currency = market.currency;
        let mut json = json!({
            "id": self.id.to_string(),
            "occurredAt": format_time(self.at, 3),
            "type": self.kind.json(language),
            "value": price(self.value, currency),
            "tax": {"percentage": "23.00"},
            "balance": price(balance, currency),
            "additionalInfo": [],
            "asset": if self.value < 0 { "DEBIT" } else { "CREDIT" },
            "marketplaceId": market.id,
        });
        if let Some(offer) = &self.offer {
            json["offer"] = if now >= self.name_shown_at {
                json!({"id": &*offer.id, "name": &*offer.name})
            } else {
                json!({"id": &*offer.id})
            };
        }
        if let Some(order) = &self.order {
            json["order"] = json!({"id": &**order});
        }
        json
    }
}

/// A line item as its fees see it.
struct Line {
    offer: Offer,
    /// The unit price in minor units.
    unit: i64,
    quantity: i64,
}

/// What an order's fees are reckoned from, read once from its JSON.
pub(crate) struct FeeBasis {
    id: Arc<str>,
    pub market: &'static Market,
    bought_at: DateTime<Utc>,
    lines: Vec<Line>,
    /// The carrier's fee type and the delivery cost in minor units, for a paid delivery.
    delivery: Option<(&'static BillingType, i64)>,
    /// `summary.totalToPay` in minor units.
    total: i64,
    /// Paid with Allegro Pay (`payment.features` holds `ALLEGRO_PAY`).
    allegro_pay: bool,
}

impl FeeBasis {
    /// `None` for an order without an id, a known marketplace or a purchase time.
    pub(crate) fn of(order: &Value) -> Option<Self> {
        let text = |v: &Value| Arc::from(v.as_str().unwrap_or_default());
        let items = order["lineItems"].as_array().map_or(&[][..], Vec::as_slice);
        let mut lines = Vec::with_capacity(items.len());
        let mut bought_at = None;
        for item in items {
            let offer = &item["offer"];
            lines.push(Line {
                offer: Offer {
                    id: text(&offer["id"]),
                    name: text(&offer["name"]),
                },
                unit: minor(&item["price"]["amount"]),
                quantity: item["quantity"].as_i64().unwrap_or(1),
            });
            let bought = item["boughtAt"].as_str().and_then(parse_time);
            bought_at = bought_at.max(bought);
        }
        let delivery = &order["delivery"];
        let cost = minor(&delivery["cost"]["amount"]);
        let kind = delivery["method"]["name"]
            .as_str()
            .and_then(delivery_fee_type);
        let features = order["payment"]["features"].as_array();
        Some(Self {
            id: Arc::from(order["id"].as_str()?),
            market: marketplace(order["marketplace"]["id"].as_str()?)?,
            // The latest `boughtAt`, as the order list has it.
            bought_at: bought_at?,
            lines,
            delivery: kind.filter(|_| cost > 0).map(|kind| (kind, cost)),
            total: minor(&order["summary"]["totalToPay"]["amount"]),
            allegro_pay: features.is_some_and(|f| f.iter().any(|v| v == ALLEGRO_PAY)),
        })
    }

    pub(crate) fn order_id(&self) -> &str {
        &self.id
    }

    /// The listing fees of the order's offers: each offer is renewed every 30 days after the
    /// sale, zero to three times, at the same fee.
    pub(crate) fn listing_fees(&self, seed: u64) -> Vec<Entry> {
        let mut charges = Charges::new(seed, "listing-fees", self, false);
        for line in &self.lines {
            let fee = LISTING_FEES[charges.rng.random_range(0..LISTING_FEES.len())];
            let fee = self.market.scaled(fee);
            for renewal in 1..=charges.rng.random_range(0..=3) {
                let at = charges.after(self.bought_at + Duration::days(30 * renewal), 0..600);
                charges.charge(at, &LIS, -fee, Some(&line.offer));
            }
        }
        charges.entries
    }

    /// The fees of the sale, paid at `paid_at`: the commissions and the delivery fee, then
    /// the featured-offer commissions, the Allegro Pay fee and the carrier's surcharge (see
    /// `extras`, drawn from a generator of their own).
    pub(crate) fn sale_fees(&self, paid_at: DateTime<Utc>, seed: u64) -> Vec<Entry> {
        let (mut charges, _) = self.commissions_charged(paid_at, seed);
        if let Some((kind, cost)) = self.delivery {
            charges.delivery_fee(kind, cost, paid_at, self.lines.first());
        }
        let mut entries = charges.entries;
        let extras = self.extra_fees(paid_at, &entries, seed);
        entries.extend(extras);
        entries
    }

    /// The sale's charges with its commissions charged at `paid_at`, and their rates line by
    /// line (the first draws of the sale's generator).
    fn commissions_charged(&self, paid_at: DateTime<Utc>, seed: u64) -> (Charges, Vec<i64>) {
        let mut charges = Charges::new(seed, "sale-fees", self, true);
        let rates = self
            .lines
            .iter()
            .map(|line| charges.commission(line, paid_at))
            .collect();
        (charges, rates)
    }
}

/// `bp` hundredths of a per cent of `value`, rounded to the nearest minor unit (at least one).
fn commission(value: i64, bp: i64) -> i64 {
    ((value * bp + 5_000) / 10_000).max(1)
}

/// The entries of one order being charged: ids, times and late names drawn from one seeded
/// generator.
struct Charges {
    rng: ChaCha8Rng,
    order: Option<Arc<str>>,
    entries: Vec<Entry>,
}

impl Charges {
    /// The charges of `basis`'s order for one `purpose`; `with_order`: the entries name it.
    fn new(seed: u64, purpose: &str, basis: &FeeBasis, with_order: bool) -> Self {
        Self {
            rng: seeded(seed, purpose, &basis.id),
            order: with_order.then(|| basis.id.clone()),
            entries: Vec::new(),
        }
    }

    /// A moment `seconds` (drawn from the range) and a few milliseconds after `t`.
    fn after(&mut self, t: DateTime<Utc>, seconds: std::ops::Range<i64>) -> DateTime<Utc> {
        let seconds = self.rng.random_range(seconds);
        let ms = self.rng.random_range(0..1000);
        millis(t + Duration::seconds(seconds) + Duration::milliseconds(ms))
    }

    fn charge(
        &mut self,
        at: DateTime<Utc>,
        kind: &'static BillingType,
        value: i64,
        offer: Option<&Offer>,
    ) {
        let late = offer.is_some() && self.rng.random_range(0..100) < LATE_NAME_PERCENT;
        // One 128-bit draw (a byte array is drawn byte by byte, slowly in debug builds).
        let id = uuid::Builder::from_random_bytes(self.rng.random::<u128>().to_le_bytes());
        self.entries.push(Entry {
            at,
            id: id.into_uuid(),
            kind,
            value,
            offer: offer.cloned(),
            name_shown_at: if late { at + Duration::hours(1) } else { at },
            order: self.order.clone(),
        });
    }

    /// The commission of `line`, paid at `paid_at`; returns its rate in basis points.
    fn commission(&mut self, line: &Line, paid_at: DateTime<Utc>) -> i64 {
        let rate = self.rng.random_range(COMMISSION_BASIS_POINTS);
        let due = commission(line.unit * line.quantity, rate);
        let at = self.after(paid_at, 1..90);
        if due >= 2 && self.rng.random_range(0..100) < SPLIT_PERCENT {
            let first = due / 2;
            self.charge(at, &SUC, -first, Some(&line.offer));
            let later = self.after(at + Duration::days(1), 0..3600);
            self.charge(later, &SUC, first - due, Some(&line.offer));
        } else {
            self.charge(at, &SUC, -due, Some(&line.offer));
        }
        rate
    }

    /// The carrier's fee (`kind`) for a parcel whose delivery cost `cost`: a share of it,
    /// charged when the parcel leaves; one parcel in ten goes on the seller's own contract and
    /// costs no fee.
    fn delivery_fee(
        &mut self,
        kind: &'static BillingType,
        cost: i64,
        paid_at: DateTime<Utc>,
        first: Option<&Line>,
    ) {
        if self.rng.random_range(0..10) == 0 {
            return;
        }
        let share = self.rng.random_range(35..=75);
        let days = self.rng.random_range(1..=4);
        let at = self.after(paid_at + Duration::days(days), 0..86_400);
        self.charge(
            at,
            kind,
            -(cost * share / 100).max(1),
            first.map(|l| &l.offer),
        );
    }
}

mod credits;
mod extras;
#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests;
