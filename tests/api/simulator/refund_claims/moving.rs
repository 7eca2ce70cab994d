//! Claims of the moving world: a paid order cancelled gets Allegro's own claims for the
//! commission charged, waiting for the buyer's refund and then decided by it; orders paid
//! later get claims as the world's own do.

use std::collections::HashSet;

use allegro_backup::simulator::{SimulatorConfig, World};
use chrono::Duration;
use serde_json::Value;

use super::world::{billed, cents, line_items};

/// The claims on line items of `orders`.
fn claims_of(world: &World, orders: &[String]) -> Vec<Value> {
    let lines = line_items(world);
    world
        .refund_claims(0)
        .into_iter()
        .filter(|c| {
            let (order, _) = &lines[c["lineItem"]["id"].as_str().unwrap()];
            orders.iter().any(|id| order["id"] == id.as_str())
        })
        .collect()
}

/// The refund of `order` Allegro lists now, if any: its status.
fn refund_status(world: &World, order: &Value) -> Option<String> {
    let refunds = world.refunds(0);
    let refund = refunds.iter().find(|r| r["order"]["id"] == order["id"])?;
    Some(refund["status"].as_str()?.to_owned())
}

#[tokio::test]
async fn a_cancelled_paid_order_gets_allegros_claims_decided_by_its_refund() {
    let sim = super::super::spawn(SimulatorConfig::for_tests(10)).await;
    let world = sim.handle.world();
    let ids: Vec<String> = (0..16)
        .map(|_| {
            let id = world.create_order(0);
            assert!(world.pay(&id));
            id
        })
        .collect();
    world.advance(Duration::hours(2));
    ids.iter().for_each(|id| assert!(world.cancel(id, false)));
    assert!(claims_of(&world, &ids).is_empty(), "filed minutes later");

    world.advance(Duration::hours(3));
    let (fresh, lines, fees) = (
        claims_of(&world, &ids),
        line_items(&world),
        world.billing_entries(0),
    );
    let claimed: HashSet<&str> = fresh
        .iter()
        .map(|c| c["lineItem"]["id"].as_str().unwrap())
        .collect();
    for (id, (order, line)) in &lines {
        if !ids.iter().any(|o| order["id"] == o.as_str()) {
            continue;
        }
        let charged = -billed(&fees, "SUC", order, &line["offer"]["id"]);
        assert_eq!(
            claimed.contains(id.as_str()),
            charged > 0,
            "a claim for each commission charged"
        );
    }
    for c in &fresh {
        let (order, line) = &lines[c["lineItem"]["id"].as_str().unwrap()];
        assert_eq!(c["type"], "AUTOMATIC");
        assert_eq!(c["quantity"], line["quantity"]);
        let charged = -billed(&fees, "SUC", order, &line["offer"]["id"]);
        assert_eq!(
            cents(&c["commission"]["amount"]),
            charged,
            "what was charged"
        );
        let paid_back = refund_status(&world, order).is_some_and(|s| s == "SUCCESS");
        let online = !order["payment"]["paidAmount"].is_null();
        let waiting = c["status"] == "WAITING_FOR_PAYMENT_REFUND";
        assert_eq!(
            waiting,
            online && !paid_back,
            "waits for the buyer's money: {c}"
        );
    }

    world.advance(Duration::days(6));
    let (later, fees) = (claims_of(&world, &ids), world.billing_entries(0));
    assert_eq!(later.len(), fresh.len());
    assert!(later.iter().any(|c| c["status"] == "GRANTED"));
    for c in &later {
        let (order, line) = &lines[c["lineItem"]["id"].as_str().unwrap()];
        let cancelled = refund_status(&world, order).is_some_and(|s| s == "CANCELED");
        let expected = if cancelled { "REJECTED" } else { "GRANTED" };
        assert_eq!(c["status"], expected, "{c}");
        let credit = billed(&fees, "REF", order, &line["offer"]["id"]);
        let given_back = if cancelled {
            0
        } else {
            cents(&c["commission"]["amount"])
        };
        assert_eq!(credit, given_back);
    }
}

#[tokio::test]
async fn orders_paid_later_get_claims_as_the_worlds_own() {
    let sim = super::super::spawn(SimulatorConfig {
        returns_percent: 100,
        ..SimulatorConfig::for_tests(10)
    })
    .await;
    let world = sim.handle.world();
    let ids: Vec<String> = (0..40)
        .map(|_| {
            let id = world.create_order(0);
            world.pay(&id);
            id
        })
        .collect();
    world.advance(Duration::days(46));
    let (claims, lines, fees) = (
        claims_of(&world, &ids),
        line_items(&world),
        world.billing_entries(0),
    );
    assert!(!claims.is_empty(), "claims on new orders");
    // Each return that had its commission refunded did so through a granted claim per item.
    for ret in world.customer_returns(0) {
        if !ids.iter().any(|id| ret["orderId"] == id.as_str()) {
            continue;
        }
        let refunded = ret["status"] == "COMMISSION_REFUNDED";
        for item in ret["items"].as_array().unwrap() {
            let claim = claims.iter().find(|c| {
                let (order, _) = &lines[c["lineItem"]["id"].as_str().unwrap()];
                order["id"] == ret["orderId"] && c["lineItem"]["offer"]["id"] == item["offerId"]
            });
            assert_eq!(claim.is_some(), refunded, "{ret}");
            if let Some(c) = claim {
                assert_eq!(
                    (&c["status"], &c["quantity"]),
                    (&Value::from("GRANTED"), &item["quantity"])
                );
                let (order, _) = &lines[c["lineItem"]["id"].as_str().unwrap()];
                assert_eq!(
                    billed(&fees, "REF", order, &item["offerId"]),
                    cents(&c["commission"]["amount"])
                );
            }
        }
    }
}
