//! Customer returns (allegro-api-money.md §2, §9): only the beta media type, oldest first,
//! paged by `from`, limits and filters, returns made of real line items of the seller's own
//! orders, statuses that move with the clock, 404 by id, the endpoint's own rate limit.

use allegro_backup::simulator::SimulatorConfig;
use reqwest::StatusCode;
use serde_json::Value;

use super::{Sim, error_code, spawn, time};

const BETA: &str = "application/vnd.allegro.beta.v1+json";

/// A simulator where about half of the paid orders are returned.
fn with_returns(orders: u32) -> SimulatorConfig {
    SimulatorConfig {
        returns_percent: 50,
        ..SimulatorConfig::for_tests(orders)
    }
}

impl Sim {
    /// `path` asked for in the beta media type, the only one returns are served in.
    async fn returns(
        &self,
        token: &Value,
        path: &str,
        query: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        self.get_as(token, path, query, BETA).await
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["customerReturns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn returns_are_served_only_in_the_beta_media_type() {
    let sim = spawn(with_returns(40)).await;
    let token = sim.token().await;
    let (status, body) = sim.get(&token, "/order/customer-returns", &[]).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(error_code(&body), "NotAcceptableException");
    let (status, page) = sim.returns(&token, "/order/customer-returns", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["count"].as_u64().unwrap() as usize, ids(&page).len());
}

#[tokio::test]
async fn returns_are_listed_oldest_first_and_paged_by_the_last_one_seen() {
    let sim = spawn(with_returns(200)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().customer_returns(0);
    assert!(truth.len() > 20, "{} returns", truth.len());
    let mut seen: Vec<String> = vec![];
    let mut from: Option<String> = None;
    loop {
        let mut query = vec![("limit", "7")];
        if let Some(id) = &from {
            query.push(("from", id.as_str()));
        }
        let (status, page) = sim.returns(&token, "/order/customer-returns", &query).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let page_ids = ids(&page);
        seen.extend(page_ids.clone());
        if page_ids.len() < 7 {
            break;
        }
        from = page_ids.last().cloned();
    }
    let expected: Vec<String> = truth
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, expected);
    let created: Vec<_> = truth.iter().map(|r| time(&r["createdAt"])).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "oldest first");

    let (_, unknown) = sim
        .returns(
            &token,
            "/order/customer-returns",
            &[("from", "no-such-return")],
        )
        .await;
    assert!(ids(&unknown).is_empty(), "an unknown `from` lists nothing");
    let (_, all) = sim.returns(&token, "/order/customer-returns", &[]).await;
    assert_eq!(ids(&all).len(), truth.len().min(100), "100 by default");
    let bad = [
        ("limit", "0"),
        ("limit", "1001"),
        ("status", "PAID"),
        ("createdAt.gte", "x"),
    ];
    let path = ("/order/customer-returns", BETA);
    sim.assert_each_refused(&token, path, &bad, StatusCode::BAD_REQUEST)
        .await;
}

#[tokio::test]
async fn a_return_holds_real_line_items_of_its_order_and_that_orders_buyer() {
    let sim = spawn(with_returns(120)).await;
    let world = sim.handle.world();
    let orders = world.orders(0);
    let returns = world.customer_returns(0);
    assert!(!returns.is_empty());
    for r in &returns {
        let order = orders
            .iter()
            .find(|o| o["id"] == r["orderId"])
            .unwrap_or_else(|| panic!("the order of {}", r["id"]));
        assert_eq!(order["status"], "READY_FOR_PROCESSING");
        assert_eq!(r["buyer"]["login"], order["buyer"]["login"]);
        assert_eq!(r["buyer"]["email"], order["buyer"]["email"]);
        assert_eq!(r["marketplaceId"], order["marketplace"]["id"]);
        for item in r["items"].as_array().unwrap() {
            let line = order["lineItems"]
                .as_array()
                .unwrap()
                .iter()
                .find(|li| li["offer"]["id"] == item["offerId"])
                .expect("an item of the order");
            assert_eq!(item["price"], line["price"]);
            assert!(item["quantity"].as_u64() <= line["quantity"].as_u64());
        }
        assert!(time(&r["createdAt"]) <= world.now());
    }
}

#[tokio::test]
async fn returns_move_through_their_statuses_as_time_passes_and_can_be_read_by_id() {
    let sim = spawn(with_returns(150)).await;
    let world = sim.handle.world();
    let before = world.customer_returns(0);
    world.advance(chrono::Duration::days(30));
    // A month on, the first token has long expired: a new one.
    let token = sim.token().await;
    let after = world.customer_returns(0);
    assert!(after.len() >= before.len(), "returns stay listed");
    let moved = before
        .iter()
        .filter(|b| {
            after
                .iter()
                .any(|a| a["id"] == b["id"] && a["status"] != b["status"])
        })
        .count();
    assert!(moved > 0, "some returns moved on");
    for r in &after {
        let status = r["status"].as_str().unwrap();
        let parcels = r["parcels"].as_array().unwrap();
        assert_eq!(status == "CREATED", parcels.is_empty(), "{r}");
        assert_eq!(status == "REJECTED", r["rejection"].is_object(), "{r}");
    }
    let one = &after[0];
    let id = one["id"].as_str().unwrap();
    let (status, body) = sim
        .returns(&token, &format!("/order/customer-returns/{id}"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body, one);
    let (_, by_filter) = sim
        .returns(
            &token,
            "/order/customer-returns",
            &[("customerReturnId", id), ("customerReturnId", "x")],
        )
        .await;
    assert_eq!(ids(&by_filter), [id]);
    let (status, body) = sim
        .returns(
            &token,
            "/order/customer-returns/00000000-0000-0000-0000-000000000000",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "CustomerReturnNotFoundException");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_returns() {
    let a = spawn(with_returns(80)).await;
    let b = spawn(with_returns(80)).await;
    assert_eq!(
        a.handle.world().customer_returns(0),
        b.handle.world().customer_returns(0)
    );
}

#[tokio::test]
async fn more_than_25_calls_a_second_are_refused_with_429() {
    let sim = spawn(with_returns(10)).await;
    let token = sim.token().await;
    let mut limited = 0;
    for _ in 0..80 {
        let (status, _) = sim
            .returns(&token, "/order/customer-returns", &[("limit", "1")])
            .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited > 0, "80 quick calls met the limit");
}
