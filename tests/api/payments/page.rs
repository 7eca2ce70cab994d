//! The Payments page and the order page's wallet part: every operation newest first with its
//! order, a payout showing the operations it carries, the wallet and type filters, the
//! participant masked for a user who must not see personal data, both languages, bad input a
//! 400 naming it.

use allegro_backup::{db::models::sync::RunTrigger, domain::Role};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use super::money_app;
use crate::helpers::{TestApp, backup::sync_once, select_attr, select_text, truth::wallet_listed};

const ALL_DAYS: &str = "from=2000-01-01&to=2099-12-31";

fn hrefs(page: &Html, selector: &str) -> Vec<String> {
    page.select(&Selector::parse(selector).unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

async fn backed_up() -> TestApp {
    let app = money_app(150).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    app
}

#[tokio::test]
async fn the_payments_page_lists_filters_shows_payouts_and_masks() {
    let app = backed_up().await;
    let operations = wallet_listed(&app);
    app.sign_in("admin@example.com", Role::Admin).await;

    let (status, pl) = app
        .get_html_in(&app.client, &format!("/payments?{ALL_DAYS}"), "pl")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select_text(&pl, "h1"), ["Płatności"]);
    assert_eq!(select_text(&pl, ".payment-op").len(), 50, "a page of 50");
    assert!(
        select_text(&pl, ".payment-op td:nth-child(3) span")
            .iter()
            .any(|t| t == "Wpłata kupującego"),
        "buyers' payments named as Allegro names them"
    );
    let orders = hrefs(&pl, ".payment-op td:nth-child(5) a");
    assert!(!orders.is_empty(), "operations link to their orders");
    let next = hrefs(&pl, ".pager a").pop().expect("an older page");
    let (_, older) = app.get_html_in(&app.client, &next, "pl").await;
    assert!(!select_text(&older, ".payment-op").is_empty());

    // Payouts only; each shows what it carries.
    let (_, payouts) = app
        .get_html_in(
            &app.client,
            &format!("/payments?{ALL_DAYS}&type=PAYOUT"),
            "en",
        )
        .await;
    let kinds = select_text(&payouts, ".payment-op td:nth-child(3) span");
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "Payout"),
        "{kinds:?}"
    );
    let carries = hrefs(&payouts, ".payout-link");
    assert_eq!(carries.len(), kinds.len());
    let (status, carried) = app.get_html_in(&app.client, &carries[0], "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select_text(&carried, "#payout h2").len(), 1);
    let payout_id = carries[0].trim_start_matches("/payments?payout=");
    let payout = operations
        .values()
        .find(|op| op["payout"]["id"] == payout_id)
        .expect("the payout is Allegro's");
    let operator = payout["wallet"]["paymentOperator"].as_str().unwrap();
    let wallets = select_text(&carried, ".payment-op td:nth-child(4)");
    assert!(
        wallets.iter().all(|w| w.contains(operator)),
        "the payout's own wallet only: {wallets:?}"
    );

    // Held money only.
    let (_, held) = app
        .get_html_in(
            &app.client,
            &format!("/payments?{ALL_DAYS}&wallet=WAITING"),
            "en",
        )
        .await;
    let wallets = select_text(&held, ".payment-op td:nth-child(4)");
    assert!(
        wallets.iter().all(|w| w.starts_with("Held back")),
        "{wallets:?}"
    );

    // The participant is a buyer: hidden from a user who must not see personal data.
    let logins = select_text(&pl, ".payment-participant");
    assert!(logins.iter().any(|l| l != "***" && l != "—"));
    let masked = app.masked_viewer("masked@example.com").await;
    let (_, hidden) = app
        .get_html_in(&masked, &format!("/payments?{ALL_DAYS}"), "en")
        .await;
    let shown = select_text(&hidden, ".payment-participant");
    assert!(
        !shown.is_empty() && shown.iter().all(|l| l == "***" || l == "—"),
        "{shown:?}"
    );

    // Bad input: a 400 naming it.
    for (query, says) in [
        ("wallet=PENDING", "PENDING"),
        ("from=2026-13-01", "2026-13-01"),
        ("before=x", "x"),
    ] {
        let response = app.get(&format!("/payments?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(response.text().await.unwrap().contains(says), "{query}");
    }
    let response = app.get("/payments?payout=no-such-payout").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_order_page_lists_the_wallet_operations_of_its_payment() {
    let app = backed_up().await;
    let paid = wallet_listed(&app)
        .into_values()
        .find(|op| op["type"] == "CONTRIBUTION" && op["wallet"]["type"] == "AVAILABLE")
        .expect("a payment");
    let payment = paid["payment"]["id"].as_str().unwrap();
    let order = app
        .simulator
        .world()
        .orders(0)
        .into_iter()
        .find(|o| o["payment"]["id"] == payment)
        .expect("the payment's order");
    let id = order["id"].as_str().unwrap();
    app.sign_in("admin@example.com", Role::Admin).await;
    let (_, pl) = app
        .get_html_in(&app.client, &format!("/orders/{id}"), "pl")
        .await;
    assert_eq!(select_text(&pl, "#wallet-h"), ["Operacje płatnicze"]);
    let kinds = select_text(&pl, ".od-wallet-op td:nth-child(2)");
    assert!(kinds.contains(&"Wpłata kupującego".to_owned()), "{kinds:?}");
    assert_eq!(
        select_attr(&pl, ".od-wallet-op td:nth-child(2) span", "title").as_deref(),
        Some("CONTRIBUTION")
    );
    let (_, en) = app
        .get_html_in(&app.client, &format!("/orders/{id}"), "en")
        .await;
    assert!(
        select_text(&en, ".od-wallet-op td:nth-child(2)").contains(&"Buyer's payment".to_owned())
    );

    // An order whose payment the wallet history does not name says so.
    let unpaid = app
        .simulator
        .world()
        .orders(0)
        .into_iter()
        .find(|o| {
            let p = &o["payment"]["id"];
            !wallet_listed(&app)
                .values()
                .any(|op| op["payment"]["id"] == *p)
        })
        .expect("an order with no wallet operation");
    let (_, page) = app
        .get_html_in(
            &app.client,
            &format!("/orders/{}", unpaid["id"].as_str().unwrap()),
            "en",
        )
        .await;
    assert_eq!(select_text(&page, "#no-wallet").len(), 1);
}
