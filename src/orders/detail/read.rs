//! Lenient readers of the checkout form JSON: the text at a JSON pointer, or "—".

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::NONE;
use crate::i18n::Locale;

/// The text at `pointer` (strings as they are, numbers and booleans printed), if any.
pub(super) fn get(raw: &Value, pointer: &str) -> Option<String> {
    match raw.pointer(pointer)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        _ => None,
    }
}

pub(super) fn text(raw: &Value, pointer: &str) -> String {
    get(raw, pointer).unwrap_or_else(|| NONE.into())
}

pub(super) fn yes_no(raw: &Value, pointer: &str, loc: &Locale) -> String {
    match raw.pointer(pointer) {
        Some(Value::Bool(true)) => loc.t("yes"),
        Some(Value::Bool(false)) => loc.t("no"),
        _ => NONE.into(),
    }
}

/// `{amount, currency}` at `pointer`, exact, as the reader's language writes money
/// (`72,79 zł`, `PLN 72.79`).
pub fn money(raw: &Value, pointer: &str, loc: &Locale) -> String {
    let Some(value) = raw.pointer(pointer) else {
        return NONE.into();
    };
    match (get(value, "/amount"), get(value, "/currency")) {
        (Some(amount), Some(currency)) => loc.money(&amount, &currency),
        (Some(amount), None) => loc.money(&amount, ""),
        _ => NONE.into(),
    }
}

/// A timestamp at `pointer` in the display zone; text that is not a timestamp is shown as it
/// is.
pub(super) fn time(raw: &Value, pointer: &str, loc: &Locale) -> String {
    match get(raw, pointer) {
        Some(s) => DateTime::parse_from_rfc3339(&s)
            .map(|at| loc.time(at.with_timezone(&Utc)))
            .unwrap_or(s),
        None => NONE.into(),
    }
}

/// First and last name (or whichever is there).
pub(super) fn person(raw: &Value, base: &str) -> String {
    let names: Vec<String> = ["firstName", "lastName"]
        .iter()
        .filter_map(|k| get(raw, &format!("{base}/{k}")))
        .collect();
    if names.is_empty() {
        NONE.into()
    } else {
        names.join(" ")
    }
}

/// Street, zip code and city, country.
pub(super) fn address(raw: &Value, base: &str) -> String {
    let zip =
        get(raw, &format!("{base}/zipCode")).or_else(|| get(raw, &format!("{base}/postCode")));
    let city_line: Vec<String> = [zip, get(raw, &format!("{base}/city"))]
        .into_iter()
        .flatten()
        .collect();
    let parts: Vec<String> = [
        get(raw, &format!("{base}/street")),
        (!city_line.is_empty()).then(|| city_line.join(" ")),
        get(raw, &format!("{base}/countryCode")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        NONE.into()
    } else {
        parts.join(", ")
    }
}

pub(super) fn array<'a>(raw: &'a Value, pointer: &str) -> &'a [Value] {
    raw.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The latest `lineItems[].boughtAt` (what `orders.bought_at` holds and the list sorts by).
pub(super) fn bought_at(raw: &Value, loc: &Locale) -> String {
    array(raw, "/lineItems")
        .iter()
        .filter_map(|item| item.get("boughtAt")?.as_str())
        .filter_map(|s| DateTime::parse_from_rfc3339(s).ok())
        .max()
        .map_or_else(|| NONE.into(), |at| loc.time(at.with_timezone(&Utc)))
}

/// `from – to` in the display zone.
pub(super) fn between(raw: &Value, from: &str, to: &str, loc: &Locale) -> String {
    match (time(raw, from, loc), time(raw, to, loc)) {
        (from, to) if from == NONE && to == NONE => NONE.into(),
        (from, to) => format!("{from} – {to}"),
    }
}

/// `company.taxId`, else the first of `company.ids`.
pub(super) fn tax_id(raw: &Value) -> String {
    get(raw, "/invoice/address/company/taxId")
        .or_else(|| {
            let ids = array(raw, "/invoice/address/company/ids");
            ids.first().and_then(|id| {
                let value = get(id, "/value")?;
                Some(match get(id, "/type") {
                    Some(kind) => format!("{value} ({kind})"),
                    None => value,
                })
            })
        })
        .unwrap_or_else(|| NONE.into())
}
