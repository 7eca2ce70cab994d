//! Payment operations, the wallets' history (allegro-api-money.md §6, §9): `AVAILABLE` by
//! default, oldest first, offset paging with `totalCount` that gives every operation once,
//! filters, 422 for a bad value and for a query matching more than 10,000 operations, 403
//! without `payments:read`, faults; new money, payouts and released payments as the clock moves.

use allegro_backup::simulator::{Faults, SimulatorConfig};
use reqwest::StatusCode;
use serde_json::Value;

use super::{MEDIA, Sim, error_code, spawn, time};

const PATH: &str = "/payments/payment-operations";

/// Query parameters.
type Query<'a> = Vec<(&'a str, &'a str)>;

fn operations(page: &Value) -> &[Value] {
    page["paymentOperations"].as_array().unwrap()
}

fn with_refunds(orders: u32) -> SimulatorConfig {
    SimulatorConfig {
        returns_percent: 30,
        ..SimulatorConfig::for_tests(orders)
    }
}

impl Sim {
    /// Every operation `query` matches, paged by `limit` with a growing offset; checks that
    /// `count` is the page size and `totalCount` the same on every page.
    async fn page_through(
        &self,
        token: &Value,
        query: &[(&str, &str)],
        limit: usize,
    ) -> Vec<Value> {
        let (all, totals) = self
            .page_by_offset(token, (PATH, "paymentOperations"), query, limit)
            .await;
        let total = totals[0].unwrap() as usize;
        assert!(
            totals.iter().all(|t| *t == Some(total as u64)),
            "{totals:?}"
        );
        assert_eq!(all.len(), total, "every match, once");
        all
    }

    /// `GET /__simulator/payment-operations`: what both wallets list now.
    async fn operations_truth(&self) -> Vec<Value> {
        let truth = self.truth("payment-operations?seller=0").await;
        operations(&truth).to_vec()
    }

    async fn advance_days(&self, days: i64) {
        let seconds = (days * 86_400).to_string();
        let r = self
            .client
            .post(self.url("/__simulator/advance"))
            .query(&[("seconds", seconds.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}

fn in_wallet<'a>(ops: &'a [Value], wallet: &str) -> Vec<&'a Value> {
    ops.iter()
        .filter(|o| o["wallet"]["type"] == wallet)
        .collect()
}

#[tokio::test]
async fn paging_a_window_by_offset_gives_every_available_operation_once_oldest_first() {
    let sim = spawn(with_refunds(2000)).await;
    let token = sim.token().await;
    let truth = sim.operations_truth().await;
    let available = in_wallet(&truth, "AVAILABLE");
    assert!(available.len() > 500, "{} operations", available.len());
    let at = |o: &Value| time(&o["occurredAt"]);
    assert!(
        available.windows(2).all(|w| at(w[0]) <= at(w[1])),
        "oldest first"
    );
    let (gte, lte) = (&available[100]["occurredAt"], &available[400]["occurredAt"]);
    let window: Vec<&Value> = available
        .iter()
        .copied()
        .filter(|o| at(o) >= time(gte) && at(o) <= time(lte))
        .collect();
    let (gte, lte) = (gte.as_str().unwrap(), lte.as_str().unwrap());
    let paged = sim
        .page_through(
            &token,
            &[("occurredAt.gte", gte), ("occurredAt.lte", lte)],
            7,
        )
        .await;
    assert!(window.len() >= 301);
    assert_eq!(
        paged.iter().collect::<Vec<_>>(),
        window,
        "every operation once, no gaps"
    );

    // AVAILABLE by default: the same as asking for it, and nothing held.
    let (status, default) = sim.get(&token, PATH, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        default["totalCount"].as_u64().unwrap() as usize,
        available.len()
    );
    assert_eq!(operations(&default).len(), 50, "50 by default");
    assert_eq!(
        operations(&default).iter().collect::<Vec<_>>(),
        available[..50]
    );
    let (_, explicit) = sim.get(&token, PATH, &[("wallet.type", "AVAILABLE")]).await;
    assert_eq!(explicit, default);
    let waiting = sim
        .page_through(&token, &[("wallet.type", "WAITING")], 50)
        .await;
    assert!(!waiting.is_empty());
    assert_eq!(
        waiting.iter().collect::<Vec<_>>(),
        in_wallet(&truth, "WAITING")
    );
    for op in operations(&default) {
        let occurred = op["occurredAt"].as_str().unwrap();
        assert!(
            occurred.ends_with('Z') && occurred.len() == 24,
            "{occurred}"
        );
        assert!(op.get("id").is_none(), "operations have no id");
    }
}

#[tokio::test]
async fn bad_values_and_queries_matching_over_ten_thousand_operations_are_refused() {
    // About two operations an order: over 10,000 in all, under it since mid-January.
    let sim = spawn(SimulatorConfig::for_tests(6_000)).await;
    let token = sim.token().await;
    for bad in [
        ("limit", "0"),
        ("limit", "51"),
        ("offset", "10001"),
        ("offset", "-1"),
        ("wallet.type", "BLOCKED"),
        ("wallet.paymentOperator", "PAYPAL"),
        ("group", "FEES"),
        ("payment.id", "56b96839"),
        ("marketplaceId", "allegro-de"),
        ("occurredAt.lte", "yesterday"),
    ] {
        let (status, body) = sim
            .get(&token, PATH, &[bad, ("wallet.type", "WAITING")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(error_code(&body), "VALIDATION_ERROR", "{bad:?}");
    }
    let reversed = [
        ("occurredAt.gte", "2026-07-02T00:00:00Z"),
        ("occurredAt.lte", "2026-07-01T00:00:00Z"),
    ];
    let (status, _) = sim.get(&token, PATH, &reversed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "gte after lte");

    let available = in_wallet(&sim.operations_truth().await, "AVAILABLE").len();
    assert!(available > 10_000, "{available}");
    for offset in ["0", "9950"] {
        let (status, body) = sim.get(&token, PATH, &[("offset", offset)]).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "at offset {offset}"
        );
        assert_eq!(error_code(&body), "TooManyOperationsException");
        let message = body["errors"][0]["message"].as_str().unwrap();
        let count = format!("{},{:03}", available / 1000, available % 1000);
        assert_eq!(
            message,
            format!(
                "too many operations match search filter: {count} the maximum number of \
                 operations is: 10,000, please narrow search filter"
            )
        );
        assert_eq!(body["errors"][0]["path"], PATH);
    }
    let (status, half) = sim
        .get(&token, PATH, &[("occurredAt.gte", "2026-01-15T00:00:00Z")])
        .await;
    assert_eq!(status, StatusCode::OK, "a narrower window: {half}");
    assert!(half["totalCount"].as_u64().unwrap() < 10_000);
}

#[tokio::test]
async fn operations_need_the_payments_scope_and_the_public_media_type_and_faults_apply() {
    let sim = spawn(SimulatorConfig::for_tests(50)).await;
    let orders_only = sim.token_for("allegro:api:orders:read").await;
    let (status, body) = sim.get(&orders_only, PATH, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "AccessDenied");
    let token = sim.token().await;
    let beta = sim
        .client
        .get(sim.url(PATH))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .header("Accept", "application/vnd.allegro.beta.v1+json")
        .header("User-Agent", "allegro-backup-tests/1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(beta.status(), StatusCode::NOT_ACCEPTABLE);
    let ok = sim.api(&token, PATH).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()["content-type"], MEDIA);
    sim.handle.world().set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let r = sim.api(&token, PATH).send().await.unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
}

#[tokio::test]
async fn filters_select_by_payment_group_marketplace_currency_operator_and_buyer() {
    let sim = spawn(with_refunds(1500)).await;
    sim.advance_days(10).await;
    let token = sim.token().await;
    let truth = sim.operations_truth().await;
    let available = in_wallet(&truth, "AVAILABLE");
    let expect = |keep: &dyn Fn(&Value) -> bool| -> Vec<&Value> {
        available.iter().copied().filter(|o| keep(o)).collect()
    };
    let refunded = available
        .iter()
        .rev()
        .find(|o| o["type"] == "REFUND_CHARGE")
        .unwrap();
    let payment = refunded["payment"]["id"].as_str().unwrap();
    let login = refunded["participant"]["login"].as_str().unwrap();
    let cases: Vec<(Query, Vec<&Value>)> = vec![
        (
            vec![("payment.id", payment)],
            expect(&|o| o["payment"]["id"] == payment),
        ),
        (
            vec![("participant.login", login)],
            expect(&|o| o["participant"]["login"] == login),
        ),
        (
            vec![("group", "INCOME"), ("group", "REFUND")],
            expect(&|o| o["group"] == "INCOME" || o["group"] == "REFUND"),
        ),
        (
            vec![("group", "OUTCOME")],
            expect(&|o| o["type"] == "PAYOUT" || o["type"] == "DEDUCTION_CHARGE"),
        ),
        (
            vec![("marketplaceId", "allegro-cz")],
            expect(&|o| o["marketplaceId"] == "allegro-cz"),
        ),
        (
            vec![("currency", "CZK")],
            expect(&|o| o["value"]["currency"] == "CZK"),
        ),
        (
            vec![("wallet.paymentOperator", "P24"), ("currency", "PLN")],
            expect(&|o| o["wallet"]["paymentOperator"] == "P24" && o["value"]["currency"] == "PLN"),
        ),
        (vec![("wallet.paymentOperator", "AF_P24")], vec![]),
    ];
    for (query, expected) in cases {
        let narrow = [("occurredAt.gte", "2026-04-01T00:00:00Z")];
        let query: Vec<(&str, &str)> = query.into_iter().chain(narrow).collect();
        let expected: Vec<&Value> = expected
            .into_iter()
            .filter(|o| time(&o["occurredAt"]) >= time(&Value::from(narrow[0].1)))
            .collect();
        let found = sim.page_through(&token, &query, 50).await;
        assert_eq!(found.iter().collect::<Vec<_>>(), expected, "{query:?}");
        if !query.iter().any(|(k, _)| k.starts_with("wallet")) {
            assert!(!found.is_empty(), "{query:?}");
        }
    }
    let charges = sim
        .page_through(&token, &[("payment.id", payment)], 50)
        .await;
    assert!(charges.iter().any(|o| o["type"] == "CONTRIBUTION"));
    assert!(charges.iter().any(|o| o["type"] == "REFUND_CHARGE"));
    let with_payouts = sim
        .page_through(
            &token,
            &[
                ("group", "OUTCOME"),
                ("occurredAt.gte", "2026-07-01T00:00:00Z"),
            ],
            50,
        )
        .await;
    // Payouts name no marketplace; a collection of fees names the one they were charged on.
    for kind in ["PAYOUT", "DEDUCTION_CHARGE"] {
        let of_kind: Vec<&Value> = with_payouts.iter().filter(|o| o["type"] == kind).collect();
        assert!(!of_kind.is_empty(), "{kind}");
        let named = of_kind
            .iter()
            .filter(|o| o["marketplaceId"].is_string())
            .count();
        assert_eq!(named, if kind == "PAYOUT" { 0 } else { of_kind.len() });
    }
}

#[tokio::test]
async fn new_money_payouts_and_released_payments_appear_as_the_clock_moves() {
    let sim = spawn(SimulatorConfig::for_tests(2000)).await;
    let world = sim.handle.world();
    let token = sim.token().await;
    let before = world.now();
    let ids: Vec<String> = (0..20).map(|_| world.create_order(0)).collect();
    assert!(ids.iter().all(|id| world.pay(id)));
    let paid: Vec<Value> = world
        .orders(0)
        .into_iter()
        .filter(|o| ids.iter().any(|id| o["id"] == id.as_str()))
        .filter(|o| !o["payment"]["paidAmount"].is_null())
        .collect();
    assert!(!paid.is_empty());
    let held = sim
        .page_through(&token, &[("wallet.type", "WAITING")], 50)
        .await;
    assert!(!held.is_empty());
    // Money is held for at most fifteen days.
    sim.advance_days(16).await;
    // The first token expired meanwhile.
    let token = sim.token().await;
    // `finishedAt` may be written without its fraction of a second.
    let since = (before - chrono::Duration::seconds(1)).to_rfc3339();
    let fresh = sim
        .page_through(&token, &[("occurredAt.gte", &since)], 50)
        .await;
    for order in &paid {
        let payment = &order["payment"]["id"];
        let found: Vec<&Value> = fresh
            .iter()
            .filter(|o| o["payment"]["id"] == *payment)
            .collect();
        assert_eq!(found.len(), 1, "the new order's payment came in: {payment}");
        assert_eq!(found[0]["value"], order["payment"]["paidAmount"]);
    }
    assert!(fresh.iter().any(|o| o["type"] == "PAYOUT"), "new payouts");
    let still_held = sim
        .page_through(&token, &[("wallet.type", "WAITING")], 50)
        .await;
    for op in &held {
        let payment = op["payment"]["id"].as_str().unwrap();
        assert!(
            still_held.iter().all(|o| o["payment"]["id"] != payment),
            "released: no longer WAITING"
        );
        let (_, now) = sim.get(&token, PATH, &[("payment.id", payment)]).await;
        let released: Vec<&Value> = operations(&now)
            .iter()
            .filter(|o| o["type"] == "CONTRIBUTION")
            .collect();
        assert_eq!(released.len(), 1, "{now}");
        assert_eq!(released[0]["wallet"]["type"], "AVAILABLE");
        assert_eq!(released[0]["value"], op["value"]);
        assert!(time(&released[0]["occurredAt"]) > time(&op["occurredAt"]));
        assert!(
            time(&released[0]["occurredAt"]) > before,
            "released after the first look"
        );
    }
}
