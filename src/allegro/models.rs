//! Serde types for Allegro's answers: money, event ids, the order event journal and `/me`.
//! Checkout forms live in `checkout_form.rs`. Types that are stored keep the whole original JSON
//! object in `raw` so that a field Allegro adds tomorrow is never lost.

use std::{cmp::Ordering, fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use serde_json::Value;

use super::time;
use crate::domain::CheckoutFormId;

/// A decimal amount exactly as Allegro sent it (`"123.45"`): never a float.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Amount(String);

/// Why a string is not an [`Amount`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal amount: {0:?}")]
pub struct InvalidAmount(pub String);

impl Amount {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Amount {
    type Err = InvalidAmount;

    /// Accepts `-?digits(.digits)?`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(whole) && fraction.is_none_or(digits) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidAmount(text.to_owned()))
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(D::Error::custom)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Allegro's `Price`: `{"amount": "72.97", "currency": "PLN"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Money {
    pub amount: Amount,
    pub currency: String,
}

/// An event id: an opaque string of digits. Ordered as the journal orders them (shorter first,
/// then lexicographically), never parsed into a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventId(String);

/// Why a string is not an [`EventId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an Allegro event id (digits only): {0:?}")]
pub struct InvalidEventId(pub String);

impl EventId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EventId {
    type Err = InvalidEventId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidEventId(text.to_owned()))
        }
    }
}

impl Ord for EventId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for EventId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A string per the spec; an integer is accepted too (exact: serde_json reads u64).
        match Value::deserialize(d)? {
            Value::String(text) => text.parse().map_err(D::Error::custom),
            Value::Number(n) if n.is_u64() => n.to_string().parse().map_err(D::Error::custom),
            other => Err(D::Error::custom(format!("event id: unexpected {other}"))),
        }
    }
}

impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Deserializes `T` from an already parsed JSON value, as a serde error of `D`.
pub(crate) fn from_raw<'de, T: Deserialize<'de>, E: serde::de::Error>(
    raw: &'de Value,
) -> Result<T, E> {
    T::deserialize(raw).map_err(E::custom)
}

/// One entry of `GET /order/events`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderEvent {
    pub id: EventId,
    /// `BOUGHT`, `FILLED_IN`, `READY_FOR_PROCESSING`, `BUYER_CANCELLED`,
    /// `FULFILLMENT_STATUS_CHANGED`, `BUYER_MODIFIED`, `AUTO_CANCELLED`, or a newer one.
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    /// `order.checkoutForm.id`.
    pub checkout_form_id: Option<CheckoutFormId>,
    /// `order.checkoutForm.revision`.
    pub revision: Option<String>,
    /// The whole event object as Allegro sent it.
    pub raw: Value,
}

impl<'de> Deserialize<'de> for OrderEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: EventId,
            #[serde(rename = "type")]
            event_type: String,
            #[serde(deserialize_with = "time::required")]
            occurred_at: DateTime<Utc>,
            order: Option<Order>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Order {
            checkout_form: Option<FormRef>,
        }
        #[derive(Deserialize)]
        struct FormRef {
            id: Option<CheckoutFormId>,
            revision: Option<String>,
        }
        let raw = Value::deserialize(d)?;
        let fields: Fields = from_raw::<_, D::Error>(&raw)?;
        let form = fields.order.and_then(|o| o.checkout_form);
        let (checkout_form_id, revision) = match form {
            Some(f) => (f.id, f.revision),
            None => (None, None),
        };
        Ok(Self {
            id: fields.id,
            event_type: fields.event_type,
            occurred_at: fields.occurred_at,
            checkout_form_id,
            revision,
            raw,
        })
    }
}

impl Serialize for OrderEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

/// `GET /order/events` body.
#[derive(Debug, Deserialize)]
pub(crate) struct EventsPage {
    #[serde(default)]
    pub events: Vec<OrderEvent>,
}

/// `GET /order/event-stats` → `latestEvent`: where reading the journal "now" starts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatestEvent {
    pub id: EventId,
    #[serde(deserialize_with = "time::required")]
    pub occurred_at: DateTime<Utc>,
}

/// `GET /order/event-stats` body; `latestEvent` may be absent or null with no events.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventStats {
    pub latest_event: Option<LatestEvent>,
}

/// Query of `GET /order/events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// Start strictly after this event (`from`); `None` reads the oldest retained events.
    pub from: Option<EventId>,
    /// `type` filters, sent as repeated `type=` parameters; empty means all types.
    pub types: Vec<String>,
    /// 1..=1000.
    pub limit: u32,
}

impl Default for EventQuery {
    fn default() -> Self {
        Self {
            from: None,
            types: Vec::new(),
            limit: 1000,
        }
    }
}

impl EventQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(self.types.len() + 2);
        if let Some(from) = &self.from {
            pairs.push(("from", from.to_string()));
        }
        pairs.extend(self.types.iter().map(|t| ("type", t.clone())));
        pairs.push(("limit", self.limit.to_string()));
        pairs
    }
}

/// `GET /me`: the seller account behind a token.
#[derive(Debug, Clone, PartialEq)]
pub struct Me {
    /// Allegro user id (the token's `user_name`): the stable account key.
    pub id: String,
    /// Login, for display.
    pub login: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub raw: Value,
}

impl<'de> Deserialize<'de> for Me {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: String,
            login: String,
            first_name: Option<String>,
            last_name: Option<String>,
            email: Option<String>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            id: f.id,
            login: f.login,
            first_name: f.first_name,
            last_name: f.last_name,
            email: f.email,
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn event_ids_order_by_length_then_digits() {
        let id = |s: &str| s.parse::<EventId>().unwrap();
        assert!(id("9") < id("10"));
        assert!(id("1784020205482913") < id("1784020352561747"));
        assert!(id("99999999999999999") > id("1784020352561747"));
        assert_eq!(id("42").cmp(&id("42")), Ordering::Equal);
    }

    #[test]
    fn event_ids_must_be_digits() {
        assert!("".parse::<EventId>().is_err());
        assert!("12a".parse::<EventId>().is_err());
        assert!("1.5e3".parse::<EventId>().is_err());
    }

    #[test]
    fn amounts_must_be_decimal_strings() {
        for good in ["0", "72.97", "-1.50", "123456789012345678901234.99"] {
            assert_eq!(good.parse::<Amount>().unwrap().as_str(), good);
        }
        for bad in ["", "1.", ".5", "1e3", "NaN", "1,50", " 1.00", "+1"] {
            assert!(bad.parse::<Amount>().is_err(), "{bad:?} accepted");
        }
        assert!(
            serde_json::from_value::<Money>(json!({"amount": 72.97, "currency": "PLN"})).is_err()
        );
    }

    #[test]
    fn an_event_keeps_its_raw_json_and_the_checkout_form_reference() {
        let raw = json!({
            "id": "1784020205482913", "occurredAt": "2026-07-14T09:10:05.48Z", "type": "BOUGHT",
            "order": {"checkoutForm": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6", "revision": "4a1c09e2"}},
            "somethingNew": {"x": [1, 2]}
        });
        let event: OrderEvent = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(event.event_type, "BOUGHT");
        assert_eq!(
            event.checkout_form_id.as_ref().map(CheckoutFormId::as_str),
            Some("29738e61-7f6a-11e8-ac45-09db60ede9d6")
        );
        assert_eq!(event.revision.as_deref(), Some("4a1c09e2"));
        assert_eq!(event.raw, raw);
        assert_eq!(serde_json::to_value(&event).unwrap(), raw);
    }

    #[test]
    fn event_stats_without_a_latest_event_mean_none() {
        let stats: EventStats = serde_json::from_str("{}").unwrap();
        assert!(stats.latest_event.is_none());
        let stats: EventStats = serde_json::from_str(r#"{"latestEvent":null}"#).unwrap();
        assert!(stats.latest_event.is_none());
    }

    #[test]
    fn event_queries_repeat_the_type_parameter() {
        let query = EventQuery {
            from: Some("17".parse().unwrap()),
            types: vec!["BOUGHT".into(), "FILLED_IN".into()],
            limit: 500,
        };
        let encoded = serde_urlencoded::to_string(query.to_pairs()).unwrap();
        assert_eq!(encoded, "from=17&type=BOUGHT&type=FILLED_IN&limit=500");
    }
}
