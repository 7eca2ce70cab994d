//! The dashboard: per account the user may see, sync health, orders today / 7 / 30 days,
//! revenue per currency, the status breakdown and SVG charts of orders and revenue per day.
//! Every number links to the orders list filtered to it.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};

mod charts;

use self::charts::{Chart, charts};
use super::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self, DbError,
        models::{
            account::AccountRow,
            order::stats::{self, DayAmount, DayTotal, StatusCount},
            sync::{SyncHealth, SyncRun, SyncState},
        },
    },
    domain::{AccountId, order_codes::currency_order, signed_cents},
    orders::filter::start_of_day,
    settings::local_day,
    web::filters::{self, DASH},
};

/// The chart periods offered (days).
const PERIODS: [u64; 2] = [30, 90];

/// A figure with the orders-list link that shows the orders behind it.
pub struct Linked<T> {
    pub value: T,
    pub href: String,
}

/// Revenue of one currency over today / 7 days / 30 days, in cents, with the fees booked and
/// the net (revenue + fees) over the same days when any fees are backed up.
pub struct RevenueRow {
    pub currency: String,
    pub today: Linked<i128>,
    pub week: Linked<i128>,
    pub month: Linked<i128>,
    pub fees: Option<[i128; 3]>,
    pub net: Option<[i128; 3]>,
}

/// Orders of one status, all time.
pub struct StatusFigure {
    pub status: String,
    pub orders: Linked<i64>,
}

/// How an account's backup is doing, as its badge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    NeverSynced,
    Error,
    Behind,
    Healthy,
}

impl Health {
    /// Never synced; an error in the last run; no success for two hours; else healthy.
    fn of(health: &SyncHealth, now: DateTime<Utc>) -> Self {
        let run_failed = health
            .last_run
            .as_ref()
            .is_some_and(|r| r.status == "failed");
        match health.last_success_at {
            None => Health::NeverSynced,
            Some(_) if run_failed || health.last_error.is_some() => Health::Error,
            Some(at) if now - at > chrono::Duration::hours(2) => Health::Behind,
            Some(_) => Health::Healthy,
        }
    }

    /// The message naming this state on the badge (`locales/*/dashboard.ftl`).
    pub fn message_key(self) -> &'static str {
        match self {
            Health::NeverSynced => "health-never-synced",
            Health::Error => "health-error",
            Health::Behind => "health-behind",
            Health::Healthy => "health-healthy",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Health::NeverSynced => "badge-muted",
            Health::Error | Health::Behind => "badge-warn",
            Health::Healthy => "badge-ok",
        }
    }
}

/// One account's panel.
pub struct AccountPanel {
    pub id: AccountId,
    pub login: String,
    pub health: Health,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_run: Option<SyncRun>,
    pub today: Linked<i64>,
    pub week: Linked<i64>,
    pub month: Linked<i64>,
    pub revenue: Vec<RevenueRow>,
    pub statuses: Vec<StatusFigure>,
    pub charts: Vec<Chart>,
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
pub struct DashboardPage {
    pub page: PageContext,
    pub days: u64,
    pub periods: [u64; 2],
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
    page: Page,
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
            .ok_or_else(|| AppError::BadRequest(page.loc().t("dashboard-days-invalid")))?,
    };
    let scope = auth.viewer.scope.clone();
    let loc = page.loc();
    let zone = loc.zone;
    let accounts = db::run(&state.pool, move |conn| {
        let accounts = AccountRow::list(conn, &scope)?;
        let ids: Vec<AccountId> = accounts.iter().map(|a| a.id).collect();
        let today = local_day(Utc::now(), zone);
        let first = today - Days::new(days - 1);
        let totals = stats::day_totals(conn, &ids, zone, start_of_day(first, zone))?;
        let fees = stats::fee_day_totals(conn, &ids, zone, start_of_day(first, zone))?;
        let statuses = stats::status_counts(conn, &ids)?;
        let mut panels = Vec::with_capacity(accounts.len());
        for account in accounts {
            let health = SyncState::health(conn, account.id)?;
            panels.push(panel(
                account.id,
                account.login,
                &health,
                (&totals, &fees),
                &statuses,
                (first, today),
                &loc,
            ));
        }
        Ok::<_, DbError>(panels)
    })
    .await?;
    ok(&DashboardPage {
        page: page.at(Nav::Dashboard),
        days,
        periods: PERIODS,
        accounts,
    })
}

fn orders_link(account: AccountId, extra: &str) -> String {
    format!("/orders?account={account}{extra}")
}

fn days_link(account: AccountId, from: NaiveDate, to: NaiveDate, extra: &str) -> String {
    orders_link(
        account,
        &format!("&bought_from={from}&bought_to={to}{extra}"),
    )
}

/// One account's panel: its figures, revenue, statuses and charts over `first..=today`.
fn panel(
    id: AccountId,
    login: String,
    health: &SyncHealth,
    (totals, fees): (&[DayTotal], &[DayAmount]),
    statuses: &[StatusCount],
    (first, today): (NaiveDate, NaiveDate),
    loc: &Locale,
) -> AccountPanel {
    let mine: Vec<&DayTotal> = totals.iter().filter(|t| t.account_id == id).collect();
    let since = |days: u64| today - Days::new(days - 1);
    let counted = |from: NaiveDate| Linked {
        value: mine
            .iter()
            .filter(|t| t.day >= from)
            .map(|t| t.orders)
            .sum(),
        href: days_link(id, from, today, ""),
    };
    let per_currency = per_day(mine.iter().map(|t| (&t.currency, t.day, &t.revenue)));
    let fees = per_day(
        fees.iter()
            .filter(|f| f.account_id == id)
            .map(|f| (&f.currency, f.day, &f.amount)),
    );
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= today).collect();
    let now = Utc::now();
    AccountPanel {
        id,
        health: Health::of(health, now),
        last_success: health.last_success_at,
        last_error: health.last_error.clone(),
        last_run: health.last_run.clone(),
        today: counted(today),
        week: counted(since(7)),
        month: counted(since(30)),
        revenue: revenue_rows(id, (&per_currency, &fees), today),
        statuses: statuses
            .iter()
            .filter(|s| s.account_id == id)
            .map(|s| StatusFigure {
                status: s.status.clone(),
                orders: Linked {
                    value: s.orders,
                    href: orders_link(id, &format!("&status={}", s.status)),
                },
            })
            .collect(),
        charts: charts(id, &login, &days, &mine, &per_currency, loc),
        login,
    }
}

/// Cents per day and currency (listed PLN first, then alphabetically: see `revenue_rows`).
type PerCurrency = BTreeMap<String, BTreeMap<NaiveDate, i128>>;

/// Cents per currency and day of `(currency, day, amount)` items.
fn per_day<'a>(
    items: impl Iterator<Item = (&'a Option<String>, NaiveDate, &'a Option<String>)>,
) -> PerCurrency {
    let mut per_currency = PerCurrency::new();
    for (currency, day, amount) in items {
        let currency = currency.clone().unwrap_or_else(|| DASH.to_owned());
        let cents = amount.as_deref().map(signed_cents).unwrap_or(0);
        *per_currency
            .entry(currency)
            .or_default()
            .entry(day)
            .or_default() += cents;
    }
    per_currency
}

/// Per currency: revenue today, over 7 and over 30 days, and the fees and net of those days.
fn revenue_rows(
    id: AccountId,
    (revenue, fees): (&PerCurrency, &PerCurrency),
    today: NaiveDate,
) -> Vec<RevenueRow> {
    let starts = [today, today - Days::new(6), today - Days::new(29)];
    let sums = |by_day: &BTreeMap<NaiveDate, i128>| {
        starts.map(|from| by_day.range(from..).map(|(_, c)| c).sum::<i128>())
    };
    let mut currencies: Vec<&String> = revenue.keys().chain(fees.keys()).collect();
    currencies.sort_by(|a, b| currency_order(a, b));
    currencies.dedup();
    currencies
        .into_iter()
        .map(|currency| {
            let sold = revenue.get(currency).map(sums).unwrap_or_default();
            let fees = fees.get(currency).map(sums);
            let linked = |i: usize| Linked {
                value: sold[i],
                href: days_link(id, starts[i], today, &format!("&currency={currency}")),
            };
            RevenueRow {
                currency: currency.clone(),
                today: linked(0),
                week: linked(1),
                month: linked(2),
                net: fees.map(|f| [0, 1, 2].map(|i| sold[i] + f[i])),
                fees,
            }
        })
        .collect()
}
