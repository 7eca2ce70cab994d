//! Numbers, amounts and times as each language writes them. Amounts stay exact: they arrive as
//! decimal text (or whole cents) and are only regrouped, never turned into floats.
//!
//! Polish: `1 234,50 zł`, `12,00 EUR`, `1 234`, `02.12.2026 14:05` (a no-break space groups
//! thousands, so an amount never wraps). English: `PLN 1,234.50`, `1,234`, `2026-12-02 14:05`.

use chrono::{DateTime, NaiveDate, Utc};

use super::Locale;
use crate::domain::Lang;

/// Groups thousands: U+00A0 in Polish, a comma in English.
const fn group_separator(lang: Lang) -> char {
    match lang {
        Lang::Pl => '\u{a0}',
        Lang::En => ',',
    }
}

const fn decimal_separator(lang: Lang) -> char {
    match lang {
        Lang::Pl => ',',
        Lang::En => '.',
    }
}

/// `n` with its thousands grouped (`1 234` / `1,234`).
pub fn group_digits(lang: Lang, n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", grouped(lang, &n.unsigned_abs().to_string()))
}

fn grouped(lang: Lang, digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(group_separator(lang));
        }
        out.push(c);
    }
    out
}

/// A decimal amount's text (`1234.5`, `-12.00`, as PostgreSQL prints a NUMERIC) in `lang`,
/// grouped, with at least two decimals: `1 234,50` / `1,234.50`. Text that is not a decimal is
/// returned as it is.
pub fn local_amount(lang: Lang, amount: &str) -> String {
    let (sign, unsigned) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return amount.to_owned();
    }
    format!(
        "{sign}{}{}{fraction:0<2}",
        grouped(lang, whole),
        decimal_separator(lang)
    )
}

/// How a currency is named next to an amount: the złoty as `zł` in Polish, every other
/// currency (and every currency in English) by its ISO code.
fn currency_label(lang: Lang, currency: &str) -> &str {
    match (lang, currency) {
        (Lang::Pl, "PLN") => "zł",
        _ => currency,
    }
}

impl Locale {
    /// An amount with its currency: `1 234,50 zł`, `12,00 EUR` / `PLN 1,234.50`.
    pub fn money(&self, amount: &str, currency: &str) -> String {
        let number = local_amount(self.lang, amount);
        let label = currency_label(self.lang, currency);
        match (self.lang, label.is_empty()) {
            (_, true) => number,
            (Lang::Pl, false) => format!("{number}\u{a0}{label}"),
            (Lang::En, false) => format!("{label}\u{a0}{number}"),
        }
    }

    /// An amount in whole cents (sums of the dashboard) with its currency.
    pub fn money_cents(&self, cents: i128, currency: &str) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        self.money(
            &format!("{sign}{}.{:02}", cents / 100, cents % 100),
            currency,
        )
    }

    /// A count, grouped: `1 234` / `1,234`.
    pub fn count(&self, n: i64) -> String {
        group_digits(self.lang, n)
    }

    /// A moment in the display zone, to the minute: `02.12.2026 14:05` / `2026-12-02 14:05`.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format(match self.lang {
                Lang::Pl => "%d.%m.%Y %H:%M",
                Lang::En => "%Y-%m-%d %H:%M",
            })
            .to_string()
    }

    /// A moment in the display zone, to the second (for events minutes apart).
    pub fn time_seconds(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format(match self.lang {
                Lang::Pl => "%d.%m.%Y %H:%M:%S",
                Lang::En => "%Y-%m-%d %H:%M:%S",
            })
            .to_string()
    }

    /// A calendar day: `02.12.2026` / `2026-12-02`.
    pub fn day(&self, day: NaiveDate) -> String {
        day.format(match self.lang {
            Lang::Pl => "%d.%m.%Y",
            Lang::En => "%Y-%m-%d",
        })
        .to_string()
    }

    /// How long ago (or how far ahead) `at` is from `now`, roughly: `3 min temu` / `3 min ago`,
    /// `za 2 godz.` / `in 2 h`.
    pub fn relative(&self, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let seconds = (now - at).num_seconds();
        let (key, amount) = relative_key(seconds);
        match key {
            "rel-now" => self.t(key),
            _ => self.msg(key).count(amount).to_string(),
        }
    }

    /// A length of time, roughly: `45 s`, `12 min`, `3 godz. 5 min` / `3 h 5 min`, `2 dni`.
    pub fn span(&self, seconds: i64) -> String {
        let s = seconds.max(0);
        match s {
            0..60 => self.msg("span-seconds").count(s).to_string(),
            60..3600 => self.msg("span-minutes").count(s / 60).to_string(),
            3600..86_400 => self
                .msg("span-hours-minutes")
                .count(s / 3600)
                .arg("minutes", s % 3600 / 60)
                .to_string(),
            _ => self.msg("span-days").count(s / 86_400).to_string(),
        }
    }

    /// How long something took, to the second: `42 s`, `3 min 5 s`.
    pub fn took(&self, seconds: i64) -> String {
        let s = seconds.max(0);
        if s >= 60 {
            self.msg("span-minutes-seconds")
                .count(s / 60)
                .arg("seconds", s % 60)
                .to_string()
        } else {
            self.msg("span-seconds").count(s).to_string()
        }
    }
}

impl Locale {
    /// An Allegro code as Allegro's Sales Center names it (`order-status-READY_FOR_PROCESSING`
    /// → `Do wysłania`); a code Allegro added later, without a message yet, reads as words.
    pub fn code_name(&self, kind: &str, code: &str) -> String {
        self.known_code_name(kind, code)
            .unwrap_or_else(|| code_as_words(code))
    }

    /// The name of Allegro's code `code` of kind `kind`, when the messages have one.
    pub fn known_code_name(&self, kind: &str, code: &str) -> Option<String> {
        let key = format!("{kind}-{code}");
        super::has_key(self.lang, &key).then(|| self.t(&key))
    }
}

/// An Allegro code as words: underscores to spaces, the first letter capitalised.
pub fn code_as_words(code: &str) -> String {
    let lower = code.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The message for a distance of `seconds` into the past (positive) or future (negative), and
/// the amount it counts.
fn relative_key(seconds: i64) -> (&'static str, i64) {
    let future = seconds < 0;
    let s = seconds.abs();
    let (unit, amount) = match s {
        0..45 => return ("rel-now", 0),
        45..3600 => ("minutes", (s / 60).max(1)),
        3600..86_400 => ("hours", s / 3600),
        _ => ("days", s / 86_400),
    };
    let key = match (future, unit) {
        (false, "minutes") => "rel-past-minutes",
        (false, "hours") => "rel-past-hours",
        (false, _) => "rel-past-days",
        (true, "minutes") => "rel-future-minutes",
        (true, "hours") => "rel-future-hours",
        (true, _) => "rel-future-days",
    };
    (key, amount)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::settings::DEFAULT_ZONE;

    const PL: Locale = Locale {
        lang: Lang::Pl,
        zone: DEFAULT_ZONE,
    };
    const EN: Locale = Locale {
        lang: Lang::En,
        zone: DEFAULT_ZONE,
    };

    #[test]
    fn money_as_each_language_writes_it() {
        assert_eq!(PL.money("1234.5", "PLN"), "1\u{a0}234,50\u{a0}zł");
        assert_eq!(PL.money("12.00", "EUR"), "12,00\u{a0}EUR");
        assert_eq!(EN.money("1234.50", "PLN"), "PLN\u{a0}1,234.50");
        assert_eq!(PL.money("92070.00", "PLN"), "92\u{a0}070,00\u{a0}zł");
        assert_eq!(PL.money("-0.05", "CZK"), "-0,05\u{a0}CZK");
        assert_eq!(EN.money_cents(123_456_789, "EUR"), "EUR\u{a0}1,234,567.89");
        assert_eq!(PL.money_cents(-5, "PLN"), "-0,05\u{a0}zł");
        assert_eq!(PL.money("n/a", "PLN"), "n/a\u{a0}zł");
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(PL.count(3001), "3\u{a0}001");
        assert_eq!(EN.count(1_234_567), "1,234,567");
        assert_eq!(EN.count(-999), "-999");
    }

    #[test]
    fn times_in_the_display_zone() {
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap();
        assert_eq!(PL.time(at), "02.07.2026 00:30");
        assert_eq!(EN.time(at), "2026-07-02 00:30");
        assert_eq!(PL.day(at.date_naive()), "01.07.2026");
    }

    #[test]
    fn relative_hints_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(PL.relative(now - Duration::minutes(3), now), "3 min temu");
        assert_eq!(EN.relative(now - Duration::minutes(3), now), "3 min ago");
        assert_eq!(PL.relative(now - Duration::seconds(5), now), "przed chwilą");
        assert_eq!(PL.relative(now + Duration::hours(2), now), "za 2 godz.");
        assert_eq!(EN.relative(now - Duration::days(5), now), "5 days ago");
        assert_eq!(PL.relative(now - Duration::days(1), now), "1 dzień temu");
        assert_eq!(PL.relative(now - Duration::days(5), now), "5 dni temu");
    }

    #[test]
    fn codes_read_as_sales_center_names_them() {
        assert_eq!(
            PL.code_name("order-status", "READY_FOR_PROCESSING"),
            "Do wysłania"
        );
        assert_eq!(EN.code_name("fulfillment", "SENT"), "Sent");
        assert_eq!(PL.code_name("fulfillment", "NEW_CODE_X"), "New code x");
        assert_eq!(code_as_words(""), "");
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(PL.span(3 * 3600 + 300), "3 godz. 5 min");
        assert_eq!(EN.span(3 * 86_400), "3 days");
        assert_eq!(PL.took(185), "3 min 5 s");
    }
}
