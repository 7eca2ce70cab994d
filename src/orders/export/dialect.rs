//! The CSV dialects: `plain` for machines (today's files: `,`, `1234.50`, ISO-8601 UTC times)
//! and `excel` for a Polish spreadsheet (`;`, `1234,50`, times of the display zone, CRLF), so
//! that Excel opens the file in columns with amounts as numbers. The excel forms of an amount
//! and a time are written here once, for both CSV encoders.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use crate::{domain::Lang, i18n, orders::filter::FilterError};

/// How a CSV export writes its cells and lines (`dialect`, `--dialect`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Dialect {
    /// `,`-separated, `1234.50`, `*_utc` columns in ISO-8601 UTC, LF line ends.
    #[default]
    Plain,
    /// `;`-separated, `1234,50` (no thousands separator), every time in the display zone as
    /// `yyyy-mm-dd HH:MM`, CRLF line ends.
    Excel,
}

impl Dialect {
    pub const ALL: [Dialect; 2] = [Dialect::Plain, Dialect::Excel];

    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Plain => "plain",
            Dialect::Excel => "excel",
        }
    }

    /// The `dialect` parameter, blank or absent meaning `plain`.
    pub fn parse(value: Option<&str>) -> Result<Dialect, FilterError> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(Dialect::Plain);
        };
        Self::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(value))
            .ok_or_else(|| {
                let shown: String = value.chars().take(40).collect();
                FilterError::new(
                    "dialect",
                    "filter-error-dialect",
                    format!("unknown dialect “{shown}”; use plain or excel"),
                )
                .with("value", shown)
            })
    }

    /// The field separator.
    pub(super) fn delimiter(self) -> u8 {
        match self {
            Dialect::Plain => b',',
            Dialect::Excel => b';',
        }
    }

    /// The line end.
    pub(super) fn terminator(self) -> csv::Terminator {
        match self {
            Dialect::Plain => csv::Terminator::Any(b'\n'),
            Dialect::Excel => csv::Terminator::CRLF,
        }
    }

    /// The decimal separator of amounts.
    pub(super) fn decimal_separator(self) -> char {
        match self {
            Dialect::Plain => '.',
            Dialect::Excel => ',',
        }
    }

    /// An exact decimal as PostgreSQL prints it (`1234.50`), in this dialect (`1234,50`).
    pub(super) fn amount(self, decimal: &str) -> Cow<'_, str> {
        match self {
            Dialect::Plain => Cow::Borrowed(decimal),
            Dialect::Excel => Cow::Owned(decimal.replace('.', ",")),
        }
    }

    /// A time of a `*_utc` column: ISO-8601 UTC (`2026-11-01T10:00:00Z`), or in excel the
    /// display zone's `yyyy-mm-dd HH:MM`, which a spreadsheet reads as a date.
    pub(super) fn time(self, at: Option<DateTime<Utc>>, zone: Tz) -> String {
        at.map(|t| match self {
            Dialect::Plain => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            Dialect::Excel => crate::settings::local_time(t, zone),
        })
        .unwrap_or_default()
    }

    /// A column's header in this dialect: plain keeps the column's name (machines read it);
    /// excel names it in `lang` for people ("Data zakupu"), its `*_utc` columns holding local
    /// times (`bought_at_utc` is named as `bought_at`).
    pub(super) fn header(self, column: &str, lang: Lang) -> Cow<'_, str> {
        match self {
            Dialect::Plain => Cow::Borrowed(column),
            Dialect::Excel => {
                let name = column.strip_suffix("_utc").unwrap_or(column);
                Cow::Owned(i18n::translate(lang, &format!("export-column-{name}")))
            }
        }
    }

    /// How a yes/no cell reads: `yes`/`no` in plain, the words of `lang` in excel.
    pub(super) fn yes_no(self, lang: Lang) -> [String; 2] {
        match self {
            Dialect::Plain => ["yes".to_owned(), "no".to_owned()],
            Dialect::Excel => [
                i18n::translate(lang, "export-yes"),
                i18n::translate(lang, "export-no"),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dialects_parse_by_name_and_blank_is_plain() {
        assert_eq!(Dialect::parse(None).unwrap(), Dialect::Plain);
        assert_eq!(Dialect::parse(Some(" ")).unwrap(), Dialect::Plain);
        assert_eq!(Dialect::parse(Some("Excel")).unwrap(), Dialect::Excel);
        let err = Dialect::parse(Some("xls")).unwrap_err();
        assert_eq!(err.parameter, "dialect");
        assert!(err.message.contains("plain or excel"), "{err}");
    }

    #[test]
    fn excel_writes_decimal_commas_and_local_minutes() {
        let zone = chrono_tz::Europe::Warsaw;
        assert_eq!(Dialect::Excel.amount("1234.50"), "1234,50");
        assert_eq!(Dialect::Excel.amount("-0.05"), "-0,05");
        assert_eq!(Dialect::Plain.amount("1234.50"), "1234.50");
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 23, 30, 0).unwrap();
        assert_eq!(Dialect::Excel.time(Some(at), zone), "2026-11-03 00:30");
        assert_eq!(Dialect::Plain.time(Some(at), zone), "2026-11-02T23:30:00Z");
        assert_eq!(Dialect::Excel.time(None, zone), "");
        assert_eq!(
            Dialect::Plain.header("bought_at_utc", Lang::Pl),
            "bought_at_utc"
        );
    }

    #[test]
    fn excel_names_columns_and_yes_no_in_the_language_asked() {
        assert_eq!(
            Dialect::Excel.header("bought_at_utc", Lang::Pl),
            "Data zakupu"
        );
        assert_eq!(
            Dialect::Excel.header("bought_at_utc", Lang::En),
            "Bought at"
        );
        assert_eq!(Dialect::Excel.header("invoice_tax_id", Lang::Pl), "NIP");
        assert_eq!(Dialect::Excel.yes_no(Lang::Pl), ["tak", "nie"]);
        assert_eq!(Dialect::Plain.yes_no(Lang::Pl), ["yes", "no"]);
        for column in super::super::ORDER_COLUMNS
            .iter()
            .chain(&super::super::ITEM_COLUMNS)
        {
            for lang in Lang::ALL {
                let header = Dialect::Excel.header(column, lang);
                assert!(!header.contains("export-column"), "{column}: {header}");
            }
        }
    }
}
