//! A non-negative money amount as typed in a filter: exact decimal digits, never a float.

use std::{fmt, str::FromStr};

/// A non-negative decimal with at most two fraction digits, kept as its canonical text (bound
/// to SQL as text and cast to NUMERIC there). Accepts `12`, `12.5`, `12,50` (Polish comma).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not an amount: use digits with up to two decimals, like 149.99")]
pub struct InvalidAmount(pub String);

impl FromStr for Amount {
    type Err = InvalidAmount;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidAmount(input.chars().take(40).collect());
        let text = input.trim().replace(',', ".");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 12 || fraction.len() > 2 {
            return Err(invalid());
        }
        if !digits(whole) || !digits(fraction) || (text.contains('.') && fraction.is_empty()) {
            return Err(invalid());
        }
        let whole = whole.trim_start_matches('0');
        let whole = if whole.is_empty() { "0" } else { whole };
        Ok(Amount(format!("{whole}.{fraction:0<2}")))
    }
}

impl Amount {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A decimal text (`1234.5`, `-0.07`; at most two fraction digits, as the database gives
/// amounts) in cents, for exact sums. Text that is not a number counts as zero.
pub fn signed_cents(amount: &str) -> i128 {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let negative = whole.starts_with('-');
    let whole: i128 = whole.trim_start_matches('-').parse().unwrap_or(0);
    let fraction: i128 = format!("{fraction:0<2}")[..2].parse().unwrap_or(0);
    let value = whole * 100 + fraction;
    if negative { -value } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_cents_are_exact() {
        assert_eq!(signed_cents("1234.5"), 123_450);
        assert_eq!(signed_cents("0.07"), 7);
        assert_eq!(
            signed_cents("1234567.89") + signed_cents("0.11"),
            123_456_800
        );
        assert_eq!(signed_cents("-0.5"), -50);
        assert_eq!(signed_cents("x"), 0);
    }

    #[test]
    fn canonical_forms() {
        assert_eq!("12".parse::<Amount>().unwrap().as_str(), "12.00");
        assert_eq!("012,5".parse::<Amount>().unwrap().as_str(), "12.50");
        assert_eq!(" 0.99 ".parse::<Amount>().unwrap().as_str(), "0.99");
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for bad in [
            "",
            "-1",
            "1.234",
            "abc",
            "1e5",
            "1.",
            ".5",
            "1 000",
            "9999999999999",
        ] {
            assert!(bad.parse::<Amount>().is_err(), "{bad}");
        }
    }
}
