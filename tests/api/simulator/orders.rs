//! The order list and single orders: limits, filters and sort against the ground truth, bad
//! and old ids, a hundred thousand orders.

use std::collections::HashSet;

use allegro_backup::simulator::SimulatorConfig;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{spawn, time};

#[tokio::test]
async fn the_order_list_enforces_its_limits() {
    let sim = spawn(SimulatorConfig::for_tests(50)).await;
    let token = sim.token().await;
    let path = "/order/checkout-forms";
    let (status, body) = sim
        .get(&token, path, &[("offset", "9901"), ("limit", "100")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"errors": [{"code": "VALIDATION_ERROR",
            "message": "Offset and limit parameters exceed maximal result size of 10000 items",
            "details": null, "path": "/order/checkout-forms", "userMessage": null}]})
    );
    for (query, expected) in [
        (("limit", "101"), StatusCode::UNPROCESSABLE_ENTITY),
        (("limit", "0"), StatusCode::UNPROCESSABLE_ENTITY),
        (("offset", "-1"), StatusCode::UNPROCESSABLE_ENTITY),
        (("limit", "ten"), StatusCode::BAD_REQUEST),
        (("status", "PAID"), StatusCode::BAD_REQUEST),
        (("sort", "boughtAt"), StatusCode::BAD_REQUEST),
        (("updatedAt.gte", "2026-13-01"), StatusCode::BAD_REQUEST),
        (("offset", "9900"), StatusCode::OK),
    ] {
        assert_eq!(
            sim.get(&token, path, &[query]).await.0,
            expected,
            "{query:?}"
        );
    }
    let (status, body) = sim.get(&token, path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["count"], 50);
    assert_eq!(body["totalCount"], 50);
}

fn latest_bought(order: &Value) -> DateTime<Utc> {
    order["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| time(&li["boughtAt"]))
        .max()
        .unwrap()
}

#[tokio::test]
async fn filters_and_sort_agree_with_the_ground_truth() {
    let sim = spawn(SimulatorConfig::for_tests(3000)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().orders(0);
    let path = "/order/checkout-forms";

    let (_, body) = sim
        .get(&token, path, &[("status", "CANCELLED"), ("limit", "100")])
        .await;
    let cancelled = truth.iter().filter(|o| o["status"] == "CANCELLED").count();
    assert_eq!(body["totalCount"], cancelled);
    assert!(
        body["checkoutForms"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "CANCELLED")
    );

    let (_, body) = sim
        .get(&token, path, &[("marketplace.id", "allegro-cz")])
        .await;
    let cz = truth
        .iter()
        .filter(|o| o["marketplace"]["id"] == "allegro-cz")
        .count();
    assert!(cz > 0);
    assert_eq!(body["totalCount"], cz);

    let (_, body) = sim
        .get(&token, path, &[("fulfillment.status", "RETURNED")])
        .await;
    assert_eq!(
        body["totalCount"],
        truth
            .iter()
            .filter(|o| o["fulfillment"]["status"] == "RETURNED")
            .count()
    );

    let login = truth[7]["buyer"]["login"].as_str().unwrap();
    let (_, body) = sim.get(&token, path, &[("buyer.login", login)]).await;
    assert!(
        body["checkoutForms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == truth[7]["id"])
    );

    // Default sort: newest purchase first; ascending with sort=lineItems.boughtAt.
    let (_, body) = sim.get(&token, path, &[("limit", "5")]).await;
    assert_eq!(body["checkoutForms"][0]["id"], truth[0]["id"]);
    let (_, body) = sim
        .get(
            &token,
            path,
            &[("sort", "lineItems.boughtAt"), ("limit", "5")],
        )
        .await;
    assert_eq!(body["checkoutForms"][0]["id"], truth.last().unwrap()["id"]);
    let (_, body) = sim.get(&token, path, &[("sort", "-updatedAt")]).await;
    let updated: Vec<_> = body["checkoutForms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| time(&o["updatedAt"]))
        .collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]));

    // A closed time window, paged ascending, returns exactly the orders inside it.
    let from = latest_bought(&truth[1500]);
    let to = latest_bought(&truth[300]);
    let expected: HashSet<String> = truth
        .iter()
        .filter(|o| (from..=to).contains(&latest_bought(o)))
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    let (gte, lte) = (from.to_rfc3339(), to.to_rfc3339());
    let mut seen = HashSet::new();
    let mut offset = 0;
    loop {
        let off = offset.to_string();
        let (status, body) = sim
            .get(
                &token,
                path,
                &[
                    ("lineItems.boughtAt.gte", gte.as_str()),
                    ("lineItems.boughtAt.lte", lte.as_str()),
                    ("sort", "lineItems.boughtAt"),
                    ("offset", off.as_str()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["totalCount"], expected.len());
        let page = body["checkoutForms"].as_array().unwrap();
        seen.extend(page.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        offset += 100;
        if page.len() < 100 {
            break;
        }
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_single_order_is_served_and_bad_ids_get_422_or_404() {
    let sim = spawn(SimulatorConfig::for_tests(20)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().orders(0);
    let id = truth[3]["id"].as_str().unwrap();
    let (status, body) = sim
        .get(&token, &format!("/order/checkout-forms/{id}"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, truth[3]);
    let (status, _) = sim
        .get(&token, "/order/checkout-forms/not-a-uuid", &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = "29738e61-7f6a-11e8-ac45-09db60ede9d6";
    let (status, body) = sim
        .get(&token, &format!("/order/checkout-forms/{unknown}"), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let m = format!("Checkout form {unknown} not found");
    assert_eq!(
        body,
        json!({"errors": [{"code": "CheckoutFormNotFoundException", "message": m, "details": null,
            "path": format!("/order/checkout-forms/{unknown}"), "userMessage": m}]})
    );
}

#[tokio::test]
async fn orders_older_than_twelve_months_answer_404() {
    let sim = spawn(SimulatorConfig::for_tests(200)).await;
    let token = sim.token().await;
    let oldest = sim.handle.world().orders(0).last().unwrap().clone();
    sim.handle.world().advance(chrono::Duration::days(40));
    let token = {
        drop(token);
        sim.token().await
    };
    let path = format!("/order/checkout-forms/{}", oldest["id"].as_str().unwrap());
    assert_eq!(sim.get(&token, &path, &[]).await.0, StatusCode::NOT_FOUND);
    let (_, body) = sim.get(&token, "/order/checkout-forms", &[]).await;
    assert!((body["totalCount"].as_u64().unwrap()) < 200);
}

#[tokio::test]
async fn a_hundred_thousand_orders_can_be_listed_in_time_windows() {
    let started = std::time::Instant::now();
    let sim = spawn(SimulatorConfig::for_tests(100_000)).await;
    let generated = started.elapsed();
    let token = sim.token().await;
    let (_, all) = sim
        .get(&token, "/order/checkout-forms", &[("limit", "1")])
        .await;
    assert_eq!(all["totalCount"], 100_000);
    let (status, page) = sim
        .get(
            &token,
            "/order/checkout-forms",
            &[("offset", "9900"), ("sort", "-updatedAt")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["count"], 100);
    eprintln!(
        "generated 100k orders in {generated:?}, listed in {:?}",
        started.elapsed() - generated
    );
}
