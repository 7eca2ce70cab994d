//! The invoice a generated form asks for: a company's, now and then a private person's, or none.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{market::Market, people::Buyer, values::digits};

/// The form's `invoice`; a company paying on extended terms gets a due date.
pub(super) fn invoice(
    rng: &mut ChaCha8Rng,
    buyer: &Buyer,
    market: &Market,
    payment_kind: &str,
    t0: DateTime<Utc>,
) -> Value {
    let p = &buyer.person;
    if buyer.company {
        let nip = digits(rng, 10);
        json!({
            "required": true,
            "address": {
                "street": p.street, "city": p.city, "zipCode": p.post_code,
                "countryCode": market.country,
                "company": {"name": buyer.company_name, "ids": [{"type": "PL_NIP", "value": nip}],
                            "vatPayerStatus": "ACTIVE", "taxId": nip},
                "naturalPerson": null,
            },
            "dueDate": if payment_kind == "EXTENDED_TERM" {
                json!((t0 + Duration::days(30)).format("%Y-%m-%d").to_string())
            } else { Value::Null },
            "features": [],
        })
    } else if rng.random_bool(0.03) {
        json!({
            "required": true,
            "address": {
                "street": p.street, "city": p.city, "zipCode": p.post_code,
                "countryCode": market.country, "company": null,
                "naturalPerson": {"firstName": p.first, "lastName": p.last},
            },
            "dueDate": null,
            "features": [],
        })
    } else {
        json!({"required": false, "address": null, "dueDate": null, "features": []})
    }
}
