//! How long a page of payment operations takes on a seller with about 200,000 of them: a
//! measurement, not a check (ignored; timings are not asserted).

use std::time::Instant;

use chrono::Duration;
use serde_json::Value;

use crate::simulator::{
    SimulatorConfig,
    world::{World, build_state},
};

/// Builds a seller with about 200,000 operations and times page calls on it. Run with
/// `cargo test --lib simulator::payments::timing -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check: prints timings"]
fn page_timing_on_a_large_seller() {
    let started = Instant::now();
    let world = World::new(build_state(SimulatorConfig::for_tests(185_000)));
    let ops = world.lock().sellers[0].wallets.available().len();
    eprintln!("built {ops} operations in {:?}", started.elapsed());
    let now = world.now();
    let day = |d: i64| (now - Duration::days(d)).to_rfc3339();
    let (gte, lte) = (day(40), day(39));
    let (fortnight, long_ago, long_ago_end) = (day(54), day(200), day(199));
    let (payment, login) = {
        let state = world.lock();
        let op = &state.sellers[0].wallets.available()[ops / 2].op;
        let login = op.participant.as_ref().map(|p| p.login.to_string());
        (op.payment.as_deref().map(str::to_owned), login)
    };
    let (payment, login) = (payment.unwrap_or_default(), login.unwrap_or_default());
    let queries: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("default (too many)", vec![]),
        (
            "offset 9950 of two weeks",
            vec![
                ("occurredAt.gte", &fortnight),
                ("occurredAt.lte", &gte),
                ("offset", "9950"),
            ],
        ),
        ("one payment", vec![("payment.id", &payment)]),
        ("one buyer", vec![("participant.login", &login)]),
        (
            "a day 200 days ago, P24",
            vec![
                ("occurredAt.gte", &long_ago),
                ("occurredAt.lte", &long_ago_end),
                ("wallet.paymentOperator", "P24"),
            ],
        ),
        (
            "one day, offset 0",
            vec![("occurredAt.gte", &gte), ("occurredAt.lte", &lte)],
        ),
        (
            "one day, offset 500",
            vec![
                ("occurredAt.gte", &gte),
                ("occurredAt.lte", &lte),
                ("offset", "500"),
            ],
        ),
        (
            "one day, group INCOME, offset 200",
            vec![
                ("occurredAt.gte", &gte),
                ("occurredAt.lte", &lte),
                ("group", "INCOME"),
                ("offset", "200"),
            ],
        ),
        ("all year, currency HUF", vec![("currency", "HUF")]),
        ("all year, payouts", vec![("group", "OUTCOME")]),
        (
            "one day, INCOME or REFUND",
            vec![
                ("occurredAt.gte", &gte),
                ("occurredAt.lte", &lte),
                ("group", "INCOME"),
                ("group", "REFUND"),
            ],
        ),
        ("WAITING", vec![("wallet.type", "WAITING")]),
    ];
    let mut state = world.lock();
    for (name, query) in queries {
        let params: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let t = Instant::now();
        let first = state.list_payment_operations(0, &params);
        let first_took = t.elapsed();
        let rounds = 100;
        let t = Instant::now();
        for _ in 0..rounds {
            let _ = state.list_payment_operations(0, &params);
        }
        let answer = match first {
            Ok(body) => {
                let page: Value = serde_json::from_str(&body).unwrap();
                format!("{} of {}", page["count"], page["totalCount"])
            }
            Err(refusal) => refusal.code.to_owned(),
        };
        let took = t.elapsed() / rounds;
        eprintln!("{name}: {took:?} a call, the first {first_took:?} ({answer})");
    }
}
