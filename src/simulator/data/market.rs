//! Which marketplace a form is bought on and where it stands: status, fulfillment and the line
//! items sent.

use chrono::Duration;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::values::pick;

/// One marketplace: id, currency, buyer language, country, price multiplier (×num/den).
#[derive(Debug)]
pub(crate) struct Market {
    pub id: &'static str,
    pub currency: &'static str,
    pub language: &'static str,
    pub country: &'static str,
    pub num: i64,
    pub den: i64,
}

const MARKETS: &[Market] = &[
    Market {
        id: "allegro-pl",
        currency: "PLN",
        language: "pl-PL",
        country: "PL",
        num: 1,
        den: 1,
    },
    Market {
        id: "allegro-cz",
        currency: "CZK",
        language: "cs-CZ",
        country: "CZ",
        num: 11,
        den: 2,
    },
    Market {
        id: "allegro-sk",
        currency: "EUR",
        language: "sk-SK",
        country: "SK",
        num: 10,
        den: 43,
    },
    Market {
        id: "allegro-hu",
        currency: "HUF",
        language: "hu-HU",
        country: "HU",
        num: 90,
        den: 1,
    },
];

/// The marketplace `id` (`allegro-pl`, `allegro-cz`, `allegro-sk`, `allegro-hu`), if the
/// simulator sells there.
pub(crate) fn marketplace(id: &str) -> Option<&'static Market> {
    MARKETS.iter().find(|m| m.id == id)
}

/// `code` as the simulator's marketplaces write it, if one of them sells in that currency.
pub(crate) fn known_currency(code: &str) -> Option<&'static str> {
    MARKETS.iter().map(|m| m.currency).find(|c| *c == code)
}

impl Market {
    /// `minor` units of Polish money in this marketplace's currency (at least one).
    pub(crate) fn scaled(&self, minor: i64) -> i64 {
        (minor * self.num / self.den).max(1)
    }
}

/// Where a generated form stands.
pub(super) struct Standing {
    pub market: &'static Market,
    pub status: &'static str,
    pub fulfillment: &'static str,
    /// `shipmentSummary.lineItemsSent`.
    pub sent: &'static str,
}

impl Standing {
    /// Whether the buyer has paid (the form is ready for processing).
    pub fn paid(&self) -> bool {
        self.status == "READY_FOR_PROCESSING"
    }
}

/// The marketplace and the form's status; the older the form (`age`), the further along it is.
pub(super) fn standing(rng: &mut ChaCha8Rng, age: Duration, fresh: bool) -> Standing {
    let market = match rng.random_range(0..100) {
        0..=87 => &MARKETS[0],
        88..=92 => &MARKETS[1],
        93..=96 => &MARKETS[2],
        _ => &MARKETS[3],
    };
    let status = status(rng, age, fresh);
    let fulfillment = fulfillment(rng, status, age);
    let sent = match fulfillment {
        "SENT" | "PICKED_UP" | "RETURNED" => "ALL",
        "READY_FOR_PICKUP" if rng.random_bool(0.3) => "SOME",
        _ => "NONE",
    };
    Standing {
        market,
        status,
        fulfillment,
        sent,
    }
}

fn status(rng: &mut ChaCha8Rng, age: Duration, fresh: bool) -> &'static str {
    // Drawn even for a fresh form, so that every form takes the same number of draws here.
    let r = rng.random_range(0..100);
    if fresh {
        "BOUGHT"
    } else if age > Duration::days(3) {
        match r {
            0..=5 => "CANCELLED",
            6..=7 => "BOUGHT",
            8..=10 => "FILLED_IN",
            _ => "READY_FOR_PROCESSING",
        }
    } else {
        match r {
            0..=14 => "BOUGHT",
            15..=29 => "FILLED_IN",
            30..=32 => "CANCELLED",
            _ => "READY_FOR_PROCESSING",
        }
    }
}

fn fulfillment(rng: &mut ChaCha8Rng, status: &str, age: Duration) -> &'static str {
    match status {
        "CANCELLED" => "CANCELLED",
        "READY_FOR_PROCESSING" if age > Duration::days(5) => match rng.random_range(0..100) {
            0..=39 => "SENT",
            40..=89 => "PICKED_UP",
            90..=93 => "RETURNED",
            94..=96 => "CANCELLED",
            _ => "SUSPENDED",
        },
        "READY_FOR_PROCESSING" => pick::<&str>(
            rng,
            &[
                "NEW",
                "PROCESSING",
                "READY_FOR_SHIPMENT",
                "READY_FOR_PICKUP",
                "SENT",
            ],
        ),
        _ => "NEW",
    }
}
