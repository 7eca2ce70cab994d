//! The line items of a generated form, with prices in minor units so the totals add up exactly.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{
    market::Market,
    values::{alnum, digits, pick, price, stamp, uuid_v4},
};
use crate::simulator::names::{PRODUCTS, VARIANTS};

/// How many line items a form has (most have one).
pub(super) fn count(rng: &mut ChaCha8Rng) -> usize {
    match rng.random_range(0..100) {
        0..=69 => 1,
        70..=87 => 2,
        88..=95 => 3,
        _ => 4,
    }
}

/// `count` line items of a form bought at `t0` (served as `bought`), and their sum in minor
/// units.
pub(super) fn line_items(
    rng: &mut ChaCha8Rng,
    market: &Market,
    t0: DateTime<Utc>,
    bought: &str,
    count: usize,
) -> (Vec<Value>, i64) {
    let mut items = Vec::with_capacity(count);
    let mut sum: i64 = 0;
    for i in 0..count {
        let (item, subtotal) = line_item(rng, market, t0, bought, i + 1 == count);
        items.push(item);
        sum += subtotal;
    }
    (items, sum)
}

/// One line item and its subtotal; an item that is not the `last` may have been bought earlier.
fn line_item(
    rng: &mut ChaCha8Rng,
    market: &Market,
    t0: DateTime<Utc>,
    bought: &str,
    last: bool,
) -> (Value, i64) {
    let cur = market.currency;
    let (name, base) = *pick(rng, PRODUCTS);
    let unit = market.scaled(i64::from(base));
    let quantity: i64 = if rng.random_bool(0.8) {
        1
    } else {
        rng.random_range(2..6)
    };
    let original = if rng.random_bool(0.15) {
        unit + unit / 10
    } else {
        unit
    };
    let variant = *pick(rng, VARIANTS);
    // An earlier item of a multi-item form may have been bought a bit before the last one.
    let item_bought = if !last && rng.random_bool(0.3) {
        let earlier = t0 - Duration::seconds(rng.random_range(5..600));
        let (s, _) = stamp(rng, earlier);
        s
    } else {
        bought.to_owned()
    };
    let offer = offer(rng, &format!("{name}{variant}"));
    let tax = match rng.random_range(0..10) {
        0 => Value::Null,
        1 => json!({"rate": "8.00", "subject": "GOODS", "exemption": null}),
        _ => json!({"rate": "23.00", "subject": "GOODS", "exemption": null}),
    };
    let item = json!({
        "id": uuid_v4(rng),
        "offer": offer,
        "quantity": quantity,
        "originalPrice": price(original, cur),
        "price": price(unit, cur),
        "reconciliation": null,
        "selectedAdditionalServices": [],
        "vouchers": [],
        "tax": tax,
        "boughtAt": item_bought,
        "discounts": [],
    });
    (item, unit * quantity)
}

/// The offer a line item was bought from, sometimes with a seller SKU and a product set.
fn offer(rng: &mut ChaCha8Rng, name: &str) -> Value {
    let mut offer = json!({
        "id": digits(rng, 11),
        "name": name,
    });
    if rng.random_bool(0.6) {
        offer["external"] = json!({"id": format!("SKU-{}", alnum(rng, 6).to_uppercase())});
    }
    if rng.random_bool(0.3) {
        offer["productSet"] = json!({"products": [{"id": uuid_v4(rng), "quantity": 1}]});
    }
    offer
}
