//! The dashboard's charts: orders per day, then revenue per day of the account's largest
//! currencies, each bar linking to the orders of its day.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{PerCurrency, days_link};
use crate::{
    db::models::order::stats::DayTotal,
    domain::{AccountId, Lang, order_codes::currency_order},
    i18n::Locale,
    web::chart::{Bar, BarChart},
};

/// Revenue charts per account at most (one per currency).
const MAX_REVENUE_CHARTS: usize = 3;

pub struct Chart {
    pub title: String,
    pub svg: BarChart,
}

/// Orders per day, then revenue per day of the largest currencies.
pub(super) fn charts(
    id: AccountId,
    login: &str,
    days: &[NaiveDate],
    totals: &[&DayTotal],
    per_currency: &PerCurrency,
    loc: &Locale,
) -> Vec<Chart> {
    let bars = DayBars { id, days, loc };
    let mut charts = vec![orders_chart(&bars, login, totals)];
    for currency in largest_currencies(per_currency) {
        charts.push(revenue_chart(
            &bars,
            login,
            currency,
            &per_currency[currency],
        ));
    }
    charts
}

/// The days a chart shows, a bar each that links to the account's orders of its day.
struct DayBars<'a> {
    id: AccountId,
    days: &'a [NaiveDate],
    loc: &'a Locale,
}

impl DayBars<'_> {
    /// A bar per day, of the value and text `of` gives for it (the day heads the tooltip);
    /// `extra` narrows the link (`&currency=PLN`).
    fn bars(&self, of: impl Fn(NaiveDate) -> (f64, String), extra: &str) -> Vec<Bar> {
        let loc = self.loc;
        self.days
            .iter()
            .map(|d| {
                let (value, text) = of(*d);
                Bar {
                    label: match loc.lang {
                        Lang::Pl => d.format("%d.%m").to_string(),
                        Lang::En => d.format("%m-%d").to_string(),
                    },
                    value,
                    tooltip: format!("{}: {text}", loc.day(*d)),
                    href: days_link(self.id, *d, *d, extra),
                }
            })
            .collect()
    }
}

fn orders_chart(bars: &DayBars<'_>, login: &str, totals: &[&DayTotal]) -> Chart {
    let loc = bars.loc;
    let per_day: BTreeMap<NaiveDate, i64> = totals.iter().fold(BTreeMap::new(), |mut acc, t| {
        *acc.entry(t.day).or_default() += t.orders;
        acc
    });
    let bars_of_orders = bars.bars(
        |d| {
            let n = per_day.get(&d).copied().unwrap_or(0);
            (
                n as f64,
                loc.msg("dashboard-orders-count").count(n).to_string(),
            )
        },
        "",
    );
    let days = bars.days.len();
    Chart {
        title: loc.msg("chart-orders").count(days).to_string(),
        svg: BarChart::new(
            &loc.msg("chart-orders-label")
                .arg("login", login)
                .count(days)
                .to_string(),
            &bars_of_orders,
        ),
    }
}

fn revenue_chart(
    bars: &DayBars<'_>,
    login: &str,
    currency: &str,
    by_day: &BTreeMap<NaiveDate, i128>,
) -> Chart {
    let loc = bars.loc;
    let bars_of_revenue = bars.bars(
        |d| {
            let cents = by_day.get(&d).copied().unwrap_or(0);
            (cents as f64 / 100.0, loc.money_cents(cents, currency))
        },
        &format!("&currency={currency}"),
    );
    let days = bars.days.len();
    Chart {
        title: loc
            .msg("chart-revenue")
            .arg("currency", currency)
            .count(days)
            .to_string(),
        svg: BarChart::new(
            &loc.msg("chart-revenue-label")
                .arg("currency", currency)
                .arg("login", login)
                .count(days)
                .to_string(),
            &bars_of_revenue,
        ),
    }
}

/// The currencies of the largest revenue (at most [`MAX_REVENUE_CHARTS`]), in the currencies'
/// usual order.
fn largest_currencies(per_currency: &PerCurrency) -> Vec<&String> {
    let mut by_size: Vec<(&String, i128)> = per_currency
        .iter()
        .map(|(c, by_day)| (c, by_day.values().sum()))
        .collect();
    by_size.sort_by_key(|b| std::cmp::Reverse(b.1));
    by_size.truncate(MAX_REVENUE_CHARTS);
    by_size.sort_by(|(a, _), (b, _)| currency_order(a, b));
    by_size.into_iter().map(|(c, _)| c).collect()
}
