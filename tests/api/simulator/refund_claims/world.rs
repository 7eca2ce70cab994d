//! Claims against the world they come from: each on a real line item of one of the seller's
//! orders, with that order's buyer and currency, at most one per line item, filed within 45
//! days of the purchase, never for more commission than was charged; every `REF` credit a
//! granted claim's; statuses that move with the clock, a grant booking its credit then; claims
//! for orders paid or cancelled later; the same seed giving the same claims.

use std::collections::{HashMap, HashSet};

use allegro_backup::simulator::{SimulatorConfig, World};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::{super::spawn, time};

/// An amount (a decimal string, or a claim's JSON number) in minor units.
pub(super) fn cents(amount: &Value) -> i64 {
    let text = amount
        .as_str()
        .map_or_else(|| amount.to_string(), str::to_owned);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction: i64 = format!("{fraction:0<2}")[..2].parse().unwrap();
    let whole: i64 = whole.parse().unwrap();
    if text.starts_with('-') {
        whole * 100 - fraction
    } else {
        whole * 100 + fraction
    }
}

/// Every line item of the seller's orders: its order and itself, by line-item id.
pub(super) fn line_items(world: &World) -> HashMap<String, (Value, Value)> {
    let mut lines = HashMap::new();
    for order in world.orders(0) {
        for line in order["lineItems"].as_array().unwrap() {
            let id = line["id"].as_str().unwrap().to_owned();
            lines.insert(id, (order.clone(), line.clone()));
        }
    }
    lines
}

/// The sum of the billing entries of type `kind` on `order` and `offer`, in minor units.
pub(super) fn billed(fees: &[Value], kind: &str, order: &Value, offer: &Value) -> i64 {
    fees.iter()
        .filter(|f| f["type"]["id"] == kind && f["order"]["id"] == order["id"])
        .filter(|f| f["offer"]["id"] == *offer)
        .map(|f| cents(&f["value"]["amount"]))
        .sum()
}

#[tokio::test]
async fn claims_are_filed_for_real_line_items_once_each_within_what_was_charged() {
    let sim = spawn(SimulatorConfig::for_tests(1500)).await;
    let world = sim.handle.world();
    let (claims, fees, lines) = (
        world.refund_claims(0),
        world.billing_entries(0),
        line_items(&world),
    );
    let orders: HashSet<&Value> = claims
        .iter()
        .map(|c| &lines[c["lineItem"]["id"].as_str().unwrap()].0["id"])
        .collect();
    assert!(
        (15..=90).contains(&orders.len()),
        "{} of 1500 orders claimed",
        orders.len()
    );
    let mut claimed = HashSet::new();
    for c in &claims {
        let line_id = c["lineItem"]["id"].as_str().unwrap();
        assert!(
            claimed.insert(line_id),
            "one claim per line item: {line_id}"
        );
        let (order, line) = &lines[line_id];
        assert_eq!(c["buyer"]["id"], order["buyer"]["id"]);
        assert_eq!(c["buyer"]["login"], order["buyer"]["login"]);
        for field in ["quantity", "boughtAt"] {
            assert_eq!(c["lineItem"][field], line[field], "{field}");
        }
        assert_eq!(c["lineItem"]["offer"]["id"], line["offer"]["id"]);
        assert_eq!(
            c["commission"]["currency"],
            order["summary"]["totalToPay"]["currency"]
        );
        assert!(c["commission"]["amount"].is_number(), "{c}");
        let quantity = c["quantity"].as_i64().unwrap();
        assert!((1..=line["quantity"].as_i64().unwrap()).contains(&quantity));
        assert!(["MANUAL", "AUTOMATIC"].contains(&c["type"].as_str().unwrap()));
        let (created, bought) = (time(&c["createdAt"]), time(&line["boughtAt"]));
        assert!(
            created > bought && created <= bought + Duration::days(45) && created <= world.now()
        );
        let charged = -billed(&fees, "SUC", order, &line["offer"]["id"]);
        let amount = cents(&c["commission"]["amount"]);
        assert!(
            amount > 0 && amount <= charged,
            "{amount} claimed of {charged}: {c}"
        );
    }
    // Every commission given back is a granted claim's, for exactly its amount.
    let credits: Vec<&Value> = fees.iter().filter(|f| f["type"]["id"] == "REF").collect();
    let granted: Vec<&Value> = claims.iter().filter(|c| c["status"] == "GRANTED").collect();
    assert!(!granted.is_empty());
    assert_eq!(credits.len(), granted.len(), "one credit per granted claim");
    for c in granted {
        let (order, line) = &lines[c["lineItem"]["id"].as_str().unwrap()];
        let credit = billed(&fees, "REF", order, &line["offer"]["id"]);
        assert_eq!(credit, cents(&c["commission"]["amount"]), "{c}");
    }
}

/// Where a claim in `from` may be later.
fn may_follow(from: &str, to: &str) -> bool {
    let next: &[&str] = match from {
        "WAITING_FOR_PAYMENT_REFUND" => &["IN_PROGRESS", "GRANTED", "REJECTED"],
        "IN_PROGRESS" => &[
            "GRANTED",
            "REJECTED",
            "CANCELLED",
            "APPEALED",
            "REJECTED_AFTER_APPEAL",
        ],
        "REJECTED" => &["APPEALED", "GRANTED", "REJECTED_AFTER_APPEAL"],
        "APPEALED" => &["GRANTED", "REJECTED_AFTER_APPEAL"],
        _ => &[],
    };
    from == to || next.contains(&to)
}

/// The claims and billing entries of seller 0 now, and the time.
fn snapshot(world: &World) -> (Vec<Value>, Vec<Value>, DateTime<Utc>) {
    (
        world.refund_claims(0),
        world.billing_entries(0),
        world.now(),
    )
}

#[tokio::test]
async fn statuses_move_with_the_clock_and_a_grant_books_its_credit_then() {
    let sim = spawn(SimulatorConfig {
        returns_percent: 10,
        ..SimulatorConfig::for_tests(3000)
    })
    .await;
    let world = sim.handle.world();
    let lines = line_items(&world);
    let (mut before, mut fees_before, mut then) = snapshot(&world);
    let mut moves: HashSet<(String, String)> = HashSet::new();
    for _ in 0..10 {
        world.advance(Duration::days(3));
        let (after, fees_after, now) = snapshot(&world);
        assert!(after.len() >= before.len());
        for old in &before {
            let new = after
                .iter()
                .find(|c| c["id"] == old["id"])
                .expect("still listed");
            let (from, to) = (
                old["status"].as_str().unwrap(),
                new["status"].as_str().unwrap(),
            );
            assert!(may_follow(from, to), "{from} → {to}");
            let mut unchanged = new.clone();
            unchanged["status"] = old["status"].clone();
            assert_eq!(&unchanged, old, "only the status moves");
            moves.insert((from.to_owned(), to.to_owned()));
            if to == "GRANTED" && from != to {
                let (order, line) = &lines[new["lineItem"]["id"].as_str().unwrap()];
                let is_credit = |f: &&Value| {
                    f["type"]["id"] == "REF"
                        && f["order"]["id"] == order["id"]
                        && f["offer"]["id"] == line["offer"]["id"]
                };
                assert!(
                    !fees_before.iter().any(|f| is_credit(&f)),
                    "not credited before"
                );
                let credit = fees_after
                    .iter()
                    .find(is_credit)
                    .expect("credited once granted");
                assert_eq!(
                    cents(&credit["value"]["amount"]),
                    cents(&new["commission"]["amount"])
                );
                let at = time(&credit["occurredAt"]);
                assert!(at > then && at <= now, "credited when granted");
            }
        }
        (before, fees_before, then) = (after, fees_after, now);
    }
    // Appeals and the wait for the buyer's money are rarer: the plan's tests and the
    // cancellations' (`moving`) see them.
    let moved = |from: &str, to: &str| moves.contains(&(from.to_owned(), to.to_owned()));
    assert!(moved("IN_PROGRESS", "GRANTED"), "{moves:?}");
    assert!(
        moved("IN_PROGRESS", "REJECTED") || moved("IN_PROGRESS", "CANCELLED"),
        "{moves:?}"
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_claims() {
    let a = spawn(SimulatorConfig::for_tests(400)).await;
    let b = spawn(SimulatorConfig::for_tests(400)).await;
    let claims = a.handle.world().refund_claims(0);
    assert!(!claims.is_empty());
    assert_eq!(claims, b.handle.world().refund_claims(0));
}
