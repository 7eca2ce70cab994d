//! View formatting in one place: the askama filters every page uses to turn values into text
//! (times, money, Allegro codes, durations, chart axis numbers, the dash for a missing value).
//! Templates call them as `{{ value|name(args) }}` (a template struct's module brings them in
//! with `use crate::web::filters;`); the badges built on them are macros in
//! `templates/macros.html`. Rust code that composes a sentence (a tooltip, a flash message)
//! calls the `format_*` functions here, so each format is written once.
//!
//! The time formats themselves live with the display zone in `domain::settings`, because the
//! CLI and the sync engine print times too and must not depend on the web layer.

use std::fmt::Display;

use askama::Values;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::settings;

/// Shown for a value that is missing.
pub const DASH: &str = "—";

/// A time a page may show, or none: lets one filter take `DateTime<Utc>` and
/// `Option<DateTime<Utc>>` alike.
pub trait ShownTime {
    /// The time, if there is one.
    fn shown_time(&self) -> Option<DateTime<Utc>>;
}

impl ShownTime for DateTime<Utc> {
    fn shown_time(&self) -> Option<DateTime<Utc>> {
        Some(*self)
    }
}

impl ShownTime for Option<DateTime<Utc>> {
    fn shown_time(&self) -> Option<DateTime<Utc>> {
        *self
    }
}

impl<T: ShownTime + ?Sized> ShownTime for &T {
    fn shown_time(&self) -> Option<DateTime<Utc>> {
        (**self).shown_time()
    }
}

/// `{{ at|time(zone) }}`: minutes in the display zone (`2026-11-23 14:05`); for no time, `none`
/// (`{{ at|time(zone, "never") }}`, a dash by default).
#[askama::filter_fn]
pub fn time<T: ShownTime>(
    at: &T,
    _: &dyn Values,
    zone: &Tz,
    #[optional(DASH)] none: &str,
) -> askama::Result<String> {
    Ok(at
        .shown_time()
        .map_or_else(|| none.to_owned(), |at| settings::local_time(at, *zone)))
}

/// `{{ at|utc_time }}`: minutes in UTC, marked so (`2026-11-23 13:05 UTC`); for no time, `none`
/// (`{{ at|utc_time("never") }}`, a dash by default).
#[askama::filter_fn]
pub fn utc_time<T: ShownTime>(
    at: &T,
    _: &dyn Values,
    #[optional(DASH)] none: &str,
) -> askama::Result<String> {
    Ok(at
        .shown_time()
        .map_or_else(|| none.to_owned(), settings::utc_time))
}

/// `{{ at|utc_clock }}`: the time of day in UTC to the second (`13:05:09 UTC`), for a moment
/// minutes away.
#[askama::filter_fn]
pub fn utc_clock<T: ShownTime>(at: &T, _: &dyn Values) -> askama::Result<String> {
    Ok(at.shown_time().map_or_else(
        || DASH.to_owned(),
        |at| at.format("%H:%M:%S UTC").to_string(),
    ))
}

/// `{{ value|dash }}`: the value, or a dash when there is none.
#[askama::filter_fn]
pub fn dash<T: Display>(value: &Option<T>, _: &dyn Values) -> askama::Result<String> {
    Ok(value
        .as_ref()
        .map_or_else(|| DASH.to_owned(), ToString::to_string))
}

/// `{{ cents|money }}`: an amount in cents as `12 345.67` (see [`format_money`]).
#[askama::filter_fn]
pub fn money(cents: &i128, _: &dyn Values) -> askama::Result<String> {
    Ok(format_money(*cents))
}

/// An amount in cents as `12 345.67`: a narrow no-break space between thousands, two decimals.
pub fn format_money(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", cents % 100)
}

/// `{{ code|code_label }}`: an Allegro code as words (`READY_FOR_PROCESSING` → `Ready for
/// processing`).
#[askama::filter_fn]
pub fn code_label<T: AsRef<str>>(code: &T, _: &dyn Values) -> askama::Result<String> {
    Ok(format_code(code.as_ref()))
}

/// An Allegro code as words: underscores to spaces, the first letter capitalised.
pub fn format_code(code: &str) -> String {
    let lower = code.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `{{ status|order_status_class }}`: the badge colour of an order status.
#[askama::filter_fn]
pub fn order_status_class<T: AsRef<str>>(
    status: &T,
    _: &dyn Values,
) -> askama::Result<&'static str> {
    Ok(match status.as_ref() {
        "READY_FOR_PROCESSING" => "badge-ok",
        "CANCELLED" => "badge-muted",
        _ => "badge-warn",
    })
}

/// `{{ status|fulfillment_class }}`: the badge colour of a fulfillment status.
#[askama::filter_fn]
pub fn fulfillment_class<T: AsRef<str>>(
    status: &T,
    _: &dyn Values,
) -> askama::Result<&'static str> {
    Ok(match status.as_ref() {
        "SENT" | "PICKED_UP" | "READY_FOR_PICKUP" => "badge-ok",
        "CANCELLED" | "RETURNED" | "SUSPENDED" => "badge-muted",
        _ => "badge-info",
    })
}

/// `{{ seconds|lag }}`: how long ago, roughly: `45 s`, `12 min`, `3 h 5 min`, `2 days`.
#[askama::filter_fn]
pub fn lag(seconds: &i64, _: &dyn Values) -> askama::Result<String> {
    let s = (*seconds).max(0);
    Ok(match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} days", s / 86_400),
    })
}

/// `{{ seconds|duration }}`: how long something took: `42 s`, `3 min 5 s`.
#[askama::filter_fn]
pub fn duration(seconds: &i64, _: &dyn Values) -> askama::Result<String> {
    let s = *seconds;
    Ok(if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    })
}

/// `{{ value|axis_label }}`: a chart gridline's number: whole numbers as they are, `k`/`M`
/// above ten thousand / a million, at most one decimal (`2.5`, `25k`, `1.5M`).
#[askama::filter_fn]
pub fn axis_label(value: &f64, _: &dyn Values) -> askama::Result<String> {
    let value = *value;
    Ok(if value >= 1_000_000.0 {
        format!("{}M", one_decimal(value / 1_000_000.0))
    } else if value >= 10_000.0 {
        format!("{}k", one_decimal(value / 1_000.0))
    } else {
        one_decimal(value)
    })
}

/// At most one decimal, without a trailing `.0`.
fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use askama::Template;
    use chrono::TimeZone;

    use super::*;
    use crate::web::filters;

    /// Every filter once, as a template uses them.
    #[derive(Template)]
    #[template(
        source = "{{ at|time(zone) }}|{{ none|time(zone) }}|{{ none|utc_time(\"never\") }}|\
                  {{ at|utc_time }}|{{ some|dash }}|{{ missing|dash }}|{{ cents|money }}|\
                  {{ code|code_label }}|{{ code|order_status_class }}|\
                  {{ code|fulfillment_class }}|{{ lag|lag }}|{{ lag|duration }}|\
                  {{ axis|axis_label }}",
        ext = "html"
    )]
    struct Sample {
        at: DateTime<Utc>,
        none: Option<DateTime<Utc>>,
        zone: Tz,
        some: Option<&'static str>,
        missing: Option<i64>,
        cents: i128,
        code: String,
        lag: i64,
        axis: f64,
    }

    #[test]
    fn every_filter_formats_as_the_pages_show_it() {
        let sample = Sample {
            at: Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap(),
            none: None,
            zone: crate::domain::settings::DEFAULT_ZONE,
            some: Some("x"),
            missing: None,
            cents: 123_456_789,
            code: "READY_FOR_PROCESSING".into(),
            lag: 3 * 3600 + 300,
            axis: 25_000.0,
        };
        assert_eq!(
            sample.render().unwrap(),
            "2026-07-02 00:30|—|never|2026-07-01 22:30 UTC|x|—|1\u{202f}234\u{202f}567.89|\
             Ready for processing|badge-ok|badge-info|3 h 5 min|185 min 0 s|25k"
        );
    }

    #[test]
    fn money_is_exact_and_grouped() {
        assert_eq!(format_money(123_456_789 + 11), "1\u{202f}234\u{202f}568.00");
        assert_eq!(format_money(5), "0.05");
        assert_eq!(format_money(-5), "-0.05");
    }

    #[test]
    fn codes_read_as_words() {
        assert_eq!(format_code("READY_FOR_PROCESSING"), "Ready for processing");
        assert_eq!(format_code(""), "");
    }

    #[test]
    fn lag_reads_naturally() {
        let lag = |s: i64| {
            filters::lag::default()
                .execute(&s, askama::NO_VALUES)
                .unwrap()
        };
        assert_eq!(lag(42), "42 s");
        assert_eq!(lag(3 * 3600 + 300), "3 h 5 min");
        assert_eq!(lag(3 * 86_400), "3 days");
    }

    #[test]
    fn axis_labels_are_short() {
        let label = |v: f64| {
            filters::axis_label::default()
                .execute(&v, askama::NO_VALUES)
                .unwrap()
        };
        assert_eq!(label(25_000.0), "25k");
        assert_eq!(label(2.5), "2.5");
        assert_eq!(label(1_500_000.0), "1.5M");
    }
}
