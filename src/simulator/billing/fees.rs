//! The billing entries the simulator charges, decided once from an order (its line items, its
//! delivery method, its marketplace) with generators seeded by the world's seed and the order's
//! id, so the same seed always gives the same fees (allegro-api-money.md §5, §8, §9):
//!
//! - listing fees (`LIS`) of the order's offers: an offer stays listed after the sale and is
//!   renewed every 30 days, up to twice; these name the offer, not the order;
//! - once the order is paid, per line item a commission (`SUC`) of 8–12 % of its value (one in
//!   twenty booked in two parts a day apart, §5.3), and for most parcels the carrier's delivery
//!   fee, charged when the parcel leaves one to four days later;
//! - credits (`REF`): per returned item once the return's commission is refunded, and per line
//!   item of a cancelled paid order, of the commission charged for it.
//!
//! One entry with an offer in ten shows no `offer.name` for its first hour: Allegro fills the
//! name in asynchronously.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use uuid::Uuid;

use super::types::{BillingType, LIS, Language, REF, SUC, delivery_fee_type};
use crate::simulator::{
    data::{Market, format_time, marketplace, millis, minor, parse_time, price, seeded},
    returns::record::ReturnRecord,
};

/// Commission rates, in hundredths of a per cent of the line's value.
const COMMISSION_BASIS_POINTS: std::ops::RangeInclusive<i64> = 800..=1200;
/// Of every hundred commissions, how many are booked in two parts.
const SPLIT_PERCENT: u32 = 5;
/// Of every hundred entries naming an offer, how many get `offer.name` an hour late.
const LATE_NAME_PERCENT: u32 = 10;
/// Listing fees in grosze (scaled to the marketplace's currency).
const LISTING_FEES: [i64; 6] = [5, 10, 25, 50, 100, 150];

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
        Some(Self {
            id: Arc::from(order["id"].as_str()?),
            market: marketplace(order["marketplace"]["id"].as_str()?)?,
            // The latest `boughtAt`, as the order list has it.
            bought_at: bought_at?,
            lines,
            delivery: kind.filter(|_| cost > 0).map(|kind| (kind, cost)),
        })
    }

    pub(crate) fn order_id(&self) -> &str {
        &self.id
    }

    /// The listing fees of the order's offers: each offer is renewed every 30 days after the
    /// sale, zero to two times, at the same fee.
    pub(crate) fn listing_fees(&self, seed: u64) -> Vec<Entry> {
        let mut charges = Charges::new(seed, "listing-fees", self, false);
        for line in &self.lines {
            let fee = LISTING_FEES[charges.rng.random_range(0..LISTING_FEES.len())];
            let fee = self.market.scaled(fee);
            for renewal in 1..=charges.rng.random_range(0..=2) {
                let at = charges.after(self.bought_at + Duration::days(30 * renewal), 0..600);
                charges.charge(at, &LIS, -fee, Some(&line.offer));
            }
        }
        charges.entries
    }

    /// The fees of the sale, paid at `paid_at`: the commissions, the delivery fee and, when the
    /// world plans a return whose commission is refunded (`ret`), the credits that follow it.
    pub(crate) fn sale_fees(
        &self,
        paid_at: DateTime<Utc>,
        ret: Option<&ReturnRecord>,
        seed: u64,
    ) -> Vec<Entry> {
        let mut charges = Charges::new(seed, "sale-fees", self, true);
        let rates: Vec<i64> = self
            .lines
            .iter()
            .map(|line| charges.commission(line, paid_at))
            .collect();
        if let Some((kind, cost)) = self.delivery {
            charges.delivery_fee(kind, cost, paid_at, self.lines.first());
        }
        if let Some(ret) = ret {
            charges.return_credits(ret, &self.lines, &rates);
        }
        charges.entries
    }

    /// The credits of the order, cancelled at `at` after `charged` (its entries so far): per
    /// offer, the commission charged for it, given back within hours.
    pub(crate) fn cancellation_credits(
        &self,
        charged: &[&Entry],
        at: DateTime<Utc>,
        seed: u64,
    ) -> Vec<Entry> {
        let mut charges = Charges::new(seed, "cancellation-credits", self, true);
        let mut per_offer: Vec<(&Offer, i64)> = Vec::new();
        for entry in charged.iter().filter(|e| e.kind == &SUC) {
            let Some(offer) = &entry.offer else {
                continue;
            };
            match per_offer.iter_mut().find(|(o, _)| *o == offer) {
                Some((_, sum)) => *sum += entry.value,
                None => per_offer.push((offer, entry.value)),
            }
        }
        for (offer, sum) in per_offer {
            let when = charges.after(at, 300..14_400);
            charges.charge(when, &REF, -sum, Some(offer));
        }
        charges.entries
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

    /// Per returned item, the commission it was charged at `rates`, credited once the return's
    /// commission is refunded.
    fn return_credits(&mut self, ret: &ReturnRecord, lines: &[Line], rates: &[i64]) {
        let Some(refunded) = ret.reached_at("COMMISSION_REFUNDED") else {
            return;
        };
        for (offer, quantity) in ret.returned_items() {
            let found = lines.iter().zip(rates).find(|(l, _)| *l.offer.id == *offer);
            let Some((line, rate)) = found else {
                continue;
            };
            let quantity = i64::try_from(quantity).unwrap_or(1);
            let at = self.after(refunded, 60..7_200);
            self.charge(
                at,
                &REF,
                commission(line.unit * quantity, *rate),
                Some(&line.offer),
            );
        }
    }
}

/// Orders and entries for the billing tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// 2026-07-01 00:00 UTC plus `minutes`.
    pub(crate) fn minutes(minutes: i64) -> DateTime<Utc> {
        parse_time("2026-07-01T00:00:00Z").unwrap_or_default() + Duration::minutes(minutes)
    }

    /// An entry `minute` minutes into July 2026 with id `n`.
    pub(crate) fn entry(
        minute: i64,
        n: u128,
        value: i64,
        order: Option<&str>,
        offer: Option<&str>,
    ) -> Entry {
        Entry {
            at: minutes(minute),
            id: Uuid::from_u128(n),
            kind: if order.is_some() { &SUC } else { &LIS },
            value,
            offer: offer.map(|id| Offer {
                id: Arc::from(id),
                name: Arc::from("Kubek"),
            }),
            name_shown_at: minutes(minute),
            order: order.map(Arc::from),
        }
    }

    /// A paid order `id` on allegro-pl, delivered by InPost: three mugs and a cheap item.
    pub(crate) fn order(id: &str) -> Value {
        json!({
            "id": id, "status": "READY_FOR_PROCESSING",
            "marketplace": {"id": "allegro-pl"},
            "buyer": {"login": "jan", "email": "jan@allegromail.pl", "phoneNumber": "600100200",
                      "firstName": "Jan", "lastName": "Kowalski", "address": {}},
            "payment": {"type": "ONLINE"},
            "delivery": {"method": {"name": "Allegro Paczkomaty InPost"},
                         "cost": {"amount": "12.99", "currency": "PLN"}},
            "lineItems": [
                {"offer": {"id": "174", "name": "Kubek"}, "quantity": 3,
                 "price": {"amount": "29.99", "currency": "PLN"},
                 "boughtAt": "2026-07-01T10:00:00.000Z"},
                {"offer": {"id": "175", "name": "Podkładka"}, "quantity": 1,
                 "price": {"amount": "0.05", "currency": "PLN"},
                 "boughtAt": "2026-07-01T09:58:00Z"}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{fixtures::order, *};
    use crate::simulator::data::marketplace;

    fn basis(id: &str) -> FeeBasis {
        FeeBasis::of(&order(id)).unwrap()
    }

    fn paid_at() -> DateTime<Utc> {
        parse_time("2026-07-01T10:05:00Z").unwrap()
    }

    #[test]
    fn each_line_item_is_charged_8_to_12_percent_of_its_value_at_payment() {
        let (mut split, mut delivered) = (0, 0);
        for n in 0..1000 {
            let fees = basis(&format!("o-{n}")).sale_fees(paid_at(), None, 42);
            let mut per_offer: HashMap<&str, (i64, usize)> = HashMap::new();
            for e in fees.iter().filter(|e| e.kind == &SUC) {
                assert_eq!(e.order.as_deref(), Some(format!("o-{n}").as_str()));
                assert!(
                    e.at > paid_at() && e.at < paid_at() + Duration::days(1) + Duration::hours(2)
                );
                let sum = per_offer.entry(&e.offer.as_ref().unwrap().id).or_default();
                (sum.0, sum.1) = (sum.0 + e.value, sum.1 + 1);
            }
            let mug = -per_offer["174"].0;
            assert!((719..=1080).contains(&mug), "8–12 % of 89.97: {mug}");
            assert_eq!(per_offer["175"], (-1, 1), "at least a grosz, never split");
            split += usize::from(per_offer["174"].1 == 2);
            let fee: Vec<&Entry> = fees.iter().filter(|e| e.kind.id == "HB4").collect();
            if let [fee] = fee[..] {
                assert!((-974..=-454).contains(&fee.value), "35–75 % of 12.99");
                assert!(fee.at >= paid_at() + Duration::days(1));
                delivered += 1;
            }
        }
        assert!((20..=90).contains(&split), "about 5 % split: {split}");
        assert!((850..=950).contains(&delivered), "nine in ten: {delivered}");
    }

    #[test]
    fn offers_are_renewed_every_30_days_after_the_sale_without_naming_the_order() {
        let (mut renewals, mut late) = (0, 0);
        for n in 0..500 {
            for e in basis(&format!("o-{n}")).listing_fees(7) {
                assert_eq!(e.kind, &LIS);
                assert!(e.order.is_none() && e.value < 0);
                let days = (e.at - parse_time("2026-07-01T10:00:00Z").unwrap()).num_days();
                assert!([30, 60].contains(&days), "{days}");
                renewals += 1;
                late += usize::from(e.name_shown_at > e.at);
            }
        }
        assert!(
            (800..=1200).contains(&renewals),
            "one per offer on average: {renewals}"
        );
        assert!((40..=180).contains(&late), "one in ten named late: {late}");
    }

    #[test]
    fn a_return_whose_commission_is_refunded_gets_its_items_commission_back() {
        let credited = (0..300)
            .filter_map(|n| {
                let o = order(&format!("r-{n}"));
                let ret = ReturnRecord::for_order(&o, 42, 100)?;
                let refunded = ret.reached_at("COMMISSION_REFUNDED")?;
                Some((
                    FeeBasis::of(&o)?.sale_fees(paid_at(), Some(&ret), 42),
                    ret,
                    refunded,
                ))
            })
            .inspect(|(fees, ret, refunded)| {
                let credits: Vec<&Entry> = fees.iter().filter(|e| e.kind == &REF).collect();
                assert_eq!(credits.len(), ret.returned_items().len());
                for (credit, (offer, quantity)) in credits.iter().zip(ret.returned_items()) {
                    assert!(credit.value > 0 && credit.at > *refunded);
                    assert_eq!(*credit.offer.as_ref().unwrap().id, *offer);
                    let charged: i64 = fees
                        .iter()
                        .filter(|e| e.kind == &SUC && e.offer == credit.offer)
                        .map(|e| -e.value)
                        .sum();
                    let bought = if offer == "174" { 3 } else { 1 };
                    // The commission of the returned share, rounded on its own.
                    let share = charged * i64::try_from(quantity).unwrap() / bought;
                    assert!(
                        (credit.value - share).abs() <= 1,
                        "{} vs {share}",
                        credit.value
                    );
                }
            })
            .count();
        assert!(
            credited > 10,
            "{credited} returns with their commission refunded"
        );
    }

    #[test]
    fn a_cancellation_credits_the_commission_charged_per_offer() {
        let b = basis("c-1");
        let fees = b.sale_fees(paid_at(), None, 42);
        let charged: Vec<&Entry> = fees.iter().collect();
        let credits = b.cancellation_credits(&charged, paid_at() + Duration::hours(3), 42);
        assert_eq!(credits.len(), 2);
        let total: i64 = credits.iter().map(|e| e.value).sum();
        let commission: i64 = fees
            .iter()
            .filter(|e| e.kind == &SUC)
            .map(|e| e.value)
            .sum();
        assert_eq!(total, -commission);
        assert!(
            credits
                .iter()
                .all(|e| e.kind == &REF && e.order.as_deref() == Some("c-1"))
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_fees_and_another_seed_others() {
        let ids = |seed| -> Vec<Uuid> {
            let b = basis("same");
            let mut fees = b.listing_fees(seed);
            fees.extend(b.sale_fees(paid_at(), None, seed));
            fees.iter().map(|e| e.id).collect()
        };
        assert_eq!(ids(42), ids(42));
        assert_ne!(ids(42), ids(43));
    }

    #[test]
    fn an_entry_is_shown_as_allegro_writes_it_with_the_name_filled_in_late() {
        let market = marketplace("allegro-cz").unwrap();
        let mut e = fixtures::entry(0, 1, -630, Some("o-1"), Some("174"));
        e.name_shown_at = e.at + Duration::hours(1);
        let early = e.json(-62_682, market, Language::Polish, e.at);
        assert_eq!(early["offer"], json!({"id": "174"}));
        assert_eq!(
            early["value"],
            json!({"amount": "-6.30", "currency": "CZK"})
        );
        assert_eq!(early["balance"]["amount"], "-626.82");
        assert_eq!(early["type"]["name"], "Prowizja od sprzedaży");
        assert_eq!(early["occurredAt"], "2026-07-01T00:00:00.000Z");
        assert_eq!(early["id"], "00000000-0000-0000-0000-000000000001");
        assert_eq!(early["asset"], "DEBIT");
        assert_eq!(early["marketplaceId"], "allegro-cz");
        assert_eq!(early["order"], json!({"id": "o-1"}));
        assert_eq!(early["tax"], json!({"percentage": "23.00"}));
        assert_eq!(early["additionalInfo"], json!([]));
        let later = e.json(-62_682, market, Language::English, e.name_shown_at);
        assert_eq!(later["offer"], json!({"id": "174", "name": "Kubek"}));
        assert_eq!(later["type"]["name"], "Sales commission");
        let credit = fixtures::entry(0, 2, 250, None, None);
        let credit = credit.json(0, market, Language::Polish, credit.at);
        assert_eq!(credit["asset"], "CREDIT");
        assert!(credit.get("offer").is_none() && credit.get("order").is_none());
    }

    #[test]
    fn generated_orders_get_three_to_five_entries_each_on_average() {
        use rand::SeedableRng;
        let now = parse_time("2026-07-15T12:00:00Z").unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (orders, mut entries) = (2000, 0);
        for i in 0..orders {
            let g =
                crate::simulator::data::order(&mut rng, now - Duration::hours(i * 4), now, false);
            let b = FeeBasis::of(&g.order).unwrap();
            entries += b.listing_fees(42).len();
            let paid = g.history.iter().find(|e| e.0 == "READY_FOR_PROCESSING");
            if let Some(&(_, _, at, _)) = paid {
                entries += b.sale_fees(at, None, 42).len();
            }
        }
        let per_order = entries as f64 / f64::from(orders as u32);
        assert!(
            (3.0..=5.0).contains(&per_order),
            "{per_order} entries per order"
        );
    }
}
