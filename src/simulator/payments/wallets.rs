//! A seller's Allegro Finance wallets: per operator and currency an `AVAILABLE` wallet and a
//! `WAITING` one, each with its balance (allegro-api-money.md §6.2, §6.3).
//!
//! Operations the world plans wait in a map ordered by time and are *booked*, in order, when
//! the clock reaches them (on the first read after), so each balance is summed once. Booked
//! `AVAILABLE` operations only ever grow at the end of a vector sorted by time: a time window
//! is two binary searches, a page a slice of it. Money held back sits in a short vector of what
//! is `WAITING` now and leaves it when released, for a new operation in `AVAILABLE` at the
//! release time. A payout run each day first collects the fees owed (see `collection`), then
//! empties every `AVAILABLE` wallet with a positive balance. An index of the operations of each
//! payment, buyer, operator, group, currency and marketplace serves the filters without a walk;
//! it is built the first time a filter needs it and then kept.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;

use super::{
    collection::{Collection, Owed},
    operation::{Booked, Group, Kind, Operation, Operator, WalletType},
};
use crate::simulator::{
    data::{millis, seeded},
    params::Window,
};

/// An operation's place in the plan: when, then the order it was planned in.
type Key = (DateTime<Utc>, u64);

/// What the world plans for a wallet.
pub(super) enum Planned {
    /// Money in: to `AVAILABLE`, or held in `WAITING` until `release`.
    Income {
        op: Operation,
        release: Option<DateTime<Utc>>,
        /// The order it comes from, and whether it is cash collected on delivery (not
        /// collected when the order is cancelled first).
        order: Arc<str>,
        on_delivery: bool,
    },
    /// Held money `hold` (its `seq`) moves from `WAITING` to `AVAILABLE`.
    Release { hold: u64 },
    /// A refund paid back to the buyer from `AVAILABLE`.
    Charge { op: Operation, refund: Arc<str> },
    /// A fee charged to an order, owed from now on (once the order's last fee is charged) and
    /// collected at the next payout run.
    Fee(Owed),
}

/// A value the list filters on: the operations that have it are indexed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Facet {
    Payment(Arc<str>),
    Login(Arc<str>),
    Operator(Operator),
    Group(Group),
    Currency(&'static str),
    Marketplace(&'static str),
}

/// Positions in `available` of the operations of each facet, ascending.
#[derive(Default)]
struct Index(HashMap<Facet, Vec<u32>>);

impl Index {
    fn of(available: &[Booked]) -> Self {
        let mut index = Self::default();
        available
            .iter()
            .enumerate()
            .for_each(|(at, b)| index.add(b, at));
        index
    }

    fn add(&mut self, booked: &Booked, at: usize) {
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        let op = &booked.op;
        let facets = [
            op.payment.clone().map(Facet::Payment),
            op.participant
                .as_ref()
                .map(|p| Facet::Login(p.login.clone())),
            Some(Facet::Operator(op.operator)),
            Some(Facet::Group(op.kind.group())),
            Some(Facet::Currency(op.currency)),
            op.marketplace.map(Facet::Marketplace),
        ];
        for facet in facets.into_iter().flatten() {
            self.0.entry(facet).or_default().push(at);
        }
    }
}

/// A seller's wallets.
pub(crate) struct Wallets {
    seed: u64,
    /// The seller's id: the payout runs are drawn from it.
    owner: String,
    next_seq: u64,
    planned: BTreeMap<Key, Planned>,
    /// Everything planned up to here is booked.
    booked_through: DateTime<Utc>,
    /// `AVAILABLE` operations that occurred, oldest first.
    available: Vec<Booked>,
    /// What is held in `WAITING` now, oldest first.
    held: Vec<Booked>,
    balances: BTreeMap<(WalletType, Operator, &'static str), i64>,
    /// The next daily payout run, once anything is planned.
    next_run: Option<DateTime<Utc>>,
    /// Payment and surcharge ids whose income is planned or booked: each comes in once.
    incomes: HashSet<Arc<str>>,
    /// Fees charged and not collected yet.
    collection: Collection,
    /// Built on first need.
    index: Option<Index>,
}

impl Wallets {
    /// The empty wallets of seller `owner` in a world of `seed`.
    pub(crate) fn new(seed: u64, owner: &str) -> Self {
        Self {
            seed,
            owner: owner.to_owned(),
            next_seq: 0,
            planned: BTreeMap::new(),
            booked_through: DateTime::<Utc>::MIN_UTC,
            available: Vec::new(),
            held: Vec::new(),
            balances: BTreeMap::new(),
            next_run: None,
            incomes: HashSet::new(),
            collection: Collection::default(),
            index: None,
        }
    }

    pub(super) fn seed(&self) -> u64 {
        self.seed
    }

    /// Plans `planned` at `at`, or just after the last booking if that is later (what has been
    /// shown does not change).
    pub(super) fn plan(&mut self, at: DateTime<Utc>, planned: Planned) {
        let earliest = self.booked_through + Duration::milliseconds(1);
        let at = if at < earliest { earliest } else { at };
        self.next_seq += 1;
        self.planned.insert((at, self.next_seq), planned);
    }

    /// Plans the income `id` (a payment or surcharge id) unless it is already planned.
    pub(super) fn plan_income(&mut self, id: &Arc<str>, at: DateTime<Utc>, income: Planned) {
        if self.incomes.insert(id.clone()) {
            self.plan(at, income);
        }
    }

    /// Drops what is planned and `unwanted`.
    pub(super) fn drop_planned(&mut self, unwanted: impl Fn(&Planned) -> bool) {
        self.planned.retain(|_, p| !unwanted(p));
    }

    /// Books everything planned up to `now`, with the payout runs due by then.
    pub(crate) fn settle(&mut self, now: DateTime<Utc>) {
        if now <= self.booked_through {
            return;
        }
        if self.next_run.is_none() {
            let first = self.planned.keys().next().map(|k| k.0.date_naive());
            self.next_run = first.map(|day| self.run_on(day));
        }
        loop {
            let event = self.planned.keys().next().filter(|k| k.0 <= now).copied();
            let run = self.next_run.filter(|r| *r <= now);
            match (event, run) {
                (Some(key), Some(run)) if key.0 < run => self.book_next(),
                (Some(_), None) => self.book_next(),
                (_, Some(run)) => self.pay_out(run),
                (None, None) => break,
            }
        }
        self.booked_through = now;
    }

    fn book_next(&mut self) {
        let Some(((at, seq), planned)) = self.planned.pop_first() else {
            return;
        };
        match planned {
            Planned::Income {
                op,
                release: Some(release),
                ..
            } => {
                let balance = self.add(WalletType::Waiting, &op, op.value);
                self.held.push(Booked {
                    at,
                    seq,
                    op,
                    balance,
                });
                self.plan(release, Planned::Release { hold: seq });
            }
            Planned::Income { op, .. } | Planned::Charge { op, .. } => {
                self.book_available(at, seq, op);
            }
            Planned::Release { hold } => {
                if let Some(found) = self.held.iter().position(|b| b.seq == hold) {
                    let op = self.held.remove(found).op;
                    self.add(WalletType::Waiting, &op, -op.value);
                    self.book_available(at, seq, op);
                }
            }
            Planned::Fee(owed) => self.collection.owe(owed),
        }
    }

    /// Adds `value` to `op`'s wallet of type `wallet`; the balance after it.
    fn add(&mut self, wallet: WalletType, op: &Operation, value: i64) -> i64 {
        let balance = self
            .balances
            .entry((wallet, op.operator, op.currency))
            .or_insert(0);
        *balance += value;
        *balance
    }

    fn book_available(&mut self, at: DateTime<Utc>, seq: u64, op: Operation) {
        let balance = self.add(WalletType::Available, &op, op.value);
        let booked = Booked {
            at,
            seq,
            op,
            balance,
        };
        if let Some(index) = &mut self.index {
            index.add(&booked, self.available.len());
        }
        self.available.push(booked);
    }

    /// The payout run of `day`: early in the morning, at a time drawn for the seller and day.
    fn run_on(&self, day: NaiveDate) -> DateTime<Utc> {
        let mut rng = seeded(self.seed, "payout-run", &format!("{}/{day}", self.owner));
        let midnight = day.and_time(chrono::NaiveTime::MIN).and_utc();
        let seconds = rng.random_range(2 * 3600..4 * 3600);
        millis(
            midnight
                + Duration::seconds(seconds)
                + Duration::milliseconds(rng.random_range(0..1000)),
        )
    }

    /// Collects, at `run`, the fees owed, per order and wallet, as far as each `AVAILABLE`
    /// balance goes; what does not fit waits for the next run. Ids are drawn from `rng`.
    fn collect_fees(&mut self, run: DateTime<Utc>, rng: &mut impl Rng) {
        for owed in self.collection.take() {
            let key = (WalletType::Available, owed.operator, owed.currency);
            if self.balances.get(&key).copied().unwrap_or(0) < owed.value {
                self.collection.owe(owed);
                continue;
            }
            let id = uuid::Builder::from_random_bytes(rng.random::<u128>().to_le_bytes());
            let op = Operation {
                kind: Kind::DeductionCharge,
                operator: owed.operator,
                currency: owed.currency,
                value: -owed.value,
                marketplace: Some(owed.marketplace),
                payment: None,
                surcharge: None,
                payout: None,
                deduction: Some(id.into_uuid()),
                participant: None,
            };
            self.next_seq += 1;
            self.book_available(run, self.next_seq, op);
        }
    }

    /// Collects the fees owed and pays out, at `run`, every `AVAILABLE` wallet with a positive
    /// balance, and schedules the next day's run.
    fn pay_out(&mut self, run: DateTime<Utc>) {
        let day = run.date_naive();
        let mut rng = seeded(self.seed, "payout", &format!("{}/{day}", self.owner));
        self.collect_fees(run, &mut rng);
        let due: Vec<(Operator, &'static str, i64)> = self
            .balances
            .iter()
            .filter(|((wallet, ..), balance)| *wallet == WalletType::Available && **balance > 0)
            .map(|((_, operator, currency), balance)| (*operator, *currency, *balance))
            .collect();
        for (operator, currency, balance) in due {
            let id = uuid::Builder::from_random_bytes(rng.random::<u128>().to_le_bytes());
            let op = Operation {
                kind: Kind::Payout,
                operator,
                currency,
                value: -balance,
                marketplace: None,
                payment: None,
                surcharge: None,
                payout: Some(id.into_uuid()),
                deduction: None,
                participant: None,
            };
            self.next_seq += 1;
            self.book_available(run, self.next_seq, op);
        }
        self.next_run = day.succ_opt().map(|next| self.run_on(next));
    }

    /// Every `AVAILABLE` operation that occurred, oldest first.
    pub(crate) fn available(&self) -> &[Booked] {
        &self.available
    }

    /// What is held in `WAITING` now, oldest first.
    pub(crate) fn held(&self) -> &[Booked] {
        &self.held
    }

    /// The booked operations of a wallet type that occurred within `window`, oldest first.
    pub(crate) fn within(&self, wallet: WalletType, window: &Window) -> &[Booked] {
        let list = match wallet {
            WalletType::Available => &self.available,
            WalletType::Waiting => &self.held,
        };
        let from = window.gte.map_or(0, |t| list.partition_point(|b| b.at < t));
        let to = window
            .lte
            .map_or(list.len(), |t| list.partition_point(|b| b.at <= t));
        list.get(from..to.max(from)).unwrap_or_default()
    }

    /// The `AVAILABLE` operations within `window` that have a facet of the most selective of
    /// `choices` (each a set of alternatives, such as two groups), oldest first: the candidates
    /// of a filtered query, found with binary searches and not a walk; the caller checks the
    /// other filters.
    pub(crate) fn narrowest(&mut self, choices: &[Vec<Facet>], window: &Window) -> Vec<&Booked> {
        let available = &self.available;
        let index = self.index.get_or_insert_with(|| Index::of(available));
        let within = |positions: &[u32]| -> std::ops::Range<usize> {
            let at = |p: &u32| available.get(*p as usize).map(|b| b.at);
            let from = window.gte.map_or(0, |t| {
                positions.partition_point(|p| at(p).is_some_and(|a| a < t))
            });
            let to = window.lte.map_or(positions.len(), |t| {
                positions.partition_point(|p| at(p).is_some_and(|a| a <= t))
            });
            from..to.max(from)
        };
        let slices = |choice: &Vec<Facet>| -> Vec<&[u32]> {
            let lists = choice.iter().filter_map(|facet| index.0.get(facet));
            lists.map(|l| &l[within(l)]).collect()
        };
        let size = |slices: &Vec<&[u32]>| slices.iter().map(|s| s.len()).sum::<usize>();
        let best = choices
            .iter()
            .map(slices)
            .min_by_key(size)
            .unwrap_or_default();
        let mut positions: Vec<u32> = best.concat();
        if best.len() > 1 {
            positions.sort_unstable();
        }
        let available = &self.available;
        positions
            .into_iter()
            .filter_map(|p| available.get(p as usize))
            .collect()
    }

    /// The fees charged by `now` and not collected yet, owed or planned (tests).
    #[cfg(test)]
    pub(super) fn not_collected(&self, now: DateTime<Utc>) -> Vec<&Owed> {
        let planned = self.planned.values().filter_map(|p| match p {
            Planned::Fee(owed) if owed.charged_at <= now => Some(owed),
            _ => None,
        });
        self.collection.owed().iter().chain(planned).collect()
    }

    /// The balances of every wallet of type `wallet`, by operator and currency (tests).
    #[cfg(test)]
    pub(super) fn balances(&self, wallet: WalletType) -> Vec<((Operator, &'static str), i64)> {
        self.balances
            .iter()
            .filter(|((w, ..), _)| *w == wallet)
            .map(|((_, operator, currency), balance)| ((*operator, *currency), *balance))
            .collect()
    }
}
