//! The order page's "Refunds" part: status, reason, amount, time, the line items paid back and
//! the status history, in English and in Polish; the seller's comment left out for a user who
//! must not see personal data.

use allegro_backup::{db::models::sync::RunTrigger, domain::Role};
use chrono::Utc;
use serde_json::Value;

use super::{REFUNDS, refunds_app};
use crate::helpers::{TestApp, backup::sync_once, select_text};

/// An app whose refunds were backed up, and a paid-out refund in złoty with a comment.
async fn backed_up_with_refunds() -> (TestApp, Value) {
    let app = refunds_app(300, Utc::now()).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let refund = REFUNDS
        .truth(&app)
        .into_values()
        .filter(|r| r["status"] == "SUCCESS" && r["totalValue"]["currency"] == "PLN")
        .filter(|r| r["sellerComment"].is_string())
        // Under 1,000: no thousands separator to spell out below.
        .filter(|r| r["totalValue"]["amount"].as_str().unwrap().len() <= 6)
        .min_by_key(|r| r["id"].as_str().unwrap().to_owned())
        .expect("a paid-out refund in złoty with a comment");
    (app, refund)
}

#[tokio::test]
async fn the_order_page_shows_its_refunds_in_english_and_in_polish() {
    let (app, refund) = backed_up_with_refunds().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let path = format!("/orders/{}", refund["order"]["id"].as_str().unwrap());
    let article = format!("#refund-{}", refund["id"].as_str().unwrap());
    let amount = refund["totalValue"]["amount"].as_str().unwrap();
    let order = app
        .simulator
        .world()
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == refund["order"]["id"])
        .unwrap();

    let (_, en) = app.get_html_in(&app.client, &path, "en").await;
    assert_eq!(select_text(&en, "#refunds-h"), ["Refunds"]);
    let heading = &select_text(&en, &format!("{article} h3"))[0];
    assert!(
        heading.starts_with(&format!("Refund of PLN {amount}")),
        "{heading}"
    );
    assert_eq!(
        select_text(&en, &format!("{article} .od-refund-status")),
        ["Paid back"]
    );
    assert_eq!(
        select_text(&en, &format!("{article} .od-refund-reason")),
        ["Return of goods"]
    );
    assert_eq!(
        select_text(&en, &format!("{article} .od-refund-comment")),
        [refund["sellerComment"].as_str().unwrap()]
    );
    let items = select_text(&en, &format!("{article} .od-refund-items li"));
    let lines = refund["lineItems"].as_array().unwrap();
    assert_eq!(items.len(), lines.len());
    let first = order["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|li| li["id"] == lines[0]["id"])
        .unwrap();
    assert!(
        items[0].contains(first["offer"]["name"].as_str().unwrap()),
        "{items:?}"
    );
    let quantity = lines[0]["quantity"].as_u64().unwrap();
    let pieces = if quantity == 1 { "piece" } else { "pieces" };
    assert!(
        items[0].ends_with(&format!("{quantity} {pieces}")),
        "{items:?}"
    );
    let history = select_text(&en, &format!("{article} .od-refund-history li"));
    assert!(history[0].starts_with("Paid back"), "{history:?}");

    let (_, pl) = app.get_html_in(&app.client, &path, "pl").await;
    assert_eq!(select_text(&pl, "#refunds-h"), ["Zwroty płatności"]);
    let heading = &select_text(&pl, &format!("{article} h3"))[0];
    let polish = format!("{} zł", amount.replace('.', ","));
    assert!(heading.contains(&polish), "{heading} holds {polish}");
    assert_eq!(
        select_text(&pl, &format!("{article} .od-refund-status")),
        ["Zwrócono"]
    );
    let title = pl
        .select(&scraper::Selector::parse(&format!("{article} .od-refund-status")).unwrap())
        .next()
        .unwrap()
        .value()
        .attr("title");
    assert_eq!(title, Some("SUCCESS"), "the code in a tooltip");
    assert_eq!(
        select_text(&pl, &format!("{article} .od-refund-reason")),
        ["Zwrot towaru"]
    );

    // An order without refunds says so.
    let quiet = REFUNDS.order_without(&app, "/order/id");
    let (_, page) = app
        .get_html_in(&app.client, &format!("/orders/{quiet}"), "en")
        .await;
    assert_eq!(
        select_text(&page, "#no-refunds"),
        ["No refund of this order's payment is in the backup."]
    );
}

#[tokio::test]
async fn a_user_who_must_not_see_personal_data_gets_the_refunds_without_the_comment() {
    let (app, refund) = backed_up_with_refunds().await;
    let viewer = app.masked_viewer("viewer@example.com").await;
    let path = format!("/orders/{}", refund["order"]["id"].as_str().unwrap());
    let comment = refund["sellerComment"].as_str().unwrap();
    let article = format!("refund-{}", refund["id"].as_str().unwrap());

    let body = app.get_with(&viewer, &path).await.text().await.unwrap();
    assert!(body.contains(&article), "the refund is shown");
    assert!(!body.contains(comment), "the comment is left out");

    let admin = app.signed_in_client("admin@example.com", Role::Admin).await;
    let body = app.get_with(&admin, &path).await.text().await.unwrap();
    assert!(body.contains(&article) && body.contains(comment));
}
