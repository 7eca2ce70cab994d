//! The payment of a generated form and the moments the buyer filled it in and paid.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::values::{pick, price, stamp, uuid_v1ish};

pub(super) struct Payment {
    /// `ONLINE`, `CASH_ON_DELIVERY`, `WIRE_TRANSFER` or `EXTENDED_TERM`.
    pub kind: &'static str,
    /// When the buyer filled in the form.
    pub filled_at: DateTime<Utc>,
    /// When the buyer paid, as served and as the instant.
    pub paid: (String, DateTime<Utc>),
    pub json: Value,
}

/// The payment of a form bought at `t0` for `total` (minor units of `currency`); `paid` when the
/// form is ready for processing.
pub(super) fn payment(
    rng: &mut ChaCha8Rng,
    t0: DateTime<Utc>,
    paid: bool,
    total: i64,
    currency: &str,
) -> Payment {
    let (kind, provider) = match rng.random_range(0..100) {
        0..=79 => ("ONLINE", *pick(rng, &["P24", "PAYU", "PAYU", "P24"])),
        80..=89 => ("CASH_ON_DELIVERY", "OFFLINE"),
        90..=94 => ("WIRE_TRANSFER", "PAYU"),
        _ => ("EXTENDED_TERM", "AF"),
    };
    let filled_at = t0 + Duration::seconds(rng.random_range(20..300));
    let paid_at = filled_at + Duration::seconds(rng.random_range(10..900));
    let (paid_str, paid_at) = stamp(rng, paid_at);
    let online_paid = paid && kind != "CASH_ON_DELIVERY";
    let json = json!({
        "id": uuid_v1ish(rng),
        "type": kind,
        "provider": provider,
        "finishedAt": if online_paid { json!(paid_str) } else { Value::Null },
        "paidAmount": if online_paid { price(total, currency) } else { Value::Null },
        "reconciliation": null,
        "features": if kind == "EXTENDED_TERM" { json!(["ALLEGRO_PAY"]) } else { json!([]) },
    });
    Payment {
        kind,
        filled_at,
        paid: (paid_str, paid_at),
        json,
    }
}
