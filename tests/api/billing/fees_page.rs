//! The fees page: totals per type equal what Allegro serves, entries newest first with the
//! next page, fees of no order apart, both languages, bad input a 400 naming it.

use std::collections::HashMap;

use allegro_backup::{db::models::sync::RunTrigger, domain::Role};
use reqwest::StatusCode;

use super::{FEES, money_app};
use crate::helpers::{backup::sync_once, select_text};

/// Decimal text as cents.
fn cents(amount: &str) -> i64 {
    let negative = amount.starts_with('-');
    let (whole, fraction) = amount.trim_start_matches('-').split_once('.').unwrap();
    let value = whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if negative { -value } else { value }
}

#[tokio::test]
async fn the_fees_page_sums_and_lists_what_allegro_charged() {
    let app = money_app(300).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let truth = FEES.truth(&app);
    let mut per_type: HashMap<String, (i64, i64)> = HashMap::new();
    for fee in truth.values().filter(|f| f["value"]["currency"] == "PLN") {
        let sum = per_type
            .entry(fee["type"]["id"].as_str().unwrap().to_owned())
            .or_default();
        sum.0 += 1;
        sum.1 += cents(fee["value"]["amount"].as_str().unwrap());
    }
    app.sign_in("admin@example.com", Role::Admin).await;
    let all_time = "/fees?from=2000-01-01&group=type";
    let (status, en) = app.get_html_in(&app.client, all_time, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select_text(&en, "h1"), ["Fees"]);
    let row_selector = scraper::Selector::parse(".fees-summary tbody tr").unwrap();
    let rows = en.select(&row_selector);
    let mut shown = HashMap::new();
    for row in rows {
        let code = row
            .select(&scraper::Selector::parse("td span").unwrap())
            .next()
            .and_then(|s| s.value().attr("title"))
            .unwrap()
            .to_owned();
        let cells: Vec<String> = row
            .select(&scraper::Selector::parse("td").unwrap())
            .map(|td| td.text().collect::<String>().trim().replace('\u{a0}', " "))
            .collect();
        if cells[1] == "PLN" {
            shown.insert(code, (cells[2].replace(',', ""), cells[5].clone()));
        }
    }
    assert_eq!(shown.len(), per_type.len(), "{shown:?}");
    for (code, (entries, sum)) in &per_type {
        let (shown_entries, shown_total) = &shown[code];
        assert_eq!(shown_entries, &entries.to_string(), "{code}");
        let digits: String = shown_total.chars().filter(|c| c.is_ascii_digit()).collect();
        assert_eq!(
            digits.parse::<i64>().unwrap(),
            sum.abs(),
            "{code}: {shown_total}"
        );
    }

    // Entries newest first, a page of 100, then the older ones.
    let listed = select_text(&en, ".fees-list tbody tr.fee-entry td:first-child");
    assert_eq!(listed.len(), 100);
    let next = en
        .select(&scraper::Selector::parse("#fees-entries .pager a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_owned();
    let (status, older) = app.get_html_in(&app.client, &next, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!select_text(&older, ".fees-list tbody tr.fee-entry").is_empty());

    // Fees of no order, apart.
    let (_, alone) = app
        .get_html_in(&app.client, "/fees?from=2000-01-01&without_order=1", "en")
        .await;
    let orders = select_text(&alone, ".fees-list tbody tr.fee-entry td:nth-child(5)");
    assert!(!orders.is_empty());
    assert!(orders.iter().all(|o| o == "no order"), "{orders:?}");

    let (_, pl) = app.get_html_in(&app.client, all_time, "pl").await;
    assert_eq!(select_text(&pl, "h1"), ["Opłaty"]);
    assert!(
        select_text(&pl, ".fees-summary tbody td span")
            .iter()
            .any(|t| t == "Prowizja od sprzedaży")
    );
}

async fn english(app: &crate::helpers::TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn bad_fees_filters_get_a_400_naming_them_and_an_unknown_account_a_404() {
    let app = money_app(10).await;
    app.link_account(0).await;
    app.sign_in("admin@example.com", Role::Admin).await;
    for (query, says) in [
        ("from=yesterday", "Not a date (use YYYY-MM-DD): yesterday"),
        (
            "from=2026-02-01&to=2026-01-01",
            "The first day comes after the last",
        ),
        (
            "group=week",
            "Sum by day, type, marketplace or account, not: week",
        ),
        ("before=x", "This page link is damaged"),
        ("account=abc", "Not an account: abc"),
    ] {
        let response = english(&app, &format!("/fees?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(says), "{query}: {body}");
    }
    let response = english(&app, "/fees?account=987654").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
