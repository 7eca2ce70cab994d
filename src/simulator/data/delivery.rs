//! The delivery of a generated form: method and cost, dispatch and delivery times, the address
//! (visible only once the form is ready for processing) and a pickup point.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{
    market::Market,
    people::{Buyer, Person, person},
    values::{maybe_drop_null, pick, price},
};
use crate::simulator::names::{DELIVERY_METHODS, PICKUP_DESCRIPTIONS, STREETS};

/// A delivery method and its cost on the form's marketplace.
pub(super) struct Method {
    pub id: &'static str,
    pub name: &'static str,
    /// In minor units of the marketplace's currency.
    pub cost: i64,
    pub pickup: bool,
}

pub(super) fn method(rng: &mut ChaCha8Rng, market: &Market) -> Method {
    let (id, name, base_cost, pickup) = *pick(rng, DELIVERY_METHODS);
    Method {
        id,
        name,
        cost: base_cost * market.num / market.den,
        pickup,
    }
}

/// What the delivery of one form depends on.
pub(super) struct Parcel<'a> {
    pub market: &'a Market,
    pub method: &'a Method,
    pub buyer: &'a Buyer,
    pub t0: DateTime<Utc>,
    pub item_count: usize,
    /// Whether the address is visible (paid or cancelled).
    pub with_address: bool,
}

/// The form's `delivery`; most parcels go to the buyer, some to another recipient.
pub(super) fn delivery(rng: &mut ChaCha8Rng, parcel: &Parcel<'_>) -> Value {
    let recipient = if rng.random_bool(0.85) {
        None
    } else {
        Some(person(rng))
    };
    let rp = recipient.as_ref().unwrap_or(&parcel.buyer.person);
    let dispatch_from = (parcel.t0 + Duration::days(1)).date_naive();
    let mut delivery = json!({
        "method": {"id": parcel.method.id, "name": parcel.method.name},
        "cost": price(parcel.method.cost, parcel.market.currency),
        "time": {
            "from": day(dispatch_from + Days::new(1), false),
            "to": day(dispatch_from + Days::new(2), true),
            "guaranteed": null,
            "dispatch": {"from": day(dispatch_from, false), "to": day(dispatch_from, true)},
        },
        "smart": rng.random_bool(0.6),
        "cancellation": null,
        "calculatedNumberOfPackages": parcel.item_count.min(2),
    });
    if parcel.with_address {
        delivery["address"] = json!({
            "firstName": rp.first, "lastName": rp.last, "street": rp.street, "city": rp.city,
            "zipCode": rp.post_code, "countryCode": parcel.market.country,
            "companyName": parcel.buyer.company_name_or_null(),
            "phoneNumber": rp.phone, "modifiedAt": null,
        });
    }
    if parcel.method.pickup {
        delivery["pickupPoint"] = pickup_point(rng, rp, parcel.market);
    }
    if let Some(obj) = delivery.as_object_mut() {
        maybe_drop_null(rng, obj, "cancellation");
    }
    delivery
}

/// The start (`22:00:00Z` the day before) or the end (`21:59:59.999Z`) of day `d`, as Allegro
/// writes delivery and dispatch times.
fn day(d: NaiveDate, end: bool) -> String {
    if end {
        format!("{}T21:59:59.999Z", d)
    } else {
        format!("{}T22:00:00Z", d - Days::new(1))
    }
}

/// A parcel locker near the recipient.
fn pickup_point(rng: &mut ChaCha8Rng, rp: &Person, market: &Market) -> Value {
    let code = format!(
        "{}{:02}{}",
        rp.pickup_prefix,
        rng.random_range(1..99),
        pick(rng, &["A", "M", "N"])
    );
    json!({
        "id": code,
        "name": format!("Paczkomat {code}"),
        "description": pick(rng, PICKUP_DESCRIPTIONS),
        "address": {"street": format!("{} {}", pick(rng, STREETS), rng.random_range(1..200)),
                    "zipCode": rp.post_code, "city": rp.city, "countryCode": market.country},
    })
}
