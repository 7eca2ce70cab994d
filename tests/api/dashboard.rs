//! The dashboard: per-account figures by day of the display zone, revenue per currency, SVG
//! charts, and the viewer's account scope.

use allegro_backup::domain::{AccountId, Role};
use chrono::{Days, Utc};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{
    TestApp,
    seed::{Seed, insert_account_with_orders, restrict_user},
    select_text, spawn_app,
};

fn titles(html: &Html, account_section: usize) -> Vec<String> {
    let sections = Selector::parse("section.dash-account").unwrap();
    let title = Selector::parse("svg title").unwrap();
    html.select(&sections)
        .nth(account_section)
        .unwrap()
        .select(&title)
        .map(|t| t.text().collect())
        .collect()
}

/// A timestamptz literal `days` days before today (of Warsaw) at `time` UTC, and that day.
fn day_before(days: u64, time: &str) -> (String, chrono::NaiveDate) {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Warsaw)
        .date_naive();
    let day = today - Days::new(days);
    (format!("{day} {time}+00"), day)
}

async fn seeded(app: &TestApp) -> (AccountId, AccountId, chrono::NaiveDate) {
    let mut conn = app.db.connect();
    // 23:30 UTC the day before D is already day D in Warsaw (UTC+1 or +2).
    let (late, _) = day_before(4, "23:30:00");
    let (noon, d) = day_before(3, "12:00:00");
    let now = Utc::now().to_rfc3339();
    let a_orders: Vec<Seed> = [
        (
            "a-1",
            late.as_str(),
            "100.10",
            "PLN",
            "READY_FOR_PROCESSING",
        ),
        ("a-2", noon.as_str(), "50.00", "PLN", "READY_FOR_PROCESSING"),
        ("a-3", noon.as_str(), "20.00", "EUR", "BOUGHT"),
        ("a-4", noon.as_str(), "999.00", "PLN", "CANCELLED"),
        ("a-5", now.as_str(), "10.00", "PLN", "READY_FOR_PROCESSING"),
    ]
    .into_iter()
    .map(|(id, bought_at, total, currency, status)| Seed {
        id,
        bought_at,
        total,
        currency,
        status,
        ..Seed::default()
    })
    .collect();
    let a = insert_account_with_orders(&mut conn, "sklep_a", &a_orders);
    let b = insert_account_with_orders(
        &mut conn,
        "sklep_b",
        &[Seed {
            id: "b-1",
            bought_at: &noon,
            ..Seed::default()
        }],
    );
    (a, b, d)
}

#[tokio::test]
async fn figures_count_days_of_warsaw_and_keep_currencies_apart() {
    let app = spawn_app().await;
    let (a, _, d) = seeded(&app).await;
    let client = app.signed_in_client("root@example.com", Role::Admin).await;
    let response = app.get_with(&client, "/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        select_text(&html, "section.dash-account h2"),
        ["sklep_a", "sklep_b"]
    );
    let figures = select_text(&html, "section.dash-account:first-of-type .dash-number");
    assert_eq!(figures, ["1", "5", "5"], "today, 7 days, 30 days");

    let titles = titles(&html, 0);
    // Orders chart: the late-evening order counts on day D with the noon ones.
    assert!(titles.contains(&format!("{d}: 4 orders")), "{titles:?}");
    assert!(titles.contains(&format!("{}: 0 orders", d - Days::new(1))));
    // Revenue charts per currency; the cancelled order is not revenue.
    assert!(
        titles.contains(&format!("{d}: PLN\u{a0}150.10")),
        "{titles:?}"
    );
    assert!(
        titles.contains(&format!("{d}: EUR\u{a0}20.00")),
        "{titles:?}"
    );

    let revenue = select_text(
        &html,
        "section.dash-account:first-of-type .dash-revenue tbody tr",
    );
    assert_eq!(
        revenue,
        [
            "PLN PLN 10.00 PLN 160.10 PLN 160.10",
            "EUR EUR 0.00 EUR 20.00 EUR 20.00"
        ],
        "PLN first"
    );

    let statuses = select_text(
        &html,
        "section.dash-account:first-of-type .dash-statuses li",
    );
    assert_eq!(statuses, ["Ready to ship 3", "Bought 1", "Cancelled 1"]);
    // Links lead to the filtered list.
    let bar = format!("/orders?account={a}&bought_from={d}&bought_to={d}");
    let links: Vec<String> = html
        .select(&Selector::parse("section.dash-account a").unwrap())
        .filter_map(|l| l.value().attr("href").map(str::to_owned))
        .collect();
    assert!(links.contains(&bar), "{links:?}");
    assert!(links.contains(&format!("/orders?account={a}&status=CANCELLED")));

    let svg = Selector::parse(r#"svg[role="img"][aria-label]"#).unwrap();
    assert_eq!(
        html.select(&svg).count(),
        3 + 2,
        "orders + revenue per currency"
    );
}

#[tokio::test]
async fn the_period_switch_shows_90_days_and_rejects_others() {
    let app = spawn_app().await;
    seeded(&app).await;
    let client = app.signed_in_client("root@example.com", Role::Admin).await;
    let html = Html::parse_document(
        &app.get_with(&client, "/?days=90")
            .await
            .text()
            .await
            .unwrap(),
    );
    let b_titles = titles(&html, 1);
    assert_eq!(
        b_titles.len(),
        2 * 90,
        "orders and PLN revenue, 90 bars each"
    );
    for query in ["days=7", "days=abc", "days=-30"] {
        let response = app.get_with(&client, &format!("/?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    }
}

#[tokio::test]
async fn a_scoped_user_sees_only_their_accounts() {
    let app = spawn_app().await;
    let (_, b, _) = seeded(&app).await;
    let client = app.signed_in_client("ola@example.com", Role::Viewer).await;
    restrict_user(&mut app.db.connect(), "ola@example.com", Some(&[b]), false);
    let html = Html::parse_document(&app.get_with(&client, "/").await.text().await.unwrap());
    assert_eq!(select_text(&html, "section.dash-account h2"), ["sklep_b"]);
    assert!(!html.html().contains("sklep_a"));

    restrict_user(&mut app.db.connect(), "ola@example.com", Some(&[]), false);
    let html = Html::parse_document(&app.get_with(&client, "/").await.text().await.unwrap());
    assert!(select_text(&html, "section.dash-account").is_empty());
    assert_eq!(select_text(&html, ".empty-state p").len(), 2);
}
