//! Payment refunds (allegro-api-money.md §3, §9): made of real orders (their payment id, their
//! line items and prices), after a refunded return or when a paid order is cancelled; newest
//! first, offset paging with `totalCount`, limits and filters, 422 for a bad value, 403 without
//! `payments:read`, statuses that move with the clock, faults.

use std::collections::HashSet;

use allegro_backup::simulator::{Faults, SimulatorConfig};
use reqwest::StatusCode;
use serde_json::Value;

use super::{MEDIA, Sim, error_code, spawn, time};

/// A simulator where every paid order is returned (some of the returns are refunded).
fn with_refunds(orders: u32) -> SimulatorConfig {
    SimulatorConfig {
        returns_percent: 100,
        ..SimulatorConfig::for_tests(orders)
    }
}

impl Sim {
    /// A token whose device authorisation asked only for `scope`.
    pub(super) async fn token_for(&self, scope: &str) -> Value {
        let r = self
            .oauth("/auth/oauth/device")
            .query(&[("client_id", self.id.as_str()), ("scope", scope)])
            .send()
            .await
            .unwrap();
        let device: Value = r.json().await.unwrap();
        let (status, token) = self.poll(device["device_code"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        token
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `"29.99"` in minor units.
fn minor(amount: &Value) -> i64 {
    let (whole, fraction) = amount.as_str().unwrap().split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap()
}

#[tokio::test]
async fn a_refund_pays_back_real_line_items_of_a_refunded_return_to_the_orders_payment() {
    let sim = spawn(with_refunds(150)).await;
    let world = sim.handle.world();
    world.advance(chrono::Duration::days(30));
    let orders = world.orders(0);
    let returns = world.customer_returns(0);
    let refunds = world.refunds(0);
    assert!(refunds.len() >= 10, "{} refunds", refunds.len());
    for r in &refunds {
        let order = orders
            .iter()
            .find(|o| o["id"] == r["order"]["id"])
            .unwrap_or_else(|| panic!("the order of {}", r["id"]));
        assert_eq!(r["payment"]["id"], order["payment"]["id"]);
        assert_eq!(r["reason"], "REFUND");
        let ret = returns
            .iter()
            .find(|x| x["orderId"] == order["id"])
            .expect("a refund follows a return");
        // Paid back in the hours before the return is marked refunded, or after.
        assert!(
            [
                "DELIVERED",
                "FINISHED",
                "COMMISSION_REFUND_CLAIMED",
                "COMMISSION_REFUNDED"
            ]
            .contains(&ret["status"].as_str().unwrap()),
            "{ret}"
        );
        let mut sum = 0;
        for item in r["lineItems"].as_array().unwrap() {
            let line = order["lineItems"]
                .as_array()
                .unwrap()
                .iter()
                .find(|li| li["id"] == item["id"])
                .expect("a line item of the order");
            assert_eq!(item["type"], "QUANTITY");
            let quantity = item["quantity"].as_i64().unwrap();
            assert!(quantity >= 1 && quantity <= line["quantity"].as_i64().unwrap());
            sum += minor(&line["price"]["amount"]) * quantity;
        }
        assert_eq!(minor(&r["totalValue"]["amount"]), sum, "{r}");
        assert_eq!(
            r["totalValue"]["currency"],
            order["lineItems"][0]["price"]["currency"]
        );
        assert!(time(&r["createdAt"]) <= world.now());
    }
    // Every return that reached FINISHED a day ago has its refund by now.
    let refunded: HashSet<&Value> = refunds.iter().map(|r| &r["order"]["id"]).collect();
    let finished = returns.iter().filter(|r| r["status"] == "FINISHED").count();
    assert!(finished > 0);
    assert!(
        returns
            .iter()
            .filter(|r| r["status"] == "FINISHED")
            .all(|r| refunded.contains(&r["orderId"])),
        "a FINISHED return has its refund"
    );
}

#[tokio::test]
async fn refunds_are_listed_newest_first_and_paged_by_offset_with_the_total() {
    let sim = spawn(with_refunds(300)).await;
    let world = sim.handle.world();
    world.advance(chrono::Duration::days(30));
    let token = sim.token().await;
    let truth = world.refunds(0);
    assert!(truth.len() > 20, "{} refunds", truth.len());
    let (listed, totals) = sim
        .page_by_offset(&token, ("/payments/refunds", "refunds"), &[], 7)
        .await;
    assert!(totals.iter().all(|t| *t == Some(truth.len() as u64)));
    let seen: Vec<String> = listed
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = truth
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, expected);
    let created: Vec<_> = truth.iter().map(|r| time(&r["createdAt"])).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let (_, default) = sim.get(&token, "/payments/refunds", &[]).await;
    assert_eq!(ids(&default).len(), truth.len().min(50), "50 by default");
    let bad = [
        ("limit", "0"),
        ("limit", "101"),
        ("offset", "-1"),
        ("id", "not-a-uuid"),
        ("order.id", "123"),
        ("status", "NEW"),
        ("occurredAt.gte", "yesterday"),
    ];
    let path = ("/payments/refunds", MEDIA);
    sim.assert_each_refused(&token, path, &bad, StatusCode::UNPROCESSABLE_ENTITY)
        .await;

    // Filters: one refund, one order, one payment, a creation window.
    let one = &truth[truth.len() / 2];
    for (key, value) in [
        ("id", one["id"].as_str().unwrap()),
        ("order.id", one["order"]["id"].as_str().unwrap()),
        ("payment.id", one["payment"]["id"].as_str().unwrap()),
    ] {
        let (status, page) = sim.get(&token, "/payments/refunds", &[(key, value)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ids(&page), [one["id"].as_str().unwrap()], "{key}");
    }
    let at = one["createdAt"].as_str().unwrap();
    let (_, window) = sim
        .get(
            &token,
            "/payments/refunds",
            &[
                ("occurredAt.gte", at),
                ("occurredAt.lte", at),
                ("limit", "100"),
            ],
        )
        .await;
    assert!(ids(&window).contains(&one["id"].as_str().unwrap().to_owned()));
    assert!(
        window["refunds"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["createdAt"] == one["createdAt"])
    );
}

#[tokio::test]
async fn a_cancelled_paid_order_is_refunded_and_the_refund_moves_on_to_a_final_status() {
    let sim = spawn(SimulatorConfig::for_tests(10)).await;
    let world = sim.handle.world();
    let mut cancelled = vec![];
    for _ in 0..12 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
        assert!(world.cancel(&id, false));
        cancelled.push(id);
    }
    // Created minutes after the cancellation: not listed yet.
    let listed = |world: &allegro_backup::simulator::World| -> Vec<Value> {
        world
            .refunds(0)
            .into_iter()
            .filter(|r| cancelled.iter().any(|id| r["order"]["id"] == id.as_str()))
            .collect()
    };
    assert!(listed(&world).is_empty());
    world.advance(chrono::Duration::hours(5));
    let token = sim.token().await;
    let fresh = listed(&world);
    let orders = world.orders(0);
    // Cash on delivery was never paid online: nothing to pay back.
    let paid_online: HashSet<&str> = cancelled
        .iter()
        .map(String::as_str)
        .filter(|id| {
            orders
                .iter()
                .any(|o| o["id"] == *id && !o["payment"]["paidAmount"].is_null())
        })
        .collect();
    assert!(!paid_online.is_empty());
    let refunded: HashSet<&str> = fresh
        .iter()
        .map(|r| r["order"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        refunded, paid_online,
        "every cancelled order paid online is refunded, once"
    );
    assert_eq!(fresh.len(), paid_online.len());
    for r in &fresh {
        let order = orders.iter().find(|o| o["id"] == r["order"]["id"]).unwrap();
        assert_eq!(r["reason"], "CANCELLED_BY_BUYER");
        assert_eq!(
            r["totalValue"], order["payment"]["paidAmount"],
            "paid back whole"
        );
    }
    let (_, waiting) = sim
        .get(
            &token,
            "/payments/refunds",
            &[
                ("status", "WAITING"),
                ("status", "IN_PROGRESS"),
                ("limit", "100"),
            ],
        )
        .await;
    let open: Vec<&str> = waiting["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(
        open.iter()
            .all(|s| ["NEW", "VALIDATED", "IN_PROGRESS"].contains(s))
    );

    world.advance(chrono::Duration::days(4));
    let later = listed(&world);
    assert_eq!(later.len(), fresh.len());
    assert!(
        later
            .iter()
            .all(|r| ["SUCCESS", "CANCELED"].contains(&r["status"].as_str().unwrap())),
        "all final four days on"
    );
    assert!(later.iter().any(|r| r["status"] == "SUCCESS"));
    let token = sim.token().await;
    let (_, none_waiting) = sim
        .get(
            &token,
            "/payments/refunds",
            &[("status", "WAITING"), ("limit", "100")],
        )
        .await;
    assert!(
        ids(&none_waiting)
            .iter()
            .all(|id| !later.iter().any(|r| r["id"] == id.as_str()))
    );
}

#[tokio::test]
async fn refunds_need_the_payments_scope_and_faults_apply() {
    let sim = spawn(with_refunds(20)).await;
    let orders_only = sim.token_for("allegro:api:orders:read").await;
    let (status, body) = sim.get(&orders_only, "/payments/refunds", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "AccessDenied");
    let token = sim.token().await;
    let (status, _) = sim.get(&token, "/payments/refunds", &[]).await;
    assert_eq!(status, StatusCode::OK);
    sim.handle.world().set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let r = sim.api(&token, "/payments/refunds").send().await.unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
}

#[tokio::test]
async fn the_same_seed_gives_the_same_refunds() {
    let a = spawn(with_refunds(80)).await;
    let b = spawn(with_refunds(80)).await;
    a.handle.world().advance(chrono::Duration::days(20));
    b.handle.world().advance(chrono::Duration::days(20));
    let refunds = a.handle.world().refunds(0);
    assert!(!refunds.is_empty());
    assert_eq!(refunds, b.handle.world().refunds(0));
}
