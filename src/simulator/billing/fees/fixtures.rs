//! Orders and entries for the billing tests.

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
