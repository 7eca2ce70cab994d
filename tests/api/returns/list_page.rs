//! The returns page: every return newest first with its order and refund, the filters (status,
//! refund not paid yet, commission refund not claimed), the orders list's return and refund
//! filters, the buyer masked for a user who must not
//! see personal data, both languages, bad input a 400 naming it.

use std::collections::HashSet;

use allegro_backup::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

use super::{RETURNS, backed_up_with_returns};
use crate::helpers::{assert_bad_request, select_text};

fn links(page: &scraper::Html) -> Vec<String> {
    page.select(&scraper::Selector::parse(".returns-list tbody tr td:nth-child(3) a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .map(|href| {
            href.trim_start_matches("/orders/")
                .trim_end_matches("#returns")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_returns_page_lists_filters_and_masks() {
    let (app, _) = backed_up_with_returns().await;
    let truth: Vec<Value> = RETURNS.truth(&app).into_values().collect();
    assert!(truth.len() > 50, "{} returns", truth.len());
    app.sign_in("admin@example.com", Role::Admin).await;

    let (status, en) = app
        .get_html_in(&app.client, "/returns?from=2000-01-01&to=2099-12-31", "en")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select_text(&en, "h1"), ["Returns"]);
    let first = links(&en);
    assert_eq!(first.len(), 50, "a page of 50");
    // Newest first: the page holds returns no older than the 50th newest (the simulated clock
    // runs days ahead: the range reaches past today).
    let created =
        |r: &Value| chrono::DateTime::parse_from_rfc3339(r["createdAt"].as_str().unwrap()).unwrap();
    let mut times: Vec<_> = truth.iter().map(created).collect();
    times.sort_unstable_by(|a, b| b.cmp(a));
    let cutoff = times[49];
    for id in &first {
        let newest = truth
            .iter()
            .filter(|r| r["orderId"] == id.as_str())
            .map(created)
            .max()
            .unwrap();
        assert!(newest >= cutoff, "{id} is among the newest");
    }
    let next = en
        .select(&scraper::Selector::parse(".pager a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_owned();
    let (_, older) = app.get_html_in(&app.client, &next, "en").await;
    let second = links(&older);
    assert!(!second.is_empty() && second.iter().all(|id| !first.contains(id)));

    // One status only.
    let (_, delivered) = app
        .get_html_in(
            &app.client,
            "/returns?from=2000-01-01&to=2099-12-31&status=DISPATCHED",
            "en",
        )
        .await;
    assert!(
        select_text(&delivered, ".return-status")
            .iter()
            .all(|s| s == "Sent by the buyer")
    );

    // Not refunded yet: no listed order has a refund paid out.
    let paid: HashSet<String> = app
        .simulator
        .world()
        .refunds(0)
        .into_iter()
        .filter(|r| ["SUCCESS", "PARTIAL"].contains(&r["status"].as_str().unwrap()))
        .map(|r| r["order"]["id"].as_str().unwrap().to_owned())
        .collect();
    let (_, waiting) = app
        .get_html_in(
            &app.client,
            "/returns?from=2000-01-01&to=2099-12-31&refund_not_paid=1",
            "en",
        )
        .await;
    let waiting = links(&waiting);
    assert!(!waiting.is_empty());
    assert!(waiting.iter().all(|id| !paid.contains(id)));

    // Polish, and a viewer who must not see personal data gets no buyer login.
    let (_, pl) = app
        .get_html_in(&app.client, "/returns?from=2000-01-01&to=2099-12-31", "pl")
        .await;
    assert_eq!(select_text(&pl, "h1"), ["Zwroty"]);
    let viewer = app.masked_viewer("viewer@example.com").await;
    let (_, masked) = app
        .get_html_in(&viewer, "/returns?from=2000-01-01&to=2099-12-31", "en")
        .await;
    let logins: HashSet<&str> = truth
        .iter()
        .filter_map(|r| r["buyer"]["login"].as_str())
        .collect();
    let shown = select_text(&masked, ".return-buyer");
    assert_eq!(shown.len(), 50);
    assert!(
        shown.iter().all(|b| !logins.contains(b.as_str())),
        "{shown:?}"
    );

    // The orders list keeps orders with a return, or refunded ones.
    let returned: HashSet<&str> = truth.iter().filter_map(|r| r["orderId"].as_str()).collect();
    let ids = |page: &scraper::Html| -> Vec<String> {
        page.select(&scraper::Selector::parse("a.order-id").unwrap())
            .filter_map(|a| a.value().attr("title"))
            .map(str::to_owned)
            .collect()
    };
    let (_, with) = app
        .get_html_in(&app.client, "/orders?has_return=yes&page_size=100", "en")
        .await;
    let with = ids(&with);
    assert!(!with.is_empty() && with.iter().all(|id| returned.contains(id.as_str())));
    let (_, without) = app
        .get_html_in(&app.client, "/orders?has_return=no&page_size=100", "en")
        .await;
    let without = ids(&without);
    assert!(!without.is_empty() && without.iter().all(|id| !returned.contains(id.as_str())));
    let (_, refunded) = app
        .get_html_in(&app.client, "/orders?refunded=yes&page_size=100", "en")
        .await;
    let refunded = ids(&refunded);
    assert!(!refunded.is_empty() && refunded.iter().all(|id| paid.contains(id)));

    let response = app
        .client
        .get(app.url("/returns?status=LOST"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_bad_request(response, "Not a return status: LOST").await;
}
