//! The order page's "Returns" section: items, parcels, reason and status history, in Polish
//! and in English; masked for a user who must not see personal data.

use allegro_backup::{db::models::sync::RunTrigger, domain::Role, sync::SyncMode};
use chrono::Utc;
use serde_json::Value;

use super::RETURNS;
use crate::helpers::{TestApp, backup::sync_once, select_text, versioned::spawn_app_with_returns};

/// An app whose returns were backed up twice, three days apart (the second backup reading
/// invoices too), and a return the first backup saw declared and the second saw sent (with a
/// parcel): its history has two steps at least.
pub(crate) async fn backed_up_with_returns() -> (TestApp, Value) {
    let app = spawn_app_with_returns(800, 100, Utc::now()).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let declared = RETURNS.truth(&app);
    app.simulator.world().advance(chrono::Duration::days(3));
    let options = crate::helpers::backup::options_with_invoices();
    crate::helpers::backup::sync_with(&app, account, RunTrigger::Cli, SyncMode::Auto, &options)
        .await
        .unwrap();
    let sent = RETURNS
        .truth(&app)
        .into_values()
        .filter(|r| !r["parcels"].as_array().unwrap().is_empty())
        .filter(|r| {
            declared
                .get(r["id"].as_str().unwrap())
                .is_some_and(|d| d["status"] == "CREATED")
        })
        .min_by_key(|r| r["id"].as_str().unwrap().to_owned())
        .expect("a return declared at the first backup and sent by the second");
    (app, sent)
}

#[tokio::test]
async fn the_order_page_shows_its_returns_in_english_and_in_polish() {
    let (app, ret) = backed_up_with_returns().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let order = ret["orderId"].as_str().unwrap();
    let path = format!("/orders/{order}");
    let reference = ret["referenceNumber"].as_str().unwrap();
    let waybill = ret["parcels"][0]["waybill"].as_str().unwrap();

    let (_, en) = app.get_html_in(&app.client, &path, "en").await;
    assert_eq!(select_text(&en, "#returns-h"), ["Returns"]);
    let article = format!("#return-{}", ret["id"].as_str().unwrap());
    assert_eq!(
        select_text(&en, &format!("{article} h3 .od-return-status")).len(),
        1
    );
    assert!(select_text(&en, &format!("{article} h3"))[0].contains(&format!("Return {reference}")));
    assert_eq!(
        select_text(&en, &format!("{article} .od-return-waybill")),
        [waybill]
    );
    let items = select_text(&en, &format!("{article} .od-return-items tbody tr"));
    assert_eq!(items.len(), ret["items"].as_array().unwrap().len());
    assert!(items[0].contains(ret["items"][0]["name"].as_str().unwrap()));
    let history = select_text(&en, &format!("{article} .od-return-history li"));
    assert!(history.len() >= 2, "declared, then sent: {history:?}");
    assert!(history[0].starts_with("Declared"), "{history:?}");

    let (_, pl) = app.get_html_in(&app.client, &path, "pl").await;
    assert_eq!(select_text(&pl, "#returns-h"), ["Zwroty"]);
    assert!(select_text(&pl, &format!("{article} h3"))[0].contains(&format!("Zwrot {reference}")));
    let history = select_text(&pl, &format!("{article} .od-return-history li"));
    assert!(history[0].starts_with("Zgłoszony"), "{history:?}");

    // An order without returns says so.
    let quiet = RETURNS.order_without(&app, "/orderId");
    let (_, page) = app
        .get_html_in(&app.client, &format!("/orders/{quiet}"), "en")
        .await;
    assert_eq!(
        select_text(&page, "#no-returns"),
        ["No return of this order is in the backup."]
    );
}

#[tokio::test]
async fn a_user_who_must_not_see_personal_data_gets_the_returns_masked() {
    let (app, ret) = backed_up_with_returns().await;
    let viewer = app.masked_viewer("viewer@example.com").await;
    let path = format!("/orders/{}", ret["orderId"].as_str().unwrap());
    let response = app.get_with(&viewer, &path).await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.text().await.unwrap();
    let article = format!("return-{}", ret["id"].as_str().unwrap());
    assert!(body.contains(&article), "the return is shown");
    let parcel = &ret["parcels"][0];
    for secret in [
        &ret["buyer"]["login"],
        &ret["buyer"]["email"],
        &parcel["waybill"],
        &parcel["transportingWaybill"],
    ]
    .into_iter()
    .filter_map(Value::as_str)
    {
        assert!(!body.contains(secret), "{secret} shown to a masked user");
    }

    let admin = app.signed_in_client("admin@example.com", Role::Admin).await;
    let body = app.get_with(&admin, &path).await.text().await.unwrap();
    assert!(body.contains(parcel["waybill"].as_str().unwrap()));
}
