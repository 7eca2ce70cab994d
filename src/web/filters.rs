//! View formatting in one place: the askama filters every page uses to turn values into text
//! (times, money, Allegro codes, durations, chart axis numbers, the dash for a missing value).
//! Templates call them as `{{ value|name(args) }}` (a template struct's module brings them in
//! with `use crate::web::filters;`); the badges built on them are macros in
//! `templates/macros.html`. Rust code that composes a sentence (a tooltip, a flash message)
//! calls the `format_*` functions here, so each format is written once.
//!
//! The formats themselves are `i18n::Locale`'s (the reader's language and the display zone):
//! these filters only carry them into the templates, which pass `page.loc`.

use std::fmt::Display;

use askama::Values;
use chrono::{DateTime, Utc};

use crate::i18n::{Count, Locale};

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

/// `{{ at|time(page.loc) }}`: minutes in the display zone, as the reader's language writes them
/// (`02.12.2026 14:05` / `2026-12-02 14:05`); for no time, `none` (a dash by default).
#[askama::filter_fn]
pub fn time<T: ShownTime>(
    at: &T,
    _: &dyn Values,
    loc: &Locale,
    #[optional(DASH.to_owned())] none: String,
) -> askama::Result<String> {
    Ok(at.shown_time().map_or(none, |at| loc.time(at)))
}

/// `{{ at|time_seconds(page.loc) }}`: [`time`] to the second, for moments minutes apart.
#[askama::filter_fn]
pub fn time_seconds<T: ShownTime>(at: &T, _: &dyn Values, loc: &Locale) -> askama::Result<String> {
    Ok(at
        .shown_time()
        .map_or_else(|| DASH.to_owned(), |at| loc.time_seconds(at)))
}

/// `{{ at|ago(page.loc) }}`: how long ago (or ahead) from now, roughly (`3 min temu`).
#[askama::filter_fn]
pub fn ago<T: ShownTime>(at: &T, _: &dyn Values, loc: &Locale) -> askama::Result<String> {
    Ok(at
        .shown_time()
        .map_or_else(|| DASH.to_owned(), |at| loc.relative(at, Utc::now())))
}

/// `{{ value|dash }}`: the value, or a dash when there is none.
#[askama::filter_fn]
pub fn dash<T: Display>(value: &Option<T>, _: &dyn Values) -> askama::Result<String> {
    Ok(value
        .as_ref()
        .map_or_else(|| DASH.to_owned(), ToString::to_string))
}

/// An amount a template holds: decimal text (as stored), or whole cents (the dashboard's sums).
pub trait ShownAmount {
    fn shown(&self, loc: &Locale, currency: &str) -> Option<String>;
}

impl ShownAmount for String {
    fn shown(&self, loc: &Locale, currency: &str) -> Option<String> {
        Some(loc.money(self, currency))
    }
}

impl ShownAmount for str {
    fn shown(&self, loc: &Locale, currency: &str) -> Option<String> {
        Some(loc.money(self, currency))
    }
}

impl ShownAmount for i128 {
    fn shown(&self, loc: &Locale, currency: &str) -> Option<String> {
        Some(loc.money_cents(*self, currency))
    }
}

impl<T: ShownAmount> ShownAmount for Option<T> {
    fn shown(&self, loc: &Locale, currency: &str) -> Option<String> {
        self.as_ref().and_then(|amount| amount.shown(loc, currency))
    }
}

impl<T: ShownAmount + ?Sized> ShownAmount for &T {
    fn shown(&self, loc: &Locale, currency: &str) -> Option<String> {
        (**self).shown(loc, currency)
    }
}

/// `{{ amount|money(currency, page.loc) }}`: an amount with its currency as the reader's
/// language writes it (`1 234,50 zł`, `PLN 1,234.50`); a dash when there is none.
#[askama::filter_fn]
pub fn money<T: ShownAmount + ?Sized>(
    amount: &T,
    _: &dyn Values,
    currency: &str,
    loc: &Locale,
) -> askama::Result<String> {
    Ok(amount
        .shown(loc, currency)
        .unwrap_or_else(|| DASH.to_owned()))
}

/// `{{ n|count(page.loc) }}`: a count with its thousands grouped (`3 001`, `3,001`).
#[askama::filter_fn]
pub fn count<N: Count>(n: &N, _: &dyn Values, loc: &Locale) -> askama::Result<String> {
    Ok(loc.count(n.as_i64()))
}

/// `{{ code|code_name("order-status", page.loc) }}`: an Allegro code as Allegro's Sales Center
/// names it in the reader's language (`READY_FOR_PROCESSING` → `Do wysłania`), from the message
/// `<kind>-<code>`; a code without a message reads as words.
#[askama::filter_fn]
pub fn code_name<T: AsRef<str> + ?Sized>(
    code: &T,
    _: &dyn Values,
    kind: &str,
    loc: &Locale,
) -> askama::Result<String> {
    Ok(loc.code_name(kind, code.as_ref()))
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

/// `{{ seconds|lag(page.loc) }}`: how long ago, roughly: `45 s`, `12 min`, `3 h 5 min`, `2 days`.
#[askama::filter_fn]
pub fn lag(seconds: &i64, _: &dyn Values, loc: &Locale) -> askama::Result<String> {
    Ok(loc.span(*seconds))
}

/// `{{ seconds|duration(page.loc) }}`: how long something took: `42 s`, `3 min 5 s`.
#[askama::filter_fn]
pub fn duration(seconds: &i64, _: &dyn Values, loc: &Locale) -> askama::Result<String> {
    Ok(loc.took(*seconds))
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
    use crate::{domain::Lang, web::filters};

    /// Every filter once, as a template uses them.
    #[derive(Template)]
    #[template(
        source = "{{ at|time(loc) }}|{{ none|time(loc) }}|{{ none|time(loc, loc.t(\"never\")) }}|\
                  {{ at|time_seconds(loc) }}|{{ some|dash }}|{{ missing|dash }}|\
                  {{ cents|money(\"PLN\", loc) }}|{{ amount|money(\"EUR\", loc) }}|\
                  {{ no_amount|money(\"EUR\", loc) }}|{{ n|count(loc) }}|\
                  {{ code|code_name(\"order-status\", loc) }}|{{ code|order_status_class }}|\
                  {{ code|fulfillment_class }}|{{ lag|lag(loc) }}|{{ lag|duration(loc) }}|\
                  {{ axis|axis_label }}",
        ext = "html"
    )]
    struct Sample {
        loc: Locale,
        at: DateTime<Utc>,
        none: Option<DateTime<Utc>>,
        some: Option<&'static str>,
        missing: Option<i64>,
        cents: i128,
        amount: Option<String>,
        no_amount: Option<String>,
        n: usize,
        code: String,
        lag: i64,
        axis: f64,
    }

    fn sample(lang: Lang) -> Sample {
        Sample {
            loc: Locale::new(lang, crate::domain::settings::DEFAULT_ZONE),
            at: Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 5).unwrap(),
            none: None,
            some: Some("x"),
            missing: None,
            cents: 123_456_789,
            amount: Some("92070.00".into()),
            no_amount: None,
            n: 3001,
            code: "READY_FOR_PROCESSING".into(),
            lag: 3 * 3600 + 300,
            axis: 25_000.0,
        }
    }

    #[test]
    fn every_filter_formats_as_the_pages_show_it() {
        assert_eq!(
            sample(Lang::Pl).render().unwrap(),
            "02.07.2026 00:30|—|nigdy|02.07.2026 00:30:05|x|—|1\u{a0}234\u{a0}567,89\u{a0}zł|\
             92\u{a0}070,00\u{a0}EUR|—|3\u{a0}001|Do wysłania|badge-ok|badge-info|\
             3 godz. 5 min|185 min 0 s|25k"
        );
        assert_eq!(
            sample(Lang::En).render().unwrap(),
            "2026-07-02 00:30|—|never|2026-07-02 00:30:05|x|—|PLN\u{a0}1,234,567.89|\
             EUR\u{a0}92,070.00|—|3,001|Ready to ship|badge-ok|badge-info|3 h 5 min|185 min 0 s|25k"
        );
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
