//! `GET /order/checkout-forms/{id}/shipments`: tracking numbers. Derived from the order itself
//! (an order whose items were sent has one parcel per sent batch), so they are stable across
//! requests and restarts and follow fulfillment changes. Limited to 50 requests per second per
//! seller, as Allegro documents.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{
    api_guard::{guard_orders, too_many},
    reply::{errors, ok_api},
    world::{State, World, admit_per_second},
};

/// Allegro's documented limit of this endpoint.
const MAX_PER_SECOND: u32 = 50;

const CARRIERS: [(&str, &str); 4] = [
    ("INPOST", "InPost"),
    ("DPD", "DPD"),
    ("ALLEGRO", "Allegro One Box"),
    ("POCZTA_POLSKA", "Poczta Polska"),
];

/// The shipments of `order`: none until items are sent, one parcel when all were sent at
/// once, two when only some were (the rest follow with the second).
pub(crate) fn shipments_of(order: &Value) -> Value {
    let sent = order
        .pointer("/fulfillment/shipmentSummary/lineItemsSent")
        .and_then(Value::as_str)
        .unwrap_or("NONE");
    let items: Vec<&str> = order["lineItems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|li| li["id"].as_str())
        .collect();
    let parcels = match (sent, items.len()) {
        ("ALL", _) => vec![items],
        ("SOME", n) if n > 1 => vec![items[..n / 2].to_vec()],
        ("SOME", _) => vec![items],
        _ => vec![],
    };
    let id = order["id"].as_str().unwrap_or_default();
    let created = order["updatedAt"].as_str().unwrap_or_default();
    let shipments: Vec<Value> = parcels
        .into_iter()
        .enumerate()
        .map(|(n, items)| parcel(id, n, created, &items))
        .collect();
    json!({ "shipments": shipments })
}

fn parcel(order_id: &str, n: usize, created: &str, items: &[&str]) -> Value {
    let digest = Sha256::digest(format!("{order_id}/{n}").as_bytes());
    let (carrier_id, carrier_name) = CARRIERS[usize::from(digest[0]) % CARRIERS.len()];
    let waybill: String = digest[1..9].iter().map(|b| format!("{b:02X}")).collect();
    let id = uuid::Uuid::from_slice(&digest[..16]).unwrap_or_default();
    json!({
        "id": id.to_string(),
        "waybill": waybill,
        "carrierId": carrier_id,
        "carrierName": carrier_name,
        "lineItems": items.iter().map(|li| json!({"id": li})).collect::<Vec<_>>(),
        "createdAt": created,
    })
}

impl State {
    /// Counts a shipments call; false when the seller is over the per-second limit.
    fn admit_shipments_call(&mut self, seller: usize) -> bool {
        let second = self.now().timestamp();
        self.sellers
            .get_mut(seller)
            .is_some_and(|s| admit_per_second(&mut s.shipment_calls, second, MAX_PER_SECOND))
    }
}

impl World {
    /// What the shipments endpoint answers for order `id` of `seller` (ground truth for tests).
    pub fn shipments(&self, seller: usize, id: &str) -> Option<Value> {
        let state = self.lock();
        let json = state.order_json(seller, id)?;
        let order: Value = serde_json::from_str(json).ok()?;
        Some(shipments_of(&order))
    }
}

pub(crate) async fn list(
    req: HttpRequest,
    id: web::Path<String>,
    world: web::Data<World>,
) -> HttpResponse {
    let caller = match guard_orders(&req, &world).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let path = format!("/order/checkout-forms/{id}/shipments");
    let answer = {
        let mut state = world.lock();
        if !state.admit_shipments_call(caller.seller) {
            None
        } else {
            Some(
                state
                    .order_json(caller.seller, &id)
                    .and_then(|json| serde_json::from_str::<Value>(json).ok())
                    .map(|order| shipments_of(&order)),
            )
        }
    };
    match answer {
        None => too_many(1),
        Some(Some(body)) => ok_api(body.to_string(), caller.truncate),
        Some(None) => {
            let m = format!("Checkout form {id} not found");
            errors(
                StatusCode::NOT_FOUND,
                "NotFoundException",
                &m,
                Some(&path),
                Some(&m),
            )
        }
    }
}
