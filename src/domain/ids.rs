//! Ids as their own types, so that a user id cannot be passed where an account id is expected.
//!
//! Each wraps the column's value and reads, writes, prints and parses exactly as that value does:
//! serde is transparent (JSON, forms, path parameters, the session, exports), `Display` prints
//! the inner value (templates, logs, URLs) and Diesel maps it to the inner column type
//! (`DieselNewType`). Log fields record the inner value (`account.id = id.0`): `tracing` takes
//! numbers as numbers only from its own value types, and JSON logs keep them numbers.

use std::{convert::Infallible, fmt, num::ParseIntError, str::FromStr};

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};

/// Declares an id newtype over `i64` (a `BIGINT`/`BIGSERIAL` key).
macro_rules! integer_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            Serialize,
            Deserialize,
            DieselNewType,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

integer_id!(
    /// A linked Allegro account (`allegro_accounts.id`).
    AccountId
);
integer_id!(
    /// A dashboard user (`users.id`).
    UserId
);
integer_id!(
    /// One sync run (`sync_runs.id`).
    RunId
);
integer_id!(
    /// A personal API token (`api_tokens.id`).
    ApiTokenId
);
integer_id!(
    /// A registered webhook endpoint (`webhook_endpoints.id`).
    WebhookId
);
integer_id!(
    /// One delivery to a webhook endpoint (`webhook_deliveries.id`).
    DeliveryId
);

/// An order's id at Allegro: the checkout form's id, a UUID-like string (`orders.checkout_form_id`).
/// Not validated: it is whatever Allegro sent, stored and shown as is.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, DieselNewType,
)]
#[serde(transparent)]
pub struct CheckoutFormId(pub String);

impl CheckoutFormId {
    /// The longest id an address may name (Allegro's are 36-character UUIDs).
    pub const PATH_MAX_CHARS: usize = 64;

    /// The id an address names (`/orders/{id}`), or `None` for text that cannot be one:
    /// letters, digits, `-` and `_`, at most [`Self::PATH_MAX_CHARS`].
    pub fn from_path(raw: &str) -> Option<Self> {
        let valid = !raw.is_empty()
            && raw.len() <= Self::PATH_MAX_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        valid.then(|| Self(raw.to_owned()))
    }

    /// The id as Allegro sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckoutFormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CheckoutFormId {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// Compares with the id as text (what Allegro sent, a fixture's literal).
impl PartialEq<str> for CheckoutFormId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CheckoutFormId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<String> for CheckoutFormId {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for CheckoutFormId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// An id Allegro gives a resource (a UUID-shaped string), kept opaque: not validated, it is
/// whatever Allegro sent.
macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            DieselNewType,
        )]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as Allegro sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

opaque_id!(
    /// A customer return's id at Allegro (`customer_returns.return_id`).
    CustomerReturnId
);
opaque_id!(
    /// A payment refund's id at Allegro (`payment_refunds.refund_id`).
    RefundId
);
opaque_id!(
    /// A commission refund claim's id at Allegro (`GET /order/refund-claims`).
    RefundClaimId
);
opaque_id!(
    /// A billing entry's id at Allegro (`billing_entries.entry_id`).
    BillingEntryId
);
opaque_id!(
    /// An order invoice's id at Allegro (`invoices[].id` of `GET
    /// /order/checkout-forms/{id}/invoices`).
    InvoiceId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_print_and_parse_as_their_inner_value() {
        assert_eq!(serde_json::to_string(&AccountId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<UserId>("42").unwrap(), UserId(42));
        assert_eq!(RunId(3).to_string(), "3");
        assert_eq!("15".parse::<AccountId>().unwrap(), AccountId(15));
        assert!("x".parse::<RunId>().is_err());
        let id = CheckoutFormId::from("29f5a8e0-aaaa");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"29f5a8e0-aaaa\"");
        assert_eq!(id.to_string(), "29f5a8e0-aaaa");
    }
}
