//! What the listing pages' queries share (fees, returns): a range of days of the display zone
//! (the last 30 by default), a keyset cursor, codes typed into a filter, and the 400 that names
//! a bad value.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::{
    domain::{AccountId, settings::local_day},
    error::AppError,
    i18n,
    i18n::Locale,
    orders::filter::start_of_day,
};

/// Days shown when none are picked.
const DEFAULT_DAYS: u64 = 30;

/// A 400 with message `key` naming `value`.
pub fn bad(loc: &Locale, key: &'static str, value: &str) -> AppError {
    AppError::BadRequest(
        i18n::Message::new(loc.lang, key)
            .arg("value", value)
            .to_string(),
    )
}

/// Longest code a filter takes (a marketplace, a fee type).
const CODE_MAX_CHARS: usize = 64;
/// The years a day may fall in: what a backup can hold, and what the database's times hold.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2200;

/// A code typed into a filter (a marketplace, a fee type), trimmed; `None` when empty; a 400
/// when too long or holding control characters.
pub fn code(value: &str, loc: &Locale) -> Result<Option<String>, AppError> {
    let value = value.trim();
    if value.chars().count() > CODE_MAX_CHARS || value.chars().any(char::is_control) {
        let shown: String = value.chars().filter(|c| !c.is_control()).take(40).collect();
        return Err(bad(loc, "list-bad-value", &shown));
    }
    Ok(Some(value.to_owned()).filter(|v| !v.is_empty()))
}

fn day(value: &str, default: NaiveDate, loc: &Locale) -> Result<NaiveDate, AppError> {
    match value.trim() {
        "" => Ok(default),
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            .filter(|d| YEARS.contains(&chrono::Datelike::year(d)))
            .ok_or_else(|| bad(loc, "list-bad-day", &v.chars().take(40).collect::<String>())),
    }
}

/// `[start of from, start of the day after to)` in the display zone; to defaults to today,
/// from to 30 days before it.
pub fn day_range(
    from: &str,
    to: &str,
    loc: &Locale,
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let last = day(to, local_day(Utc::now(), loc.zone), loc)?;
    let first = day(from, last - Days::new(DEFAULT_DAYS - 1), loc)?;
    if first > last {
        return Err(bad(loc, "list-bad-range", from.trim()));
    }
    Ok((
        start_of_day(first, loc.zone),
        start_of_day(last + Days::new(1), loc.zone),
    ))
}

/// The start (in the display zone) of the day `value` names; `None` when empty.
pub fn day_start(value: &str, loc: &Locale) -> Result<Option<DateTime<Utc>>, AppError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let first = day(value, local_day(Utc::now(), loc.zone), loc)?;
    Ok(Some(start_of_day(first, loc.zone)))
}

/// The first day of the month before today's in the display zone.
pub fn previous_month(loc: &Locale) -> NaiveDate {
    let today = local_day(Utc::now(), loc.zone);
    let first = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
    first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first)
}

/// The row a page continues after (`before`), if any.
pub fn cursor(before: &str, loc: &Locale) -> Result<Option<i64>, AppError> {
    match before.trim() {
        "" => Ok(None),
        b => b
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| {
                bad(
                    loc,
                    "list-bad-cursor",
                    &b.chars().take(40).collect::<String>(),
                )
            }),
    }
}

/// The account picked (an id), if any.
pub fn account(value: &str, loc: &Locale) -> Result<Option<AccountId>, AppError> {
    match value.trim() {
        "" => Ok(None),
        a => a
            .parse()
            .map(Some)
            .map_err(|_| bad(loc, "list-bad-account", a)),
    }
}

/// Whether a checkbox is ticked.
pub fn ticked(value: &str) -> bool {
    matches!(value.trim(), "1" | "on" | "true")
}

/// `pairs` as a query string, leaving out empty values.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if !value.trim().is_empty() {
            q.append_pair(name, value.trim());
        }
    }
    q.finish()
}

/// Every account a viewer may see, as `(id, login)`.
pub type AccountLogins = Vec<(AccountId, String)>;

/// The accounts `scope` allows as `(id, login)`, and those a listing reads: the one `picked`
/// (a 404 when the scope does not allow it) or all of them.
pub fn scoped_accounts(
    conn: &mut diesel::PgConnection,
    scope: &crate::domain::AccountScope,
    picked: Option<AccountId>,
) -> Result<(AccountLogins, Vec<AccountId>), AppError> {
    let accounts: AccountLogins = crate::db::models::account::AccountRow::list(conn, scope)?
        .into_iter()
        .map(|a| (a.id, a.login))
        .collect();
    let all: Vec<AccountId> = accounts.iter().map(|(id, _)| *id).collect();
    let read = match picked {
        Some(id) if all.contains(&id) => vec![id],
        Some(_) => return Err(AppError::NotFound),
        None => all,
    };
    Ok((accounts, read))
}

/// The links exporting `resource`'s documents of the account picked (`account`) since
/// `from`, each with the message key of its label and its format: CSV for Excel, plain CSV,
/// and NDJSON (documents as sent, which hold personal data throughout) when `viewer` may take
/// it.
pub fn export_links(
    resource: crate::orders::documents::ExportResource,
    viewer: &crate::domain::Viewer,
    account: &str,
    from: &str,
) -> Vec<ExportLink> {
    use crate::orders::export::ExportFormat;
    let link = |label: &'static str, format: &'static str, dialect: &str| ExportLink {
        label,
        format,
        href: format!(
            "/export?{}",
            query_string([
                ("resource", resource.as_str()),
                ("format", format),
                ("dialect", dialect),
                ("account", account),
                ("since", from),
            ])
        ),
    };
    let mut links = vec![
        link("export-documents-csv-excel", "csv", "excel"),
        link("export-documents-csv", "csv", ""),
    ];
    if ExportFormat::Ndjson.available_to(viewer) {
        links.push(link("export-ndjson", "ndjson", ""));
    }
    links
}

/// A link exporting a list's documents.
#[derive(Debug, Clone)]
pub struct ExportLink {
    /// The message key of its label.
    pub label: &'static str,
    /// `csv` or `ndjson`.
    pub format: &'static str,
    pub href: String,
}
