//! What every API answer is made of: times as ISO 8601 UTC, money as a decimal string with its
//! currency, ids as strings, and documents as Allegro sent them (masked for a user who must not
//! see buyer personal data).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, value::RawValue};
use utoipa::ToSchema;

use super::problem::ApiError;
use crate::orders::mask_json::mask_personal_data;

/// A time as ISO 8601 in UTC, to the second (`2026-12-02T14:05:00Z`).
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An optional time as [`iso`].
pub fn iso_opt(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(iso)
}

/// An amount of money: the exact decimal as stored (`"1234.50"`, never a float) and its
/// currency (ISO 4217).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyJson {
    #[schema(example = "149.99")]
    pub amount: String,
    #[schema(example = "PLN")]
    pub currency: Option<String>,
}

impl MoneyJson {
    pub fn of(amount: Option<String>, currency: Option<String>) -> Option<MoneyJson> {
        amount.map(|amount| MoneyJson { amount, currency })
    }
}

/// A stored Allegro document for the caller: the stored text untouched, or, for a user who
/// must not see buyer personal data, the document with it masked.
pub fn document_text(text: String, hide_personal_data: bool) -> Result<Box<RawValue>, ApiError> {
    if !hide_personal_data {
        return RawValue::from_string(text).map_err(ApiError::unexpected);
    }
    let value: Value = serde_json::from_str(&text).map_err(ApiError::unexpected)?;
    document(&value, true)
}

/// [`document_text`] for a document already read as JSON.
pub fn document(value: &Value, hide_personal_data: bool) -> Result<Box<RawValue>, ApiError> {
    let text = if hide_personal_data {
        serde_json::to_string(&mask_personal_data(value))
    } else {
        serde_json::to_string(value)
    }
    .map_err(ApiError::unexpected)?;
    RawValue::from_string(text).map_err(ApiError::unexpected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_kept_as_sent_unless_masked() {
        let text = r#"{"buyer":{"email":"jan@example.pl","login":"jan"},"b":1.50}"#;
        let kept = document_text(text.to_owned(), false).unwrap();
        assert_eq!(kept.get(), text, "byte for byte");
        let masked = document_text(text.to_owned(), true).unwrap();
        assert!(!masked.get().contains("jan@example.pl"), "{}", masked.get());
        assert!(masked.get().contains(r#""b":1.50"#) || masked.get().contains(r#""b":1.5"#));
    }
}
