//! Deterministic data generator: sellers, checkout forms and their event history, all drawn from
//! a seeded `ChaCha8Rng` so the same seed always gives the same world.

use chrono::{DateTime, Utc};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

mod delivery;
mod history;
mod invoice;
mod items;
mod market;
mod order;
mod payment;
mod people;
mod time;
mod values;

pub(crate) use market::{Market, known_currency, marketplace};
pub(crate) use order::order;
pub(crate) use time::{bought_at, parse_time};
pub(crate) use values::{
    amount, format_time, millis, minor, price, revision, seeded, stamp, uuid_v1ish, uuid_v4,
};
use values::{digits, pick};

use super::names::{COMPANY_SUFFIXES, FIRST_NAMES, LAST_NAMES, ascii_fold};

/// The public profile of a simulated seller (`GET /me`).
#[derive(Debug, Clone)]
pub(crate) struct SellerProfile {
    pub id: String,
    pub login: String,
    pub me: Value,
}

/// A generated checkout form plus the events that led to its current state.
pub(crate) struct Generated {
    pub order: Value,
    pub history: Vec<history::Event>,
}

/// When the generated form became ready for processing (the buyer paid, or chose cash on
/// delivery), if it did.
pub(crate) fn paid_at(generated: &Generated) -> Option<DateTime<Utc>> {
    generated
        .history
        .iter()
        .find(|e| e.0 == "READY_FOR_PROCESSING")
        .map(|e| e.2)
}

pub(crate) fn seller(rng: &mut ChaCha8Rng, index: usize) -> SellerProfile {
    let first = *pick(rng, FIRST_NAMES);
    let last = *pick(rng, LAST_NAMES);
    let id = digits(rng, 9);
    let login = format!("{}_sklep_{}", ascii_fold(last).to_lowercase(), index + 1);
    let company = format!("{} {}", ascii_fold(last), pick(rng, COMPANY_SUFFIXES));
    let me = json!({
        "id": id,
        "login": login,
        "firstName": first,
        "lastName": last,
        "email": format!("{login}@example.pl"),
        "baseMarketplace": {"id": "allegro-pl"},
        "company": {"name": company, "taxId": digits(rng, 10)},
        "features": if index == 0 { json!(["SUPER_SELLER"]) } else { json!([]) },
    });
    SellerProfile { id, login, me }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};
    use rand::SeedableRng;

    #[test]
    fn amounts_have_exactly_two_decimals() {
        use super::values::amount;
        assert_eq!(amount(7297), "72.97");
        assert_eq!(amount(5), "0.05");
        assert_eq!(amount(0), "0.00");
        assert_eq!(amount(-150), "-1.50");
    }

    #[test]
    fn amounts_are_read_in_minor_units() {
        assert_eq!(minor(&json!("29.99")), 2999);
        assert_eq!(minor(&json!("12.5")), 1250);
        assert_eq!(minor(&json!("7")), 700);
        assert_eq!(minor(&json!("-1.50")), -150);
        assert_eq!(minor(&json!("-0.05")), -5);
    }

    #[test]
    fn stamps_round_trip_through_rfc3339() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let t = Utc::now();
        for _ in 0..50 {
            let (s, exact) = stamp(&mut rng, t);
            let parsed = DateTime::parse_from_rfc3339(&s).unwrap();
            assert_eq!(parsed, exact, "{s}");
        }
    }

    #[test]
    fn a_generated_order_has_totals_that_add_up() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let now = Utc::now();
        for i in 0..200 {
            let g = order(&mut rng, now - Duration::hours(i * 7), now, false);
            let o = g.order;
            let minor =
                |v: &Value| -> i64 { v.as_str().unwrap().replace('.', "").parse::<i64>().unwrap() };
            let items: i64 = o["lineItems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|li| minor(&li["price"]["amount"]) * li["quantity"].as_i64().unwrap())
                .sum();
            let cost = minor(&o["delivery"]["cost"]["amount"]);
            assert_eq!(items + cost, minor(&o["summary"]["totalToPay"]["amount"]));
        }
    }
}
