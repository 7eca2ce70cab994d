//! The order page's "Money" part: what the buyer paid, the fees Allegro charged for the order
//! by type, the net, per currency, in English and in Polish; the same for a user who must not
//! see personal data (none is in it); an order without fees says so. The dashboard's fees and
//! net rows.

use allegro_backup::{db::models::sync::RunTrigger, domain::Role};
use serde_json::Value;

use super::{FEES, money_app};
use crate::helpers::{backup::sync_once, select_text};

/// `-12.34` style amounts as cents.
fn cents(amount: &str) -> i64 {
    let negative = amount.starts_with('-');
    let (whole, fraction) = amount.trim_start_matches('-').split_once('.').unwrap();
    let value = whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if negative { -value } else { value }
}

/// Cents as the English page writes them below 1,000 (`PLN -6.30`).
fn english(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{currency} {sign}{}.{:02}",
        cents.abs() / 100,
        cents.abs() % 100
    )
}

fn plain(texts: Vec<String>) -> Vec<String> {
    texts
        .into_iter()
        .map(|t| t.replace('\u{a0}', " "))
        .collect()
}

#[tokio::test]
async fn the_order_page_shows_paid_fees_by_type_and_net_per_currency() {
    let app = money_app(300).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let world = app.simulator.world();
    let fees: Vec<Value> = FEES.truth(&app).into_values().collect();
    let refunded: Vec<Value> = world.refunds(0);
    // A paid order in złoty under 1,000 with fees of more than one type and no refund.
    let (order, own) = world
        .orders(0)
        .into_iter()
        .filter(|o| o["payment"]["paidAmount"]["currency"] == "PLN")
        .filter(|o| cents(o["payment"]["paidAmount"]["amount"].as_str().unwrap()) < 100_000)
        .filter(|o| !refunded.iter().any(|r| r["order"]["id"] == o["id"]))
        .map(|o| {
            let own: Vec<Value> = fees
                .iter()
                .filter(|f| f["order"]["id"] == o["id"])
                .cloned()
                .collect();
            (o, own)
        })
        .find(|(_, own)| {
            let types: std::collections::HashSet<&str> = own
                .iter()
                .map(|f| f["type"]["id"].as_str().unwrap())
                .collect();
            types.len() > 1 && !types.contains("REF")
        })
        .expect("a paid order with fees of two types");
    let paid = cents(order["payment"]["paidAmount"]["amount"].as_str().unwrap());
    let fee_sum: i64 = own
        .iter()
        .map(|f| cents(f["value"]["amount"].as_str().unwrap()))
        .sum();
    let commission: i64 = own
        .iter()
        .filter(|f| f["type"]["id"] == "SUC")
        .map(|f| cents(f["value"]["amount"].as_str().unwrap()))
        .sum();
    let path = format!("/orders/{}", order["id"].as_str().unwrap());

    app.sign_in("admin@example.com", Role::Admin).await;
    let (_, en) = app.get_html_in(&app.client, &path, "en").await;
    assert_eq!(select_text(&en, "#money-h"), ["Money"]);
    assert_eq!(
        plain(select_text(&en, "#money-PLN .od-money-paid td")),
        [english(paid, "PLN")]
    );
    let lines = plain(select_text(&en, "#money-PLN .od-money-fee th"));
    assert!(
        lines.iter().any(|l| l.starts_with("Sale commission")),
        "{lines:?}"
    );
    assert!(
        plain(select_text(&en, "#money-PLN .od-money-fee td"))
            .contains(&english(commission, "PLN"))
    );
    assert_eq!(
        plain(select_text(&en, "#money-PLN .od-money-fees td")),
        [english(fee_sum, "PLN")]
    );
    assert_eq!(
        plain(select_text(&en, "#money-PLN .od-money-net td")),
        [english(paid + fee_sum, "PLN")]
    );
    assert!(select_text(&en, "#money-PLN .od-money-refunded").is_empty());

    let (_, pl) = app.get_html_in(&app.client, &path, "pl").await;
    assert_eq!(select_text(&pl, "#money-h"), ["Pieniądze"]);
    assert_eq!(select_text(&pl, "#money-PLN .od-money-net th"), ["Netto"]);
    let lines = select_text(&pl, "#money-PLN .od-money-fee th");
    assert!(
        lines.iter().any(|l| l.starts_with("Prowizja od sprzedaży")),
        "{lines:?}"
    );

    // Nothing personal in it: a masked viewer sees the same figures.
    let viewer = app.masked_viewer("viewer@example.com").await;
    let (_, masked) = app.get_html_in(&viewer, &path, "en").await;
    assert_eq!(
        select_text(&masked, "#money-PLN .od-money-net td"),
        select_text(&en, "#money-PLN .od-money-net td")
    );
}

#[tokio::test]
async fn an_order_without_fees_says_none_are_backed_up() {
    let app = money_app(50).await;
    let account = app.link_account(0).await;
    // Fees not read (the account's authorisation leaves billing out): paid and net only.
    app.set_account_scope("allegro:api:orders:read allegro:api:payments:read");
    sync_once(&app, account, RunTrigger::Cli).await;
    let world = app.simulator.world();
    let refunded = world.refunds(0);
    let order = world
        .orders(0)
        .into_iter()
        .filter(|o| !refunded.iter().any(|r| r["order"]["id"] == o["id"]))
        .find(|o| o["payment"]["paidAmount"]["currency"] == "PLN")
        .unwrap();
    app.sign_in("admin@example.com", Role::Admin).await;
    let path = format!("/orders/{}", order["id"].as_str().unwrap());
    let (_, en) = app.get_html_in(&app.client, &path, "en").await;
    assert_eq!(
        select_text(&en, "#money-PLN .od-money-fees td"),
        ["none backed up"]
    );
    assert!(select_text(&en, "#money-PLN .od-money-fee").is_empty());
    assert_eq!(
        select_text(&en, "#money-PLN .od-money-paid td"),
        select_text(&en, "#money-PLN .od-money-net td")
    );
}

/// Cents as the English page writes them, grouped (`PLN -1,234.50`).
fn english_grouped(cents: i64, currency: &str) -> String {
    let whole = (cents.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{currency} {sign}{grouped}.{:02}", cents.abs() % 100)
}

#[tokio::test]
async fn the_dashboard_shows_fees_and_net_next_to_revenue() {
    use chrono::{Datelike, TimeZone};
    let app = money_app(300).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    // The fees booked over the last 30 days of the display zone (Europe/Warsaw).
    let zone = chrono_tz::Europe::Warsaw;
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let first = today - chrono::Days::new(29);
    let from = zone
        .with_ymd_and_hms(first.year(), first.month(), first.day(), 0, 0, 0)
        .unwrap();
    let month: i64 = FEES
        .truth(&app)
        .values()
        .filter(|f| f["value"]["currency"] == "PLN")
        .filter(|f| {
            chrono::DateTime::parse_from_rfc3339(f["occurredAt"].as_str().unwrap()).unwrap() >= from
        })
        .map(|f| cents(f["value"]["amount"].as_str().unwrap()))
        .sum();
    assert!(month < 0, "fees were charged this month");
    app.sign_in("admin@example.com", Role::Admin).await;
    let (_, en) = app.get_html_in(&app.client, "/", "en").await;
    let fees_row = plain(select_text(&en, ".dash-revenue tr.dash-fees td"));
    assert_eq!(fees_row[0], "fees");
    assert_eq!(fees_row[3], english_grouped(month, "PLN"), "{fees_row:?}");
    assert_eq!(select_text(&en, ".dash-revenue tr.dash-net td")[0], "net");
    let (_, pl) = app.get_html_in(&app.client, "/", "pl").await;
    assert_eq!(
        select_text(&pl, ".dash-revenue tr.dash-fees td")[0],
        "opłaty"
    );
    assert_eq!(select_text(&pl, ".dash-revenue tr.dash-net td")[0], "netto");
}
