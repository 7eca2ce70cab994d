//! The opaque keyset cursor of the orders list: the sort, the direction and the `(key, id)` of
//! the row a page starts after (sorted by total or net, the key holds the row's currency too:
//! the list comes in currency groups), as base64url JSON. Decoding validates every part, so a
//! forged cursor is a 400 naming `cursor`, never a query error.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, SecondsFormat};
use serde::{Deserialize, Serialize};

use super::{
    filter::FilterError,
    sort::{Sort, SortKey},
};
use crate::db::models::order::list::KeyValue;

/// Which way a cursor pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The rows after the key, in the sort order.
    Next,
    /// The rows before the key.
    Prev,
}

/// A position in the list: after (or before) the row `(key, id)` in `sort`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub direction: Direction,
    pub key: KeyValue,
    pub id: i64,
}

/// The cursor as it travels in links (base64url of this JSON).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorWire {
    /// Sort name.
    s: String,
    /// `n` (next) or `p` (previous).
    d: String,
    /// Key value; absent for a NULL key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<String>,
    /// The row's currency (sorted by total); absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<String>,
    i: i64,
}

const CURSOR_MAX_CHARS: usize = 400;

fn bad_cursor(message: &str) -> FilterError {
    FilterError::new("cursor", "filter-error-cursor", message)
}

/// A NUMERIC's text: optional minus, digits, optional fraction.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && whole.len() <= 16
        && fraction.len() <= 4
        && digits(whole)
        && digits(fraction)
}

/// A currency code as stored: a few ASCII letters or digits.
fn is_currency(text: &str) -> bool {
    (1..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Cursor {
    /// The opaque text for links.
    pub fn encode(&self) -> String {
        let wire = CursorWire {
            s: self.sort.name().to_string(),
            d: match self.direction {
                Direction::Next => "n",
                Direction::Prev => "p",
            }
            .to_string(),
            k: match &self.key {
                KeyValue::Null => None,
                KeyValue::Time(t) => Some(t.to_rfc3339_opts(SecondsFormat::Micros, true)),
                KeyValue::Total { amount, .. } => amount.clone(),
            },
            c: match &self.key {
                KeyValue::Total { currency, .. } => currency.clone(),
                KeyValue::Null | KeyValue::Time(_) => None,
            },
            i: self.id,
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default())
    }

    /// Decodes and validates a cursor for a list sorted by `sort`.
    pub fn decode(text: &str, sort: Sort) -> Result<Cursor, FilterError> {
        let garbled = || bad_cursor("the page link is damaged; start again from the first page");
        if text.len() > CURSOR_MAX_CHARS {
            return Err(garbled());
        }
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| garbled())?;
        let wire: CursorWire = serde_json::from_slice(&bytes).map_err(|_| garbled())?;
        let cursor_sort = Sort::from_name(&wire.s).ok_or_else(garbled)?;
        if cursor_sort != sort {
            return Err(bad_cursor(
                "the page link belongs to another sort order; start again from the first page",
            ));
        }
        let direction = match wire.d.as_str() {
            "n" => Direction::Next,
            "p" => Direction::Prev,
            _ => return Err(garbled()),
        };
        if wire.i <= 0 {
            return Err(garbled());
        }
        let key = match (wire.k, wire.c, sort.key) {
            (_, Some(_), SortKey::Bought | SortKey::Updated) => return Err(garbled()),
            (None, None, SortKey::Bought | SortKey::Updated) => KeyValue::Null,
            (Some(k), None, SortKey::Bought | SortKey::Updated) => KeyValue::Time(
                DateTime::parse_from_rfc3339(&k)
                    .map_err(|_| garbled())?
                    .to_utc(),
            ),
            (amount, currency, SortKey::Total | SortKey::Net) => {
                if !amount.as_deref().is_none_or(is_decimal)
                    || !currency.as_deref().is_none_or(is_currency)
                {
                    return Err(garbled());
                }
                KeyValue::Total { currency, amount }
            }
        };
        Ok(Cursor {
            sort,
            direction,
            key,
            id: wire.i,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort(name: &str) -> Sort {
        Sort::parse(Some(name)).unwrap()
    }

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-03-29T00:59:59.123456Z")
            .unwrap()
            .to_utc();
        for cursor in [
            Cursor {
                sort: sort("bought_desc"),
                direction: Direction::Next,
                key: KeyValue::Time(at),
                id: 42,
            },
            Cursor {
                sort: sort("updated_asc"),
                direction: Direction::Prev,
                key: KeyValue::Null,
                id: 7,
            },
            Cursor {
                sort: sort("total_desc"),
                direction: Direction::Next,
                key: KeyValue::Total {
                    currency: Some("EUR".into()),
                    amount: Some("1499.90".into()),
                },
                id: 1,
            },
            Cursor {
                sort: sort("total_asc"),
                direction: Direction::Prev,
                key: KeyValue::Total {
                    currency: None,
                    amount: None,
                },
                id: 9,
            },
        ] {
            let text = cursor.encode();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(Cursor::decode(&text, cursor.sort).unwrap(), cursor);
        }
    }

    #[test]
    fn bad_cursors_are_rejected() {
        let good = Cursor {
            sort: sort("total_asc"),
            direction: Direction::Next,
            key: KeyValue::Total {
                currency: Some("PLN".into()),
                amount: Some("10.00".into()),
            },
            id: 3,
        }
        .encode();
        // Another sort's cursor.
        assert!(Cursor::decode(&good, sort("total_desc")).is_err());
        let forge = |json: &str| URL_SAFE_NO_PAD.encode(json);
        for bad in [
            "not base64!".to_string(),
            "AAAA".to_string(),
            "x".repeat(1000),
            forge(r#"{"s":"total_asc","d":"n","k":"1; DROP TABLE orders","i":3}"#),
            forge(r#"{"s":"total_asc","d":"x","k":"1","i":3}"#),
            forge(r#"{"s":"total_asc","d":"n","k":"1","i":-3}"#),
            forge(r#"{"s":"total_asc","d":"n","k":"1","i":3,"extra":1}"#),
            forge(r#"{"s":"bought_desc","d":"n","k":"yesterday","i":3}"#),
            forge(r#"{"s":"total_asc","d":"n","k":"1","c":"PL N","i":3}"#),
            forge(r#"{"s":"total_asc","d":"n","k":"1","c":"","i":3}"#),
            forge(r#"{"s":"bought_desc","d":"n","c":"PLN","i":3}"#),
        ] {
            let sort = if bad.len() > 20 && bad.starts_with("eyJzIjoiYm91") {
                sort("bought_desc")
            } else {
                sort("total_asc")
            };
            let err = Cursor::decode(&bad, sort).unwrap_err();
            assert_eq!(err.parameter, "cursor", "{bad}");
        }
    }
}
