//! The dashboard: per account the user may see, sync health, orders today / 7 / 30 days,
//! revenue per currency, the status breakdown and SVG charts of orders and revenue per day.
//! Every number links to the orders list filtered to it.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Days, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::db::models::settings::SettingsRow;
use crate::{
    auth::{AnyUser, RequireRole},
    db::{
        self, DbError,
        models::{
            account::AccountRow,
            order::stats::{self, DayTotal, StatusCount},
            sync::{SyncHealth, SyncState},
        },
    },
    error::AppError,
    orders::{
        chart::{Bar, bar_chart},
        filter::start_of_day,
    },
    settings::{local_day, local_time},
    state::AppState,
    web::{
        ok,
        page::{Nav, PageContext},
    },
};

/// The chart periods offered (days).
const PERIODS: [u64; 2] = [30, 90];
/// Revenue charts per account at most (one per currency).
const MAX_REVENUE_CHARTS: usize = 3;

/// A number with the orders-list link that shows the orders behind it.
pub struct Linked {
    pub text: String,
    pub href: String,
}

/// Revenue of one currency over today / 7 days / 30 days.
pub struct RevenueRow {
    pub currency: String,
    pub today: Linked,
    pub week: Linked,
    pub month: Linked,
}

pub struct Chart {
    pub title: String,
    pub svg: String,
}

/// One account's panel.
pub struct AccountPanel {
    pub id: i64,
    pub login: String,
    pub health_label: &'static str,
    pub health_class: &'static str,
    pub last_success: String,
    pub lag: String,
    pub last_error: Option<String>,
    pub last_run: Option<String>,
    pub today: Linked,
    pub week: Linked,
    pub month: Linked,
    pub revenue: Vec<RevenueRow>,
    pub statuses: Vec<Linked>,
    pub charts: Vec<Chart>,
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
pub struct DashboardPage {
    pub page: PageContext,
    pub days: u64,
    pub periods: [u64; 2],
    pub zone: String,
    pub accounts: Vec<AccountPanel>,
}

#[derive(serde::Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    days: Option<String>,
}

/// `GET /`
pub async fn dashboard(
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    // Read leniently (a malformed query string is not a server error), then validated.
    let query = web::Query::<DashboardQuery>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or(DashboardQuery { days: None });
    let days = match query.days.as_deref().map(str::trim) {
        None | Some("") => PERIODS[0],
        Some(d) => d
            .parse::<u64>()
            .ok()
            .filter(|d| PERIODS.contains(d))
            .ok_or_else(|| AppError::BadRequest("days: use 30 or 90".to_owned()))?,
    };
    let scope = auth.viewer.scope.clone();
    let (zone, accounts) = db::run(&state.pool, move |conn| {
        let zone = SettingsRow::display_zone(conn)?;
        let accounts = AccountRow::list(conn, &scope)?;
        let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
        let today = local_day(Utc::now(), zone);
        let first = today - Days::new(days - 1);
        let totals = stats::day_totals(conn, &ids, zone, start_of_day(first, zone))?;
        let statuses = stats::status_counts(conn, &ids)?;
        let mut panels = Vec::with_capacity(accounts.len());
        for account in accounts {
            let health = SyncState::health(conn, account.id)?;
            panels.push(panel(
                account.id,
                account.login,
                &health,
                &totals,
                &statuses,
                (first, today),
                zone,
            ));
        }
        Ok::<_, DbError>((zone, panels))
    })
    .await?;
    ok(&DashboardPage {
        page: auth.page.at(Nav::Dashboard),
        days,
        periods: PERIODS,
        zone: zone.name().to_owned(),
        accounts,
    })
}

fn orders_link(account: i64, extra: &str) -> String {
    format!("/orders?account={account}{extra}")
}

fn days_link(account: i64, from: NaiveDate, to: NaiveDate, extra: &str) -> String {
    orders_link(
        account,
        &format!("&bought_from={from}&bought_to={to}{extra}"),
    )
}

/// Exact decimal sums of decimal texts (amounts have at most two fraction digits), in cents.
fn cents(amount: &str) -> i128 {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let negative = whole.starts_with('-');
    let whole: i128 = whole.trim_start_matches('-').parse().unwrap_or(0);
    let fraction: i128 = format!("{fraction:0<2}")[..2].parse().unwrap_or(0);
    let value = whole * 100 + fraction;
    if negative { -value } else { value }
}

/// `1234567` cents → `12 345.67` (thin space between thousands).
fn money(cents: i128) -> String {
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

fn panel(
    id: i64,
    login: String,
    health: &SyncHealth,
    totals: &[DayTotal],
    statuses: &[StatusCount],
    (first, today): (NaiveDate, NaiveDate),
    zone: Tz,
) -> AccountPanel {
    let mine: Vec<&DayTotal> = totals.iter().filter(|t| t.account_id == id).collect();
    let since = |days: u64| today - Days::new(days - 1);
    let count = |from: NaiveDate| -> i64 {
        mine.iter()
            .filter(|t| t.day >= from)
            .map(|t| t.orders)
            .sum()
    };
    let counted = |from: NaiveDate| Linked {
        text: count(from).to_string(),
        href: days_link(id, from, today, ""),
    };
    // Per currency: cents per day (BTreeMap: stable order, PLN not favoured over others).
    let mut per_currency: BTreeMap<String, BTreeMap<NaiveDate, i128>> = BTreeMap::new();
    for t in &mine {
        let currency = t.currency.clone().unwrap_or_else(|| "—".to_owned());
        let cents = t.revenue.as_deref().map(cents).unwrap_or(0);
        *per_currency
            .entry(currency)
            .or_default()
            .entry(t.day)
            .or_default() += cents;
    }
    let revenue = per_currency
        .iter()
        .map(|(currency, by_day)| {
            let sum = |from: NaiveDate| -> Linked {
                Linked {
                    text: money(by_day.range(from..).map(|(_, c)| c).sum()),
                    href: days_link(id, from, today, &format!("&currency={currency}")),
                }
            };
            RevenueRow {
                currency: currency.clone(),
                today: sum(today),
                week: sum(since(7)),
                month: sum(since(30)),
            }
        })
        .collect();
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= today).collect();
    let orders_per_day: BTreeMap<NaiveDate, i64> =
        mine.iter().fold(BTreeMap::new(), |mut acc, t| {
            *acc.entry(t.day).or_default() += t.orders;
            acc
        });
    let mut charts = vec![Chart {
        title: "Orders per day".to_owned(),
        svg: bar_chart(
            &format!("Orders per day of {login}, last {} days", days.len()),
            &days
                .iter()
                .map(|d| {
                    let n = orders_per_day.get(d).copied().unwrap_or(0);
                    Bar {
                        label: d.format("%d.%m").to_string(),
                        value: n as f64,
                        tooltip: format!("{d}: {n} order{}", if n == 1 { "" } else { "s" }),
                        href: days_link(id, *d, *d, ""),
                    }
                })
                .collect::<Vec<_>>(),
        ),
    }];
    let mut by_size: Vec<(&String, i128)> = per_currency
        .iter()
        .map(|(c, by_day)| (c, by_day.values().sum()))
        .collect();
    by_size.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (currency, _) in by_size.into_iter().take(MAX_REVENUE_CHARTS) {
        let by_day = &per_currency[currency];
        let bars: Vec<Bar> = days
            .iter()
            .map(|d| {
                let c = by_day.get(d).copied().unwrap_or(0);
                Bar {
                    label: d.format("%d.%m").to_string(),
                    value: c as f64 / 100.0,
                    tooltip: format!("{d}: {} {currency}", money(c)),
                    href: days_link(id, *d, *d, &format!("&currency={currency}")),
                }
            })
            .collect();
        charts.push(Chart {
            title: format!("Revenue per day, {currency}"),
            svg: bar_chart(
                &format!(
                    "Revenue per day in {currency} of {login}, last {} days",
                    days.len()
                ),
                &bars,
            ),
        });
    }
    let statuses = statuses
        .iter()
        .filter(|s| s.account_id == id)
        .map(|s| Linked {
            text: format!("{} {}", s.status, s.orders),
            href: orders_link(id, &format!("&status={}", s.status)),
        })
        .collect();
    let now = Utc::now();
    let run_failed = health
        .last_run
        .as_ref()
        .is_some_and(|r| r.status == "failed");
    let (health_label, health_class) = match health.last_success_at {
        None => ("never synced", "badge-muted"),
        Some(_) if run_failed || health.last_error.is_some() => ("error", "badge-warn"),
        Some(at) if now - at > chrono::Duration::hours(2) => ("behind", "badge-warn"),
        Some(_) => ("healthy", "badge-ok"),
    };
    AccountPanel {
        id,
        health_label,
        health_class,
        last_success: health
            .last_success_at
            .map(|t| local_time(t, zone))
            .unwrap_or_else(|| "never".to_owned()),
        lag: health
            .last_success_at
            .map(|t| lag((now - t).num_seconds()))
            .unwrap_or_default(),
        last_error: health.last_error.clone(),
        last_run: health.last_run.as_ref().map(|r| {
            format!(
                "{} {} ({}), started {}",
                r.kind,
                r.status,
                r.trigger,
                local_time(r.started_at, zone)
            )
        }),
        today: counted(today),
        week: counted(since(7)),
        month: counted(since(30)),
        revenue,
        statuses,
        charts,
        login,
    }
}

/// How long ago, roughly: `45 s`, `12 min`, `3 h 5 min`, `2 days`.
fn lag(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact_and_grouped() {
        assert_eq!(cents("1234.5"), 123_450);
        assert_eq!(cents("0.07"), 7);
        assert_eq!(
            money(cents("1234567.89") + cents("0.11")),
            "1\u{202f}234\u{202f}568.00"
        );
        assert_eq!(money(5), "0.05");
    }

    #[test]
    fn lag_reads_naturally() {
        assert_eq!(lag(42), "42 s");
        assert_eq!(lag(3 * 3600 + 300), "3 h 5 min");
        assert_eq!(lag(3 * 86_400), "3 days");
    }
}
