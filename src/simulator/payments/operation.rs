//! One wallet operation as the simulator keeps it, and as `GET /payments/payment-operations`
//! shows it (allegro-api-money.md §6.2): no id, the wallet (operator, type, balance after the
//! operation), the value (negative for money leaving), `occurredAt` with milliseconds, the
//! marketplace (null for payouts) and the fields of its type (`deduction{id}` of a collection
//! of fees).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::simulator::data::{format_time, price};

/// Defines a closed set of names the API reads and writes, with its lookup by name.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub(crate) const ALL: &[Self] = &[$(Self::$variant),+];

            /// The name the API uses.
            pub(crate) fn name(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// The value the API calls `name`, if any.
            pub(crate) fn named(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == name)
            }
        }
    };
}

named_enum!(
    /// Who holds the wallet: PayU, Przelewy24 or Allegro Finance (cash on delivery, Allegro
    /// Pay), and Allegro Finance's accounts at the two (used only to move refunds, §6.2).
    Operator { Payu => "PAYU", P24 => "P24", Af => "AF", AfP24 => "AF_P24", AfPayu => "AF_PAYU" }
);

named_enum!(
    /// `AVAILABLE`: paid out daily; `WAITING`: held back for a while.
    WalletType { Available => "AVAILABLE", Waiting => "WAITING" }
);

named_enum!(
    /// What a `group` filter selects.
    Group { Income => "INCOME", Outcome => "OUTCOME", Refund => "REFUND", Blockades => "BLOCKADES" }
);

/// The operation types the simulator makes (Allegro has many more, §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The buyer's payment.
    Contribution,
    /// The buyer's extra payment.
    Surcharge,
    /// A refund paid back to the buyer.
    RefundCharge,
    /// Allegro collecting fees from the wallet.
    DeductionCharge,
    /// The daily transfer of the available balance to the seller's bank.
    Payout,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Contribution => "CONTRIBUTION",
            Self::Surcharge => "SURCHARGE",
            Self::RefundCharge => "REFUND_CHARGE",
            Self::DeductionCharge => "DEDUCTION_CHARGE",
            Self::Payout => "PAYOUT",
        }
    }

    pub(crate) fn group(self) -> Group {
        match self {
            Self::Contribution | Self::Surcharge => Group::Income,
            Self::RefundCharge => Group::Refund,
            Self::DeductionCharge | Self::Payout => Group::Outcome,
        }
    }
}

/// The buyer an operation names (`participant`), kept as plain text: a page builds the JSON of
/// fifty, while a seller holds one per order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Participant {
    pub login: Arc<str>,
    /// `id`, `firstName`, `lastName`, `address.street`, `address.city`, `address.postCode`.
    text: [Box<str>; 6],
    company_name: Option<Box<str>>,
}

impl Participant {
    /// The participant of an order's `buyer`.
    pub(crate) fn of(buyer: &Value) -> Self {
        let text = |pointer: &str| {
            Box::from(
                buyer
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            )
        };
        Self {
            login: Arc::from(buyer["login"].as_str().unwrap_or_default()),
            text: [
                "/id",
                "/firstName",
                "/lastName",
                "/address/street",
                "/address/city",
                "/address/postCode",
            ]
            .map(text),
            // Absent on a private buyer's form: null here.
            company_name: buyer["companyName"].as_str().map(Box::from),
        }
    }

    /// `{id, login, firstName, lastName, companyName, address{street, city, postCode}}`.
    fn json(&self) -> Value {
        let [id, first, last, street, city, post_code] =
            self.text.each_ref().map(|t| Value::from(&**t));
        let address = object([("street", street), ("city", city), ("postCode", post_code)]);
        object([
            ("id", id),
            ("login", Value::from(&*self.login)),
            ("firstName", first),
            ("lastName", last),
            (
                "companyName",
                self.company_name
                    .as_deref()
                    .map_or(Value::Null, Value::from),
            ),
            ("address", address),
        ])
    }
}

/// What an operation is, apart from when it occurred and the balance after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Operation {
    pub kind: Kind,
    pub operator: Operator,
    pub currency: &'static str,
    /// Minor units: positive for money in, negative for money out.
    pub value: i64,
    /// `None` for a payout.
    pub marketplace: Option<&'static str>,
    pub payment: Option<Arc<str>>,
    pub surcharge: Option<Arc<str>>,
    pub payout: Option<Uuid>,
    /// `deduction.id` of a collection of fees.
    pub deduction: Option<Uuid>,
    pub participant: Option<Arc<Participant>>,
}

/// An operation that occurred, in a wallet, with the wallet's balance after it.
#[derive(Debug, Clone)]
pub(crate) struct Booked {
    pub at: DateTime<Utc>,
    /// Its place among the operations planned at the same instant (and its identity while
    /// it is held).
    pub seq: u64,
    pub op: Operation,
    pub balance: i64,
}

/// A JSON object of `fields` (built directly: `json!` copies each value it is given through
/// `serde`, slowly in debug builds, and a page has fifty operations).
fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

impl Booked {
    /// The operation as the endpoint shows it, in a `wallet` of that type.
    pub(crate) fn json(&self, wallet: WalletType) -> Value {
        let op = &self.op;
        let wallet = object([
            ("paymentOperator", op.operator.name().into()),
            ("type", wallet.name().into()),
            ("balance", price(self.balance, op.currency)),
        ]);
        let mut json = object([
            ("type", op.kind.name().into()),
            ("group", op.kind.group().name().into()),
            ("wallet", wallet),
            ("value", price(op.value, op.currency)),
            ("occurredAt", format_time(self.at, 3).into()),
            (
                "marketplaceId",
                op.marketplace.map_or(Value::Null, Value::from),
            ),
        ]);
        let ids = [
            ("payment", op.payment.as_deref()),
            ("surcharge", op.surcharge.as_deref()),
        ];
        for (field, id) in ids {
            if let Some(id) = id {
                json[field] = object([("id", id.into())]);
            }
        }
        let uuids = [("payout", op.payout), ("deduction", op.deduction)];
        for (field, id) in uuids {
            if let Some(id) = id {
                json[field] = object([("id", id.to_string().into())]);
            }
        }
        if let Some(participant) = &op.participant {
            json["participant"] = participant.json();
        }
        json
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_read_back_and_types_fall_in_their_groups() {
        for op in Operator::ALL {
            assert_eq!(Operator::named(op.name()), Some(*op));
        }
        assert_eq!(Operator::named("AF_P24"), Some(Operator::AfP24));
        assert_eq!(Operator::named("af"), None);
        assert_eq!(WalletType::named("WAITING"), Some(WalletType::Waiting));
        assert_eq!(Group::named("BLOCKADES"), Some(Group::Blockades));
        assert_eq!(Kind::RefundCharge.group(), Group::Refund);
        assert_eq!(Kind::Payout.group(), Group::Outcome);
        assert_eq!(Kind::Surcharge.group(), Group::Income);
        assert_eq!(Kind::DeductionCharge.group(), Group::Outcome);
    }

    #[test]
    fn an_operation_shows_its_wallet_value_and_type_fields() {
        let buyer = json!({"id": "123704171", "login": "Client:123704171", "firstName": "Andrej",
            "lastName": "Vajda", "email": "x@y", "address": {"street": "Hlavná 55",
            "city": "Košice", "postCode": "04001", "countryCode": "SK"}});
        let booked = Booked {
            at: DateTime::parse_from_rfc3339("2026-07-08T19:58:46.82Z")
                .unwrap()
                .with_timezone(&Utc),
            seq: 0,
            op: Operation {
                kind: Kind::Contribution,
                operator: Operator::Payu,
                currency: "EUR",
                value: 1283,
                marketplace: Some("allegro-sk"),
                payment: Some(Arc::from("56b96839-3d64-11ef-8503-8333eeb576e5")),
                surcharge: None,
                payout: None,
                deduction: None,
                participant: Some(Arc::new(Participant::of(&buyer))),
            },
            balance: 3614,
        };
        let json = booked.json(WalletType::Waiting);
        assert_eq!(
            json,
            json!({
                "type": "CONTRIBUTION", "group": "INCOME",
                "wallet": {"paymentOperator": "PAYU", "type": "WAITING",
                           "balance": {"amount": "36.14", "currency": "EUR"}},
                "occurredAt": "2026-07-08T19:58:46.820Z",
                "value": {"amount": "12.83", "currency": "EUR"},
                "marketplaceId": "allegro-sk",
                "payment": {"id": "56b96839-3d64-11ef-8503-8333eeb576e5"},
                "participant": {"id": "123704171", "companyName": null,
                    "login": "Client:123704171", "firstName": "Andrej", "lastName": "Vajda",
                    "address": {"street": "Hlavná 55", "city": "Košice", "postCode": "04001"}}
            })
        );
    }
}
