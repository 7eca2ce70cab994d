//! The `OrderEvent` JSON the journal serves for a snapshot of an order.

use serde_json::{Map, Value, json};

fn pick(src: &Value, keys: &[&str]) -> Value {
    let mut out = Map::new();
    for key in keys {
        if let Some(v) = src.get(*key) {
            out.insert((*key).to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

/// The `OrderEvent` JSON for a snapshot of `order`.
pub(crate) fn event_json(
    id: u64,
    occurred_at: &str,
    kind: &str,
    seller_id: &str,
    order: &Value,
) -> String {
    let line_items: Vec<Value> = order["lineItems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|li| {
            let mut item = pick(
                li,
                &["id", "quantity", "originalPrice", "price", "boughtAt"],
            );
            item["offer"] = pick(&li["offer"], &["id", "name", "external"]);
            item
        })
        .collect();
    json!({
        "id": id.to_string(),
        "occurredAt": occurred_at,
        "type": kind,
        "order": {
            "seller": {"id": seller_id},
            "buyer": pick(&order["buyer"], &["id", "email", "login", "guest", "preferences"]),
            "lineItems": line_items,
            "checkoutForm": {"id": order["id"], "revision": order["revision"]},
            "marketplace": order["marketplace"],
        }
    })
    .to_string()
}
