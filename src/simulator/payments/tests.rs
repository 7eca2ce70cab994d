//! The wallets of a generated world against its orders and refunds: one contribution per paid
//! order, one charge per successful refund, balances that add up, payouts that empty the
//! wallets, held money that moves; and how fast a page is on a large seller.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::{operation::WalletType, plan::WAITING_PERCENT};
use crate::simulator::{
    SimulatorConfig,
    data::{minor, parse_time},
    world::{World, build_state},
};

fn world(orders: u32, returns_percent: u32) -> World {
    World::new(build_state(SimulatorConfig {
        returns_percent,
        ..SimulatorConfig::for_tests(orders)
    }))
}

fn time(v: &Value) -> DateTime<Utc> {
    parse_time(v.as_str().unwrap()).unwrap()
}

fn of_type<'a>(ops: &'a [Value], kind: &str) -> Vec<&'a Value> {
    ops.iter().filter(|o| o["type"] == kind).collect()
}

/// Operations by the payment id they name.
fn by_payment<'a>(ops: &[&'a Value]) -> HashMap<&'a str, Vec<&'a Value>> {
    let mut map: HashMap<&str, Vec<&Value>> = HashMap::new();
    for op in ops {
        map.entry(op["payment"]["id"].as_str().unwrap())
            .or_default()
            .push(op);
    }
    map
}

#[test]
fn every_paid_order_comes_in_once_and_every_successful_refund_goes_out_once() {
    let world = world(3000, 30);
    world.advance(Duration::days(20));
    let now = world.now();
    let (ops, orders, refunds) = (
        world.payment_operations(0),
        world.orders(0),
        world.refunds(0),
    );
    let contributions = by_payment(&of_type(&ops, "CONTRIBUTION"));
    let (mut online, mut on_delivery) = (0, 0);
    for order in &orders {
        let payment = &order["payment"];
        let found = contributions.get(payment["id"].as_str().unwrap());
        let cod_collected = payment["type"] == "CASH_ON_DELIVERY"
            && order["status"] == "READY_FOR_PROCESSING"
            && order["fulfillment"]["status"] != "CANCELLED"
            && time(&order["lineItems"][0]["boughtAt"]) < now - Duration::days(8);
        let expected = if !payment["paidAmount"].is_null() {
            online += 1;
            &payment["paidAmount"]
        } else if cod_collected {
            on_delivery += 1;
            &order["summary"]["totalToPay"]
        } else {
            if payment["type"] != "CASH_ON_DELIVERY" {
                assert!(found.is_none(), "unpaid {} has no income", order["id"]);
            }
            continue;
        };
        let found = found.unwrap_or_else(|| panic!("the contribution of {}", order["id"]));
        assert_eq!(found.len(), 1, "one contribution for {}", order["id"]);
        let op = found[0];
        assert_eq!(&op["value"], expected);
        assert_eq!(op["group"], "INCOME");
        assert_eq!(op["marketplaceId"], order["marketplace"]["id"]);
        assert_eq!(op["participant"]["id"], order["buyer"]["id"]);
        assert_eq!(op["participant"]["login"], order["buyer"]["login"]);
        assert_eq!(
            op["participant"]["address"]["city"],
            order["buyer"]["address"]["city"]
        );
        let operator = op["wallet"]["paymentOperator"].as_str().unwrap();
        if payment["type"] == "CASH_ON_DELIVERY" {
            assert_eq!(operator, "AF");
        } else {
            assert!(["P24", "PAYU", "AF"].contains(&operator), "{operator}");
            let paid = time(&payment["finishedAt"]);
            // At the payment time; released money later, at its release.
            assert!(time(&op["occurredAt"]) >= paid - Duration::milliseconds(1));
        }
    }
    assert!(online > 2000 && on_delivery > 100, "{online} {on_delivery}");

    assert_each_successful_refund_is_charged_once(&ops, &refunds);
    let occurred: Vec<DateTime<Utc>> = ops.iter().map(|o| time(&o["occurredAt"])).collect();
    assert!(occurred.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(occurred.iter().all(|t| *t <= now), "only what has occurred");
}

/// One `REFUND_CHARGE` of the refund's whole value per `SUCCESS` refund, none for the others.
fn assert_each_successful_refund_is_charged_once(ops: &[Value], refunds: &[Value]) {
    let charges = by_payment(&of_type(ops, "REFUND_CHARGE"));
    let succeeded: Vec<&Value> = refunds
        .iter()
        .filter(|r| r["status"] == "SUCCESS")
        .collect();
    assert!(
        succeeded.len() > 50,
        "{} successful refunds",
        succeeded.len()
    );
    for refund in &succeeded {
        let found = &charges[refund["payment"]["id"].as_str().unwrap()];
        assert_eq!(found.len(), 1, "one charge for {}", refund["id"]);
        assert_eq!(found[0]["group"], "REFUND");
        assert_eq!(
            minor(&found[0]["value"]["amount"]),
            -minor(&refund["totalValue"]["amount"])
        );
        assert_eq!(found[0]["wallet"]["type"], "AVAILABLE");
    }
    assert_eq!(
        charges.values().map(Vec::len).sum::<usize>(),
        succeeded.len()
    );
}

/// `(operator, currency)` of a wallet.
type WalletKey = (String, String);

/// `(operator, currency)` of an operation's wallet.
fn wallet_of(op: &Value) -> WalletKey {
    let w = &op["wallet"];
    let operator = w["paymentOperator"].as_str().unwrap().to_owned();
    (
        operator,
        w["balance"]["currency"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn balances_add_up_and_a_daily_payout_empties_each_wallet() {
    let world = world(3000, 30);
    world.advance(Duration::days(3));
    let now = world.now();
    let ops = world.payment_operations(0);
    let available = ops.iter().filter(|o| o["wallet"]["type"] == "AVAILABLE");
    // Per wallet: the balance, and since when it has been positive.
    let mut wallets: HashMap<WalletKey, (i64, Option<DateTime<Utc>>)> = HashMap::new();
    let mut payout_days = HashSet::new();
    let mut payouts = 0;
    for op in available {
        let (balance, positive_since) = wallets.entry(wallet_of(op)).or_insert((0, None));
        let (value, after) = (
            minor(&op["value"]["amount"]),
            minor(&op["wallet"]["balance"]["amount"]),
        );
        assert_eq!(*balance + value, after, "previous balance + value: {op}");
        let at = time(&op["occurredAt"]);
        if op["type"] == "PAYOUT" {
            payouts += 1;
            assert!(
                *balance > 0 && after == 0,
                "a payout empties the wallet: {op}"
            );
            assert!(op["marketplaceId"].is_null() && op["group"] == "OUTCOME");
            assert!(uuid::Uuid::parse_str(op["payout"]["id"].as_str().unwrap()).is_ok());
            let day = (wallet_of(op), at.date_naive());
            assert!(payout_days.insert(day), "one payout a day per wallet: {op}");
        }
        if let Some(since) = positive_since.filter(|_| op["type"] == "PAYOUT") {
            assert!(
                at - since < Duration::hours(27),
                "paid out within a day: {op}"
            );
        }
        *positive_since = match (after > 0, *positive_since) {
            (true, None) => Some(at),
            (true, since) => since,
            (false, _) => None,
        };
        *balance = after;
    }
    assert!(payouts > 300, "{payouts} payouts");
    for (wallet, (_, since)) in wallets {
        let since = since.unwrap_or(now);
        assert!(
            now - since < Duration::hours(27),
            "{wallet:?} waits for its payout"
        );
    }
}

#[test]
fn held_money_is_released_into_available_and_leaves_waiting() {
    let world = world(8000, 3);
    let before = world.payment_operations(0);
    let held: Vec<&Value> = before
        .iter()
        .filter(|o| o["wallet"]["type"] == "WAITING")
        .collect();
    assert!(held.len() > 10, "{} held", held.len());
    for op in &held {
        assert_eq!(op["type"], "CONTRIBUTION");
        assert!(minor(&op["wallet"]["balance"]["amount"]) >= minor(&op["value"]["amount"]));
    }
    // The held money per wallet is what WAITING holds.
    let state = world.lock();
    let wallets = &state.sellers[0].wallets;
    for (key, balance) in wallets.balances(WalletType::Waiting) {
        let sum: i64 = wallets
            .held()
            .iter()
            .filter(|b| (b.op.operator, b.op.currency) == key)
            .map(|b| b.op.value)
            .sum();
        assert_eq!(sum, balance, "{key:?}");
    }
    drop(state);

    world.advance(Duration::days(15));
    let after = world.payment_operations(0);
    for op in &held {
        let payment = &op["payment"]["id"];
        let now_in: Vec<&Value> = after
            .iter()
            .filter(|o| o["payment"]["id"] == *payment && o["type"] == "CONTRIBUTION")
            .collect();
        assert_eq!(now_in.len(), 1, "{payment}");
        let released = now_in[0];
        assert_eq!(released["wallet"]["type"], "AVAILABLE");
        assert_eq!(released["value"], op["value"]);
        assert_eq!(released["participant"], op["participant"]);
        assert!(time(&released["occurredAt"]) > time(&op["occurredAt"]) + Duration::days(2));
    }
}

#[test]
fn about_one_payment_in_ten_waits_and_an_order_makes_about_two_operations() {
    let orders = 4000;
    let world = world(orders, 3);
    let ops = world.payment_operations(0);
    let incomes = of_type(&ops, "CONTRIBUTION");
    let orders_json = world.orders(0);
    let paid_at: HashMap<&str, &Value> = orders_json
        .iter()
        .map(|o| {
            (
                o["payment"]["id"].as_str().unwrap(),
                &o["payment"]["finishedAt"],
            )
        })
        .collect();
    // Released money comes in later than its payment; held money is still WAITING.
    let waited = incomes
        .iter()
        .filter(|o| {
            o["wallet"]["type"] == "WAITING"
                || paid_at[o["payment"]["id"].as_str().unwrap()]
                    .as_str()
                    .is_some_and(|paid| {
                        time(&o["occurredAt"]) > time(&Value::from(paid)) + Duration::days(2)
                    })
        })
        .count();
    let share = waited as f64 / incomes.len() as f64;
    let per_order = ops.len() as f64 / f64::from(orders);
    let mut by_type: std::collections::BTreeMap<&str, usize> = Default::default();
    for op in &ops {
        *by_type.entry(op["type"].as_str().unwrap()).or_default() += 1;
    }
    let of = |n: usize| n as f64 / f64::from(orders);
    let types: Vec<String> = by_type
        .iter()
        .map(|(kind, n)| format!("{kind} {:.2}", of(*n)))
        .collect();
    eprintln!(
        "{} operations for {orders} orders ({per_order:.2} an order: {}), {:.1} % of payments \
         waited",
        ops.len(),
        types.join(", "),
        share * 100.0
    );
    let expected = f64::from(WAITING_PERCENT) / 100.0;
    assert!((share - expected).abs() < 0.03, "{share}");
    assert!((1.8..2.3).contains(&per_order), "{per_order}");
}

#[test]
fn the_same_seed_gives_the_same_operations_and_cash_on_delivery_cancelled_never_comes() {
    let (a, b) = (world(400, 30), world(400, 30));
    a.advance(Duration::days(10));
    b.advance(Duration::days(10));
    let ops = a.payment_operations(0);
    assert!(ops.len() > 300);
    assert_eq!(ops, b.payment_operations(0));

    let (mut cod, mut online) = (None, None);
    while cod.is_none() || online.is_none() {
        let id = a.create_order(0);
        assert!(a.pay(&id));
        let order = a
            .orders(0)
            .into_iter()
            .find(|o| o["id"] == id.as_str())
            .unwrap();
        match order["payment"]["type"].as_str() {
            Some("CASH_ON_DELIVERY") => cod = cod.or(Some(order)),
            Some("ONLINE") => online = online.or(Some(order)),
            _ => {}
        }
    }
    let (cod, online) = (cod.unwrap(), online.unwrap());
    a.advance(Duration::minutes(1));
    assert!(a.cancel(cod["id"].as_str().unwrap(), false));
    assert!(a.cancel(online["id"].as_str().unwrap(), false));
    a.advance(Duration::days(9));
    let of = |order: &Value| -> Vec<Value> {
        let id = &order["payment"]["id"];
        a.payment_operations(0)
            .into_iter()
            .filter(|o| o["payment"]["id"] == *id)
            .collect()
    };
    assert!(
        of(&cod).is_empty(),
        "cash on delivery of a cancelled order is never collected"
    );
    let online_ops = of(&online);
    assert_eq!(online_ops[0]["type"], "CONTRIBUTION");
    let refund = a
        .refunds(0)
        .into_iter()
        .find(|r| r["order"]["id"] == online["id"])
        .unwrap();
    let charged = online_ops
        .iter()
        .filter(|o| o["type"] == "REFUND_CHARGE")
        .count();
    assert_eq!(
        charged,
        usize::from(refund["status"] == "SUCCESS"),
        "{refund}"
    );
}

#[test]
fn allegro_collects_every_fee_charged_to_an_order_from_the_wallet_its_payment_went_to() {
    let world = world(3000, 30);
    // Orders paid in the moving world, half of them cancelled a minute later (their parcels'
    // fees never charged).
    let ids: Vec<String> = (0..40).map(|_| world.create_order(0)).collect();
    for id in &ids {
        assert!(world.pay(id));
    }
    world.advance(Duration::minutes(1));
    for id in ids.iter().step_by(2) {
        assert!(world.cancel(id, false));
    }
    world.advance(Duration::days(12));
    let (ops, entries) = (world.payment_operations(0), world.billing_entries(0));
    // Fees charged to orders, per currency, against what the wallets paid and still owe.
    let mut charged: HashMap<String, i64> = HashMap::new();
    for e in entries.iter().filter(|e| e.get("order").is_some()) {
        let value = minor(&e["value"]["amount"]);
        if value < 0 {
            let currency = e["value"]["currency"].as_str().unwrap().to_owned();
            *charged.entry(currency).or_default() -= value;
        }
    }
    let mut collected: HashMap<String, i64> = HashMap::new();
    let deductions = of_type(&ops, "DEDUCTION_CHARGE");
    let mut ids = HashSet::new();
    for op in &deductions {
        assert_eq!(op["group"], "OUTCOME");
        assert_eq!(op["wallet"]["type"], "AVAILABLE");
        assert!(op.get("payment").is_none() && op.get("participant").is_none());
        assert!(op["marketplaceId"].is_string(), "{op}");
        assert!(
            minor(&op["wallet"]["balance"]["amount"]) >= 0,
            "no more than is there: {op}"
        );
        let id = op["deduction"]["id"].as_str().unwrap();
        assert!(
            uuid::Uuid::parse_str(id).is_ok() && ids.insert(id.to_owned()),
            "{op}"
        );
        let currency = op["value"]["currency"].as_str().unwrap().to_owned();
        *collected.entry(currency).or_default() -= minor(&op["value"]["amount"]);
    }
    let now = world.now();
    let state = world.lock();
    for owed in state.sellers[0].wallets.not_collected(now) {
        *collected.entry(owed.currency.to_owned()).or_default() += owed.value;
    }
    drop(state);
    assert_eq!(collected, charged, "collected and still owed = charged");
    let charged_orders: HashSet<&str> = entries
        .iter()
        .filter(|e| minor(&e["value"]["amount"]) < 0)
        .filter_map(|e| e["order"]["id"].as_str())
        .collect();
    let share = deductions.len() as f64 / charged_orders.len() as f64;
    assert!(
        (0.9..1.05).contains(&share),
        "about one per order charged: {share}"
    );
}
