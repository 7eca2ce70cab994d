//! One billing account of a seller on one marketplace: its entries in (occurredAt, id) order,
//! each with the balance after it. Entries that have occurred are *booked* in a sorted vector
//! (binary-searched by time, walked from the newest end); entries the world plans for later
//! wait in a sorted map and are booked, in order, when the clock reaches them, so each balance
//! is summed once, when its entry is booked, not on every read. An index by order and by offer
//! serves the `order.id` and `offer.id` filters without a walk over the account; it is built
//! the first time one is needed (most accounts are only ever paged by time) and then kept.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::fees::{Entry, Key};
use crate::simulator::{data::Market, params::Window};

/// A booked entry and the account's balance after it.
pub(crate) struct Booked {
    pub entry: Entry,
    pub balance: i64,
}

/// The keys of each order's and each offer's entries, booked or planned.
#[derive(Default)]
struct Index {
    by_order: HashMap<Arc<str>, Vec<Key>>,
    by_offer: HashMap<Arc<str>, Vec<Key>>,
}

impl Index {
    fn add(&mut self, entry: &Entry) {
        let key = entry.key();
        if let Some(order) = &entry.order {
            self.by_order.entry(order.clone()).or_default().push(key);
        }
        if let Some(offer) = &entry.offer {
            self.by_offer.entry(offer.id.clone()).or_default().push(key);
        }
    }

    fn remove(&mut self, entry: &Entry) {
        let key = entry.key();
        let names = [
            (&mut self.by_order, entry.order.as_deref()),
            (&mut self.by_offer, entry.offer.as_ref().map(|o| &*o.id)),
        ];
        for (index, name) in names {
            if let Some(keys) = name.and_then(|n| index.get_mut(n)) {
                keys.retain(|k| *k != key);
            }
        }
    }
}

/// A seller's billing account on one marketplace.
pub(crate) struct Ledger {
    pub market: &'static Market,
    /// Entries that occurred by `booked_through`, oldest first.
    booked: Vec<Booked>,
    booked_through: DateTime<Utc>,
    /// Entries that occur after `booked_through`.
    planned: BTreeMap<Key, Entry>,
    /// Built on first need.
    index: Option<Index>,
}

impl Ledger {
    /// The account of `market` holding `entries` (in any order), booked through `now`.
    pub(crate) fn new(
        market: &'static Market,
        mut entries: Vec<Entry>,
        now: DateTime<Utc>,
    ) -> Self {
        entries.sort_unstable_by_key(Entry::key);
        let due = entries.partition_point(|e| e.at <= now);
        let planned = entries.split_off(due);
        let mut ledger = Self {
            market,
            booked: Vec::with_capacity(entries.len()),
            booked_through: now,
            // Sorted already: the map is built in bulk.
            planned: planned.into_iter().map(|e| (e.key(), e)).collect(),
            index: None,
        };
        for entry in entries {
            ledger.book(entry);
        }
        ledger
    }

    /// Books `entry` after every booked one.
    fn book(&mut self, entry: Entry) {
        let balance = self.booked.last().map_or(0, |b| b.balance) + entry.value;
        self.booked.push(Booked { entry, balance });
    }

    fn index(&mut self) -> &mut Index {
        let (booked, planned) = (&self.booked, &self.planned);
        self.index.get_or_insert_with(|| {
            let mut index = Index::default();
            booked.iter().map(|b| &b.entry).for_each(|e| index.add(e));
            planned.values().for_each(|e| index.add(e));
            index
        })
    }

    /// Adds `entry`: planned if it occurs later than the last booking, else booked in its place
    /// (the balances after it move with it). An entry already held (the same id at the same
    /// time) is not added again.
    pub(crate) fn add(&mut self, entry: Entry) {
        let key = entry.key();
        if self.planned.contains_key(&key) || self.booked_at(&key).is_some() {
            return;
        }
        if let Some(index) = &mut self.index {
            index.add(&entry);
        }
        if entry.at > self.booked_through {
            self.planned.insert(key, entry);
            return;
        }
        let at = self.booked.partition_point(|b| b.entry.key() < key);
        self.booked.insert(at, Booked { entry, balance: 0 });
        let mut balance = at
            .checked_sub(1)
            .and_then(|i| self.booked.get(i))
            .map_or(0, |b| b.balance);
        for b in &mut self.booked[at..] {
            balance += b.entry.value;
            b.balance = balance;
        }
    }

    /// Books the planned entries that have occurred by `now`, oldest first.
    pub(crate) fn settle(&mut self, now: DateTime<Utc>) {
        if now <= self.booked_through {
            return;
        }
        let later = self
            .planned
            .split_off(&(now + Duration::nanoseconds(1), Uuid::nil()));
        let due = std::mem::replace(&mut self.planned, later);
        for (_, entry) in due {
            self.book(entry);
        }
        self.booked_through = now;
    }

    /// Books what is due at `at`, then drops `order`'s entries planned after it: the world
    /// changed its mind (a cancelled order is neither sent nor returned).
    pub(crate) fn drop_planned(&mut self, order: &str, at: DateTime<Utc>) {
        self.settle(at);
        let keys = self
            .index()
            .by_order
            .get(order)
            .cloned()
            .unwrap_or_default();
        for key in keys {
            if let Some(entry) = self.planned.remove(&key) {
                self.index().remove(&entry);
            }
        }
    }

    /// Every booked entry, oldest first.
    pub(crate) fn booked(&self) -> &[Booked] {
        &self.booked
    }

    /// The booked entries that occurred within `window`, oldest first.
    pub(crate) fn within(&self, window: &Window) -> &[Booked] {
        let from = window
            .gte
            .map_or(0, |t| self.booked.partition_point(|b| b.entry.at < t));
        let to = window.lte.map_or(self.booked.len(), |t| {
            self.booked.partition_point(|b| b.entry.at <= t)
        });
        self.booked.get(from..to.max(from)).unwrap_or_default()
    }

    /// The booked entries of these orders, or (with no orders given) of these offers, in no
    /// particular order.
    pub(crate) fn of(&mut self, orders: &[String], offers: &[String]) -> Vec<&Booked> {
        let index = self.index();
        let (names, ids) = if orders.is_empty() {
            (&index.by_offer, offers)
        } else {
            (&index.by_order, orders)
        };
        let keys: Vec<Key> = ids
            .iter()
            .filter_map(|id| names.get(id.as_str()))
            .flatten()
            .copied()
            .collect();
        keys.iter().filter_map(|key| self.booked_at(key)).collect()
    }

    fn booked_at(&self, key: &Key) -> Option<&Booked> {
        let at = self.booked.partition_point(|b| b.entry.key() < *key);
        self.booked.get(at).filter(|b| b.entry.key() == *key)
    }
}
