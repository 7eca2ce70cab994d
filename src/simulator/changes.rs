//! The moving world: hooks that create and change orders the way buyers, sellers and Allegro do,
//! each bumping `revision` (and `updatedAt` where Allegro does) and writing events.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{
    data::{self, minor, price, revision, stamp, uuid_v1ish},
    names::STREETS,
    orders::FULFILLMENT_STATUSES,
    world::{OrderRecord, State, World},
};

type Events = Vec<(&'static str, DateTime<Utc>)>;

impl State {
    fn seller_of(&self, id: &str) -> Option<usize> {
        self.sellers.iter().position(|s| s.orders.contains_key(id))
    }

    /// Applies `f` to an order, stores it with a new revision (and `updatedAt` when
    /// `buyer_side`), then writes the events `f` returned, in that order.
    fn modify(
        &mut self,
        id: &str,
        buyer_side: bool,
        f: impl FnOnce(&mut Value, &mut ChaCha8Rng, DateTime<Utc>) -> Option<Events>,
    ) -> bool {
        let Some(si) = self.seller_of(id) else {
            return false;
        };
        let now = self.now();
        let Some(mut value) = self.sellers[si].orders.get(id).map(OrderRecord::value) else {
            return false;
        };
        let Some(events) = f(&mut value, &mut self.rng, now) else {
            return false;
        };
        value["revision"] = json!(revision(&mut self.rng));
        if buyer_side {
            value["updatedAt"] = json!(stamp(&mut self.rng, now).0);
        }
        let seller = &mut self.sellers[si];
        seller.replace_order(id, &value);
        for (kind, occurred) in events {
            let (occurred, _) = stamp(&mut self.rng, occurred);
            seller.push_event(kind, occurred, now, &value);
        }
        true
    }

    fn create_order(&mut self, seller: usize) -> String {
        let si = seller % self.sellers.len().max(1);
        let now = self.now();
        let generated = data::order(&mut self.rng, now, now, true);
        let id = generated.order["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(s) = self.sellers.get_mut(si) else {
            return id;
        };
        s.insert_order(OrderRecord::from_value(&generated.order), id.clone());
        let occurred = generated.order["lineItems"][0]["boughtAt"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        s.push_event("BOUGHT", occurred, now, &generated.order);
        self.consider_listing_fees(si, &generated.order);
        id
    }

    /// Pays order `id`; the money comes into the seller's wallet, a paid order is invoiced,
    /// charged its fees, may later be returned and may get commission claims (see `payments`,
    /// `invoices`, `returns`, `billing`, `claims`).
    fn pay(&mut self, id: &str) -> bool {
        let paid = self.pay_order(id);
        if let (true, Some((si, order))) = (paid, self.order_of(id)) {
            let now = self.now();
            self.consider_payments(si, &order, now);
            self.consider_invoices(si, &order);
            self.consider_return(si, &order);
            self.consider_return_refund(si, &order);
            self.consider_sale_fees(si, &order, now);
            self.consider_claims(si, &order, now);
        }
        paid
    }

    /// The seller of order `id` and the order as stored.
    fn order_of(&self, id: &str) -> Option<(usize, Value)> {
        let si = self.seller_of(id)?;
        let order = self.sellers[si].orders.get(id)?.value();
        Some((si, order))
    }

    fn pay_order(&mut self, id: &str) -> bool {
        self.modify(id, true, |o, rng, now| {
            let was = o["status"].as_str()?.to_owned();
            if was != "BOUGHT" && was != "FILLED_IN" {
                return None;
            }
            o["status"] = json!("READY_FOR_PROCESSING");
            if o["payment"]["type"] != "CASH_ON_DELIVERY" {
                o["payment"]["finishedAt"] = json!(stamp(rng, now).0);
                o["payment"]["paidAmount"] = o["summary"]["totalToPay"].clone();
            }
            if o["delivery"].get("address").is_none_or(Value::is_null) {
                let b = &o["buyer"];
                o["delivery"]["address"] = json!({
                    "firstName": b["firstName"], "lastName": b["lastName"],
                    "street": b["address"]["street"], "city": b["address"]["city"],
                    "zipCode": b["address"]["postCode"], "countryCode": b["address"]["countryCode"],
                    "companyName": null, "phoneNumber": b["phoneNumber"], "modifiedAt": null,
                });
            }
            let filled = now - Duration::seconds(rng.random_range(5..60));
            Some(match (was.as_str(), rng.random_bool(0.35)) {
                ("FILLED_IN", _) => vec![("READY_FOR_PROCESSING", now)],
                // Written after READY_FOR_PROCESSING but it occurred before: ids and occurredAt
                // disagree, as in Allegro's journal.
                (_, true) => vec![("READY_FOR_PROCESSING", now), ("FILLED_IN", filled)],
                (_, false) => vec![("FILLED_IN", filled), ("READY_FOR_PROCESSING", now)],
            })
        })
    }

    /// With `journaled` false no event is written (Allegro's journal misses some).
    fn change_fulfillment(&mut self, id: &str, status: &str, journaled: bool) -> bool {
        if !FULFILLMENT_STATUSES.contains(&status) {
            return false;
        }
        self.modify(id, false, |o, _, now| {
            o["fulfillment"]["status"] = json!(status);
            let sent = match status {
                "SENT" | "PICKED_UP" | "RETURNED" => "ALL",
                _ => "NONE",
            };
            o["fulfillment"]["shipmentSummary"] = json!({"lineItemsSent": sent});
            Some(if journaled {
                vec![("FULFILLMENT_STATUS_CHANGED", now)]
            } else {
                vec![]
            })
        })
    }

    /// Cancels order `id`; a paid order is paid back (its invoice perhaps corrected) and Allegro
    /// claims its commission back for the seller, cash on delivery is not collected (see
    /// `invoices`, `refunds`, `billing`, `claims`, `payments`).
    fn cancel(&mut self, id: &str, auto: bool) -> bool {
        let cancelled = self.cancel_order(id, auto);
        if let (true, Some((si, order))) = (cancelled, self.order_of(id)) {
            let now = self.now();
            self.consider_cancel_invoices(si, &order, now);
            self.consider_cancel_refund(si, &order, now);
            self.consider_cancel_fees(si, &order, now);
            self.consider_cancel_claims(si, &order, now);
            self.consider_cancel_payments(si, &order, now);
        }
        cancelled
    }

    fn cancel_order(&mut self, id: &str, auto: bool) -> bool {
        self.modify(id, true, |o, _, now| {
            if o["status"] == "CANCELLED" {
                return None;
            }
            o["status"] = json!("CANCELLED");
            o["fulfillment"]["status"] = json!("CANCELLED");
            let kind = if auto {
                "AUTO_CANCELLED"
            } else {
                "BUYER_CANCELLED"
            };
            Some(vec![(kind, now)])
        })
    }

    fn modify_buyer_address(&mut self, id: &str) -> bool {
        self.modify(id, true, |o, rng, now| {
            let street = format!(
                "{} {}",
                STREETS.choose(rng).unwrap_or(&"Nowa"),
                rng.random_range(1..200)
            );
            let address = o["delivery"]["address"].as_object_mut()?;
            address.insert("street".to_owned(), json!(street));
            address.insert("modifiedAt".to_owned(), json!(stamp(rng, now).0));
            Some(vec![("BUYER_MODIFIED", now)])
        })
    }

    /// Adds a paid surcharge to order `id`; it comes into the seller's wallet (see `payments`).
    fn add_surcharge(&mut self, id: &str) -> bool {
        let added = self.add_surcharge_to(id);
        if let (true, Some((si, order))) = (added, self.order_of(id)) {
            let now = self.now();
            self.consider_payments(si, &order, now);
        }
        added
    }

    fn add_surcharge_to(&mut self, id: &str) -> bool {
        self.modify(id, true, |o, rng, now| {
            let currency = o["summary"]["totalToPay"]["currency"].as_str()?.to_owned();
            let surcharge = json!({
                "id": uuid_v1ish(rng),
                "type": "ONLINE",
                "provider": "P24",
                "finishedAt": stamp(rng, now).0,
                "paidAmount": price(rng.random_range(300..3000), &currency),
                "reconciliation": null,
                "features": [],
            });
            o["surcharges"].as_array_mut()?.push(surcharge);
            Some(vec![("READY_FOR_PROCESSING", now)])
        })
    }

    fn merge(&mut self, ids: &[&str]) -> Option<String> {
        let si = self.seller_of(ids.first()?)?;
        let seller = self.sellers.get(si)?;
        let mut forms = Vec::new();
        for id in ids {
            forms.push(seller.orders.get(*id)?.value());
        }
        let now = self.now();
        let rng = &mut self.rng;
        let mut merged = forms.first()?.clone();
        let items: Vec<Value> = forms
            .iter()
            .flat_map(|f| f["lineItems"].as_array().cloned().unwrap_or_default())
            .collect();
        let currency = merged["summary"]["totalToPay"]["currency"].clone();
        let currency = currency.as_str().unwrap_or("PLN");
        let total = items
            .iter()
            .map(|li| minor(&li["price"]["amount"]) * li["quantity"].as_i64().unwrap_or(1))
            .sum::<i64>()
            + minor(&merged["delivery"]["cost"]["amount"]);
        let new_id = uuid_v1ish(rng);
        merged["id"] = json!(new_id);
        merged["lineItems"] = json!(items);
        merged["status"] = json!("READY_FOR_PROCESSING");
        merged["summary"]["totalToPay"] = price(total, currency);
        merged["payment"]["id"] = json!(uuid_v1ish(rng));
        merged["payment"]["finishedAt"] = json!(stamp(rng, now).0);
        merged["payment"]["paidAmount"] = price(total, currency);
        merged["updatedAt"] = json!(stamp(rng, now).0);
        merged["revision"] = json!(revision(rng));
        let occurred = stamp(rng, now).0;
        let seller = self.sellers.get_mut(si)?;
        for id in ids {
            seller.remove_order(id);
        }
        seller.insert_order(OrderRecord::from_value(&merged), new_id.clone());
        seller.push_event("READY_FOR_PROCESSING", occurred, now, &merged);
        // The merged form is paid under its own payment id, and invoiced as its own.
        self.consider_payments(si, &merged, now);
        self.consider_invoices(si, &merged);
        Some(new_id)
    }

    fn random_recent(&mut self, seller: usize) -> Option<String> {
        let s = self.sellers.get(seller)?;
        let recent = s.by_bought.len().min(300);
        let slice = s.by_bought.get(s.by_bought.len() - recent..)?;
        slice.choose(&mut self.rng).map(|(_, id)| id.clone())
    }

    fn random_change(&mut self) {
        let seller = self.rng.random_range(0..self.sellers.len().max(1));
        let roll = self.rng.random_range(0..100);
        if roll < 30 {
            self.create_order(seller);
            return;
        }
        let Some(id) = self.random_recent(seller) else {
            self.create_order(seller);
            return;
        };
        let done = match roll {
            30..=54 => self.pay(&id),
            55..=59 => self.cancel(&id, roll == 59),
            60..=64 => self.modify_buyer_address(&id),
            65..=68 => self.add_surcharge(&id),
            69..=70 => {
                let other = self.random_recent(seller).filter(|o| *o != id);
                other.is_some_and(|o| self.merge(&[&id, &o]).is_some())
            }
            _ => false,
        };
        if !done {
            let next = ["PROCESSING", "READY_FOR_SHIPMENT", "SENT", "PICKED_UP"]
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("SENT");
            self.change_fulfillment(&id, next, true);
        }
    }
}

impl World {
    /// A new `BOUGHT` checkout form bought now (seller index wraps around); returns its id.
    pub fn create_order(&self, seller: usize) -> String {
        self.lock().create_order(seller)
    }

    /// The seller changes `fulfillment.status`: `revision` moves, `updatedAt` does not.
    pub fn change_fulfillment(&self, id: &str, status: &str) -> bool {
        self.lock().change_fulfillment(id, status, true)
    }

    /// The same change, but the event journal misses it: no event is written, so only a
    /// re-listing or a fetch by id can see it.
    pub fn change_fulfillment_without_event(&self, id: &str, status: &str) -> bool {
        self.lock().change_fulfillment(id, status, false)
    }

    /// The buyer pays: `READY_FOR_PROCESSING` (with `FILLED_IN` first when it was `BOUGHT`).
    pub fn pay(&self, id: &str) -> bool {
        self.lock().pay(id)
    }

    /// The buyer (or Allegro, `auto`) cancels: `BUYER_CANCELLED` or `AUTO_CANCELLED`.
    pub fn cancel(&self, id: &str, auto: bool) -> bool {
        self.lock().cancel(id, auto)
    }

    /// The buyer changes the delivery address: `BUYER_MODIFIED`, `modifiedAt` set.
    pub fn modify_buyer_address(&self, id: &str) -> bool {
        self.lock().modify_buyer_address(id)
    }

    /// Rewrites an order's JSON with `edit` as a buyer-side change (`BUYER_MODIFIED`, new
    /// revision): lets tests serve content the backup must cope with, valid or not.
    pub fn edit_order(&self, id: &str, edit: impl FnOnce(&mut Value)) -> bool {
        self.lock().modify(id, true, |o, _, now| {
            edit(o);
            Some(vec![("BUYER_MODIFIED", now)])
        })
    }

    /// A later surcharge: one more `surcharges[]` entry and another `READY_FOR_PROCESSING`.
    pub fn add_surcharge(&self, id: &str) -> bool {
        self.lock().add_surcharge(id)
    }

    /// Merges purchases of one seller into a new checkout form; the old ids answer 404 and the
    /// line-item ids survive. `None` if an id is unknown.
    pub fn merge(&self, ids: &[&str]) -> Option<String> {
        self.lock().merge(ids)
    }

    /// `n` changes drawn at random (new orders, payments, fulfillment, cancellations, ...).
    pub fn random_changes(&self, n: usize) {
        let mut state = self.lock();
        for _ in 0..n {
            state.random_change();
        }
    }
}
