//! Sorting by total never ranks different currencies against each other: PLN first, then the
//! others alphabetically, orders without a currency last, by amount within each; keyset paging
//! across the currency boundaries; a separator row where the currency changes; currency lists
//! with PLN first.

use std::collections::HashMap;

use diesel::{QueryableByName, RunQueryDsl, sql_query, sql_types::Text};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use super::{fetch, get_partial, ids_by_sql, order_by, world};
use crate::helpers::TestApp;

/// 140 orders: mostly PLN, some EUR, CZK and HUF, a few without a currency (and total); the
/// same amounts in several currencies, ties and NULL totals within them.
async fn mixed_currencies() -> (TestApp, reqwest::Client) {
    let (app, admin, accounts, _) = world(0, 21).await;
    sql_query(format!(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, content_hash, raw, \
         bought_at, currency, total_amount) \
         SELECT {}, 'cf-' || lpad(g::text, 4, '0'), 'BOUGHT', 'b', 'h', '{{}}', \
           now() - g * interval '1 minute', \
           (ARRAY['PLN','PLN','EUR','PLN','CZK','PLN','HUF',NULL,'PLN','EUR'])[1 + g % 10], \
           CASE WHEN g % 10 = 7 OR g % 13 = 0 THEN NULL ELSE ((g * 37) % 40)::numeric + 0.5 END \
         FROM generate_series(1, 140) g",
        accounts[0]
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    (app, admin)
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    checkout_form_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    currency: Option<String>,
}

fn currencies(app: &TestApp) -> HashMap<String, Option<String>> {
    sql_query("SELECT checkout_form_id, currency FROM orders")
        .load::<Row>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .map(|r| (r.checkout_form_id, r.currency))
        .collect()
}

/// The currencies in the order `ids` show them, each run of one currency once.
fn runs(ids: &[String], currency: &HashMap<String, Option<String>>) -> Vec<Option<String>> {
    let mut runs: Vec<Option<String>> = ids.iter().map(|id| currency[id].clone()).collect();
    runs.dedup();
    runs
}

#[tokio::test]
async fn sorting_by_total_groups_currencies_pln_first_and_pages_each_order_once_both_ways() {
    let (app, admin) = mixed_currencies().await;
    let currency = currencies(&app);
    let mut conn = app.db.connect();
    for sort in ["total_desc", "total_asc"] {
        let expected = ids_by_sql(
            &mut conn,
            &format!(
                "SELECT o.checkout_form_id FROM orders o ORDER BY {}",
                order_by(sort)
            ),
        );
        assert_eq!(expected.len(), 140);

        // Forwards, 25 a page.
        let mut page = fetch(&app, &admin, &format!("/orders?sort={sort}&page_size=25")).await;
        let mut forwards = page.ids.clone();
        let mut pages = 1;
        while let Some(next) = page.next.clone() {
            page = fetch(&app, &admin, &next).await;
            forwards.extend(page.ids.clone());
            pages += 1;
        }
        assert_eq!(pages, 6, "{sort}");
        assert_eq!(forwards, expected, "{sort}: forwards");
        let none: Option<String> = None;
        let code = |c: &str| Some(c.to_string());
        assert_eq!(
            runs(&forwards, &currency),
            [code("PLN"), code("CZK"), code("EUR"), code("HUF"), none],
            "{sort}: each currency in one run, PLN first, none last"
        );

        // And back from the last page: the same rows, each once.
        let mut backwards = page.ids.clone();
        while let Some(prev) = page.prev.clone() {
            page = fetch(&app, &admin, &prev).await;
            let mut ids = page.ids.clone();
            ids.extend(backwards);
            backwards = ids;
        }
        assert_eq!(backwards, expected, "{sort}: backwards");
    }
}

/// What the results table shows, row by row: a separator's currency, or an order's.
#[derive(Debug, PartialEq)]
enum Line {
    Break(String),
    Order(String),
}

fn lines(html: &Html) -> Vec<Line> {
    let rows = Selector::parse("table.orders-table tbody tr").unwrap();
    let total = Selector::parse("td.total-cell").unwrap();
    let currency_of =
        |e: scraper::ElementRef<'_>| e.value().attr("data-currency").unwrap().to_owned();
    html.select(&rows)
        .map(|tr| {
            if tr.value().classes().any(|c| c == "currency-break") {
                let cell = tr
                    .first_child()
                    .and_then(scraper::ElementRef::wrap)
                    .unwrap();
                assert!(cell.value().attr("colspan").is_some(), "full width");
                let text = cell.text().collect::<String>();
                assert!(text.starts_with("Orders "), "a sentence: {text}");
                Line::Break(currency_of(tr))
            } else {
                Line::Order(currency_of(tr.select(&total).next().unwrap()))
            }
        })
        .collect()
}

#[tokio::test]
async fn the_list_shows_where_the_currency_changes_while_sorted_by_total() {
    let (app, admin) = mixed_currencies().await;
    let mut href = Some("/orders?sort=total_asc&page_size=25".to_string());
    let mut breaks = Vec::new();
    while let Some(path) = href {
        let (status, html) = get_partial(&app, &admin, &path).await;
        assert_eq!(status, StatusCode::OK);
        let lines = lines(&html);
        // Every group on the page opens with a separator naming its currency.
        let mut current: Option<&str> = None;
        for (i, line) in lines.iter().enumerate() {
            match line {
                Line::Break(code) => {
                    assert!(
                        matches!(lines.get(i + 1), Some(Line::Order(c)) if c == code
                            || (c.is_empty() && code == "—")),
                        "{path}: {lines:?}"
                    );
                    breaks.push(code.clone());
                    current = Some(code);
                }
                Line::Order(c) => {
                    let shown = if c.is_empty() { "—" } else { c.as_str() };
                    assert_eq!(current, Some(shown), "{path}: {lines:?}");
                }
            }
        }
        href = super::read_page(&html).next;
    }
    breaks.dedup();
    assert_eq!(breaks, ["PLN", "CZK", "EUR", "HUF", "—"]);

    // No separators in other sorts, nor within one currency.
    for path in [
        "/orders?sort=bought_desc&page_size=100",
        "/orders?sort=total_desc&currency=eur&page_size=100",
    ] {
        let (_, html) = get_partial(&app, &admin, path).await;
        let lines = lines(&html);
        assert!(!lines.is_empty(), "{path}");
        assert!(
            lines.iter().all(|l| matches!(l, Line::Order(_))),
            "{path}: {lines:?}"
        );
    }
}

#[tokio::test]
async fn a_currency_filter_sorted_by_total_pages_through_that_currency_only() {
    let (app, admin) = mixed_currencies().await;
    let mut conn = app.db.connect();
    for sort in ["total_desc", "total_asc"] {
        let expected = ids_by_sql(
            &mut conn,
            &format!(
                "SELECT o.checkout_form_id FROM orders o WHERE o.currency = 'EUR' ORDER BY {}",
                order_by(sort)
            ),
        );
        assert!(expected.len() > 25);
        let (ids, count) = super::walk(
            &app,
            &admin,
            &format!("/orders?sort={sort}&currency=EUR&page_size=25"),
        )
        .await;
        assert_eq!(ids, expected, "{sort}");
        assert_eq!(count, expected.len().to_string());
    }
}

#[tokio::test]
async fn currency_lists_put_pln_first_then_the_others_alphabetically() {
    let (app, admin) = mixed_currencies().await;
    for (path, expected) in [
        ("/orders", vec!["", "PLN", "CZK", "EUR", "HUF"]),
        (
            "/orders?currency=aud",
            vec!["", "PLN", "AUD", "CZK", "EUR", "HUF"],
        ),
        (
            "/orders?currency=zzz",
            vec!["", "PLN", "CZK", "EUR", "HUF", "ZZZ"],
        ),
    ] {
        let (status, html) = app.get_html_with(&admin, path).await;
        assert_eq!(status, StatusCode::OK);
        let options = Selector::parse("select[name=currency] option").unwrap();
        let values: Vec<&str> = html
            .select(&options)
            .map(|o| o.value().attr("value").unwrap_or_default())
            .collect();
        assert_eq!(values, expected, "{path}");
    }
}
