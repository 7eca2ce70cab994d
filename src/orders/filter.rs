//! The orders filters: the list's query string ([`OrderParams`], every value as received) and
//! its validated form ([`OrderFilter`], a domain value the storage layer's queries take). The export, saved views and dashboard links use the
//! same parameters, so a link reproduces the same set of orders everywhere.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use crate::domain::order_codes::{FULFILLMENT_STATUSES, ORDER_STATUSES, PAYMENT_TYPES};
use crate::domain::{
    AccountId, Amount,
    order_filter::{AccountRef, OrderFilter, TimeRange},
};

/// The longest search text accepted.
pub const SEARCH_MAX_CHARS: usize = 200;

/// The query string of the orders list, export and saved views, as received. Empty values mean
/// "not set" (an HTML form sends every field). Names are an interface: links rely on them.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrderParams {
    pub q: Option<String>,
    pub account: Option<String>,
    pub status: Option<String>,
    pub fulfillment: Option<String>,
    pub payment: Option<String>,
    pub delivery: Option<String>,
    pub marketplace: Option<String>,
    pub currency: Option<String>,
    pub bought_from: Option<String>,
    pub bought_to: Option<String>,
    pub updated_from: Option<String>,
    pub updated_to: Option<String>,
    pub min_total: Option<String>,
    pub max_total: Option<String>,
    /// `yes` / `no`.
    pub invoice: Option<String>,
    /// `yes`: orders with a customer return; `no`: without.
    pub has_return: Option<String>,
    /// `yes`: orders with a payment refund paid out; `no`: without.
    pub refunded: Option<String>,
    /// `1`: include orders merged into another one (hidden by default).
    pub merged: Option<String>,
    pub sort: Option<String>,
    pub page_size: Option<String>,
    pub cursor: Option<String>,
    /// The page's position (`2` on the second page), carried by the pager's links to show
    /// where the reader is; the cursor alone decides what the page holds.
    pub page: Option<String>,
}

/// What is wrong with a filter parameter, worded for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct FilterError {
    pub parameter: &'static str,
    /// In English, for the log and the command line.
    pub message: String,
    /// The message a person is shown (`locales/*/filters.ftl`) and its arguments.
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl FilterError {
    pub fn new(parameter: &'static str, key: &'static str, message: impl Into<String>) -> Self {
        FilterError {
            parameter,
            message: message.into(),
            key,
            args: Vec::new(),
        }
    }

    /// With the message argument `$name` set to `value`.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

impl crate::domain::Explain for FilterError {
    fn message_key(&self) -> &'static str {
        self.key
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        self.args.clone()
    }
}

fn error(parameter: &'static str, key: &'static str, message: impl Into<String>) -> FilterError {
    FilterError::new(parameter, key, message)
}

/// The value when set and not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn choice(
    parameter: &'static str,
    value: &Option<String>,
    allowed: &[&'static str],
) -> Result<Option<&'static str>, FilterError> {
    let Some(value) = given(value) else {
        return Ok(None);
    };
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .map(|a| Some(*a))
        .ok_or_else(|| {
            error(
                parameter,
                "filter-error-unknown-value",
                format!("unknown value; use one of {}", allowed.join(", ")),
            )
        })
}

/// A short code (marketplace id, currency, delivery method id): letters, digits, `-`, `_`.
fn code(
    parameter: &'static str,
    value: &Option<String>,
    max: usize,
) -> Result<Option<String>, FilterError> {
    let Some(value) = given(value) else {
        return Ok(None);
    };
    let ok = value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| Some(value.to_string())).ok_or_else(|| {
        error(
            parameter,
            "filter-error-code",
            format!("not a valid value (at most {max} letters, digits, - or _)"),
        )
        .with("max", max)
    })
}

fn date(parameter: &'static str, value: &Option<String>) -> Result<Option<NaiveDate>, FilterError> {
    let Some(value) = given(value) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| error(parameter, "filter-error-date", "not a date (YYYY-MM-DD)"))
}

/// Midnight at the start of `day` in `zone`, as UTC (the first valid instant on DST days).
pub fn start_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match zone.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.to_utc(),
        // No zone in use skips midnight by more than an hour.
        chrono::LocalResult::None => zone
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.to_utc())
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight)),
    }
}

/// Days `from..=to` of `zone` as a UTC range.
fn day_range(
    names: (&'static str, &'static str),
    from: &Option<String>,
    to: &Option<String>,
    zone: Tz,
) -> Result<TimeRange, FilterError> {
    let (from, to) = (date(names.0, from)?, date(names.1, to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(error(
            names.1,
            "filter-error-end-before-start",
            format!("{t} is before the start date {f}"),
        ));
    }
    let end = |day: NaiveDate| {
        day.checked_add_days(Days::new(1))
            .map(|next| start_of_day(next, zone))
            .ok_or_else(|| error(names.1, "filter-error-date", "date out of range"))
    };
    Ok(TimeRange {
        from: from.map(|d| start_of_day(d, zone)),
        to: to.map(end).transpose()?,
    })
}

fn amount(parameter: &'static str, value: &Option<String>) -> Result<Option<Amount>, FilterError> {
    given(value)
        .map(|v| {
            v.parse::<Amount>()
                .map_err(|e| error(parameter, "filter-error-amount", e.to_string()))
        })
        .transpose()
}

fn yes_no(parameter: &'static str, value: &Option<String>) -> Result<Option<bool>, FilterError> {
    match given(value).map(str::to_ascii_lowercase).as_deref() {
        None => Ok(None),
        Some("yes" | "true" | "1") => Ok(Some(true)),
        Some("no" | "false" | "0") => Ok(Some(false)),
        Some(_) => Err(error(parameter, "filter-error-yes-no", "use yes or no")),
    }
}

/// At most 40 characters of user input.
fn clip(value: &str) -> String {
    value.chars().take(40).collect()
}

impl OrderFilter {
    /// Validates every filter parameter; date filters mean days of `zone`.
    pub fn parse(params: &OrderParams, zone: Tz) -> Result<OrderFilter, FilterError> {
        let search = given(&params.q).map(str::to_string);
        if search
            .as_ref()
            .is_some_and(|s| s.chars().count() > SEARCH_MAX_CHARS || s.contains('\0'))
        {
            return Err(error(
                "q",
                "filter-error-search-length",
                format!("search text is limited to {SEARCH_MAX_CHARS} characters"),
            )
            .with("max", SEARCH_MAX_CHARS));
        }
        let account = given(&params.account).map(|a| match a.parse::<AccountId>() {
            Ok(id) => AccountRef::Id(id),
            Err(_) => AccountRef::Login(clip(a)),
        });
        let filter = OrderFilter {
            search,
            account,
            status: choice("status", &params.status, &ORDER_STATUSES)?,
            fulfillment: choice("fulfillment", &params.fulfillment, &FULFILLMENT_STATUSES)?,
            payment: choice("payment", &params.payment, &PAYMENT_TYPES)?,
            delivery: code("delivery", &params.delivery, 64)?,
            marketplace: code("marketplace", &params.marketplace, 40)?,
            currency: code("currency", &params.currency, 3)?.map(|c| c.to_ascii_uppercase()),
            bought: day_range(
                ("bought_from", "bought_to"),
                &params.bought_from,
                &params.bought_to,
                zone,
            )?,
            updated: day_range(
                ("updated_from", "updated_to"),
                &params.updated_from,
                &params.updated_to,
                zone,
            )?,
            min_total: amount("min_total", &params.min_total)?,
            max_total: amount("max_total", &params.max_total)?,
            invoice_required: yes_no("invoice", &params.invoice)?,
            has_return: yes_no("has_return", &params.has_return)?,
            refunded: yes_no("refunded", &params.refunded)?,
            include_merged: yes_no("merged", &params.merged)?.unwrap_or(false),
        };
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &str) -> OrderParams {
        serde_urlencoded::from_str(pairs).unwrap()
    }

    #[test]
    fn empty_values_mean_no_filter() {
        let f = OrderFilter::parse(
            &params("q=&status=&bought_from="),
            chrono_tz::Europe::Warsaw,
        );
        assert_eq!(f.unwrap(), OrderFilter::default());
    }

    #[test]
    fn dates_are_days_of_the_display_zone() {
        let f = OrderFilter::parse(
            &params("bought_from=2026-03-29&bought_to=2026-03-29"),
            chrono_tz::Europe::Warsaw,
        )
        .unwrap();
        // The DST change day in Warsaw: 23 hours, from 23:00 UTC the day before.
        assert_eq!(
            f.bought.from.unwrap().to_rfc3339(),
            "2026-03-28T23:00:00+00:00"
        );
        assert_eq!(
            f.bought.to.unwrap().to_rfc3339(),
            "2026-03-29T22:00:00+00:00"
        );
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let zone = chrono_tz::Europe::Warsaw;
        for (query, parameter) in [
            ("status=SHIPPED", "status"),
            ("bought_from=2026-13-01", "bought_from"),
            ("bought_from=2026-02-02&bought_to=2026-02-01", "bought_to"),
            ("min_total=-5", "min_total"),
            ("currency=PLNX", "currency"),
            ("marketplace=a%27%3B--", "marketplace"),
            ("invoice=maybe", "invoice"),
        ] {
            let err = OrderFilter::parse(&params(query), zone).unwrap_err();
            assert_eq!(err.parameter, parameter, "{query}");
        }
    }

    #[test]
    fn choices_are_case_insensitive_and_canonical() {
        let f = OrderFilter::parse(
            &params("status=cancelled&currency=pln&account=7"),
            chrono_tz::UTC,
        )
        .unwrap();
        assert_eq!(f.status, Some("CANCELLED"));
        assert_eq!(f.currency.as_deref(), Some("PLN"));
        assert_eq!(f.account, Some(AccountRef::Id(AccountId(7))));
    }
}
