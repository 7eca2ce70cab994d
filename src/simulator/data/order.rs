//! One generated checkout form, step by step. Every step draws from the same generator in a
//! fixed order: reordering the steps (or the draws inside one) changes every world built from a
//! seed.

use chrono::{DateTime, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{
    Generated, delivery, history, invoice, items, market, payment, people,
    values::{maybe_drop_null, pick, price, revision, stamp, uuid_v1ish},
};
use crate::simulator::names::{MESSAGES, NOTES};

/// A new checkout form bought at `t0`; its status depends on how long ago that was from `now`.
/// `fresh` forces a just-created `BOUGHT` form (the moving world).
pub(crate) fn order(
    rng: &mut ChaCha8Rng,
    t0: DateTime<Utc>,
    now: DateTime<Utc>,
    fresh: bool,
) -> Generated {
    let standing = market::standing(rng, now - t0, fresh);
    let market = standing.market;
    let item_count = items::count(rng);
    let bought = stamp(rng, t0);
    let (items, sum) = items::line_items(rng, market, t0, &bought.0, item_count);
    let buyer = people::buyer(rng, market);
    let method = delivery::method(rng, market);
    let total = sum + method.cost;
    let payment = payment::payment(rng, t0, standing.paid(), total, market.currency);
    let parcel = delivery::Parcel {
        market,
        method: &method,
        buyer: &buyer,
        t0,
        item_count,
        with_address: standing.paid() || standing.status == "CANCELLED",
    };
    let delivery = delivery::delivery(rng, &parcel);
    let invoice = invoice::invoice(rng, &buyer, market, payment.kind, t0);
    let (history, updated_at) = history::history(
        rng,
        history::Timeline {
            status: standing.status,
            fulfillment: standing.fulfillment,
            t0,
            now,
            bought,
            filled_at: payment.filled_at,
            paid: standing.paid(),
            paid_at: payment.paid,
        },
    );
    let parts = Parts {
        buyer: buyer.json,
        payment: payment.json,
        delivery,
        invoice,
        items,
        total,
        updated_at,
    };
    Generated {
        order: form(rng, &standing, parts),
        history,
    }
}

/// The parts of a form that the steps before made.
struct Parts {
    buyer: Value,
    payment: Value,
    delivery: Value,
    invoice: Value,
    items: Vec<Value>,
    /// `summary.totalToPay` in minor units.
    total: i64,
    /// `updatedAt` as served.
    updated_at: String,
}

/// The checkout form as served, with its id, message, note and revision.
fn form(rng: &mut ChaCha8Rng, standing: &market::Standing, parts: Parts) -> Value {
    let cur = standing.market.currency;
    let mut order = json!({
        "id": uuid_v1ish(rng),
        "messageToSeller": if rng.random_bool(0.2) { json!(pick(rng, MESSAGES)) } else { Value::Null },
        "buyer": parts.buyer,
        "payment": parts.payment,
        "status": standing.status,
        "fulfillment": {
            "status": standing.fulfillment,
            "shipmentSummary": {"lineItemsSent": standing.sent},
            "provider": {"id": if rng.random_bool(0.05) { "ALLEGRO" } else { "SELLER" }},
        },
        "delivery": parts.delivery,
        "invoice": parts.invoice,
        "lineItems": parts.items,
        "surcharges": [],
        "note": if rng.random_bool(0.1) { json!({"text": pick(rng, NOTES)}) } else { Value::Null },
        "marketplace": {"id": standing.market.id},
        "summary": {"totalToPay": price(parts.total, cur)},
        "updatedAt": parts.updated_at,
        "revision": revision(rng),
    });
    if let Some(obj) = order.as_object_mut() {
        maybe_drop_null(rng, obj, "messageToSeller");
        maybe_drop_null(rng, obj, "note");
        if rng.random_bool(0.02) {
            obj.insert(
                "x-sim-extension".to_owned(),
                json!({"reason": "a field added by Allegro without notice", "level": 1}),
            );
        }
    }
    order
}
