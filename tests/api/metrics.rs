//! `/metrics`: the process's own counters (HTTP by route, Allegro calls, 429s, token
//! refreshes, the pool) next to the gauges read from the database, in a well-formed text.

use std::collections::{BTreeMap, HashSet};

use allegro_backup::{db::models::sync::RunTrigger, domain::Role, simulator::Faults};
use diesel::{RunQueryDsl, sql_query};
use reqwest::StatusCode;

use crate::helpers::{TestApp, backup::sync_once, new_client, spawn_app};

/// One sample: metric name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// Parses the exposition text strictly: every sample line is `name{label="value",...} number`
/// with label values escaped as the format says, and belongs to a family declared by `# TYPE`.
fn parse(text: &str) -> Vec<Sample> {
    let mut typed = HashSet::new();
    let mut samples = vec![];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            typed.insert(rest.split(' ').next().unwrap().to_owned());
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let name_end = line.find(['{', ' ']).unwrap();
        let name = &line[..name_end];
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.chars();
            loop {
                let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
                assert_eq!(chars.next(), Some('"'), "{line}");
                let mut value = String::new();
                loop {
                    match chars.next().unwrap() {
                        '\\' => match chars.next().unwrap() {
                            'n' => value.push('\n'),
                            escaped @ ('\\' | '"') => value.push(escaped),
                            other => panic!("bad escape \\{other} in {line}"),
                        },
                        '"' => break,
                        c => value.push(c),
                    }
                }
                labels.insert(key, value);
                match chars.next() {
                    Some(',') => {}
                    Some('}') => break,
                    other => panic!("{other:?} after a label in {line}"),
                }
            }
            rest = chars.as_str();
        }
        let value: f64 = rest
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "no # TYPE for {line}");
        samples.push((name.to_owned(), labels, value));
    }
    let mut seen = HashSet::new();
    for (name, labels, _) in &samples {
        assert!(seen.insert((name, labels)), "{name} {labels:?} twice");
    }
    samples
}

/// The sum of the samples named `name` whose labels include all of `with`.
fn value(samples: &[Sample], name: &str, with: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, labels, _)| {
            n == name
                && with
                    .iter()
                    .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| v)
        .sum()
}

async fn scrape(app: &TestApp) -> (String, Vec<Sample>) {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let samples = parse(&text);
    (text, samples)
}

#[tokio::test]
async fn metrics_count_requests_by_route_allegro_calls_429s_refreshes_and_pool_usage() {
    let app = spawn_app().await;
    let anonymous = new_client();
    assert_eq!(
        app.get_with(&anonymous, "/metrics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // (403 for other roles: `ops::metrics_answer_an_admin_or_the_bearer_token_and_nobody_else`.)
    app.sign_in("root@example.com", Role::Admin).await;
    let account = app.link_account(0).await;

    // The next API call is refused with a 429; the pipeline waits and carries on.
    app.simulator.world().set_faults(Faults {
        rate_limit_next: 1,
        ..Faults::default()
    });
    sync_once(&app, account, RunTrigger::Manual).await;
    let response = app
        .post_form(&format!("/accounts/{account}/refresh"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let order_id = app.simulator.world().orders(0)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get(&format!("/orders/{order_id}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/orders/00000000-0000-0000-0000-000000000000")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/no/such/page").await.status(),
        StatusCode::NOT_FOUND
    );
    // Any token is a method: one no route uses is refused before it could become a label.
    let brew = reqwest::Method::from_bytes(b"BREW").unwrap();
    let response = app.client.request(brew, app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.headers()["x-content-type-options"],
        "nosniff",
        "the 405 carries the security headers"
    );
    // Allegro refuses the refresh token: the refresh ends `dead`.
    app.simulator.world().revoke_tokens(0);
    let response = app
        .post_form(&format!("/accounts/{account}/refresh"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // A login with a quote, a backslash and a newline: escaped in the label.
    sql_query(format!(
        "UPDATE allegro_accounts SET login = E'we\"ird\\\\lo\\ngin' WHERE id = {account}"
    ))
    .execute(&mut app.db.connect())
    .unwrap();

    let (text, samples) = scrape(&app).await;
    let http = "allegro_backup_http_requests_total";
    let order = [("route", "/orders/{id}"), ("method", "GET")];
    assert_eq!(value(&samples, http, &[order[0], ("status", "200")]), 1.0);
    assert_eq!(value(&samples, http, &[order[0], ("status", "404")]), 1.0);
    assert!(!text.contains(&order_id), "raw paths are not labels");
    assert_eq!(
        value(&samples, http, &[("route", "unmatched"), ("status", "404")]),
        1.0
    );
    assert!(
        !text.contains("/no/such") && !text.contains("BREW"),
        "{text}"
    );
    let metrics_route = ("route", "/metrics");
    assert_eq!(
        value(&samples, http, &[metrics_route, ("status", "401")]),
        1.0
    );
    assert!(
        value(
            &samples,
            http,
            &[("route", "/login"), ("method", "POST"), ("status", "303")]
        ) == 1.0
    );
    // The latency histogram: cumulative buckets up to +Inf, which equals the count.
    let histogram = "allegro_backup_http_requests_duration_seconds";
    let with = [order[0], order[1], ("status", "200")];
    let buckets: Vec<&Sample> = samples
        .iter()
        .filter(|(n, l, _)| {
            n == &format!("{histogram}_bucket")
                && with
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .collect();
    assert!(buckets.len() >= 10, "{buckets:?}");
    assert!(buckets.windows(2).all(|w| w[0].2 <= w[1].2));
    let inf = buckets.iter().find(|b| b.1["le"] == "+Inf").unwrap();
    assert_eq!(inf.2, 1.0);
    assert_eq!(value(&samples, &format!("{histogram}_count"), &with), 1.0);

    let allegro = "allegro_backup_allegro_requests_total";
    for endpoint in [
        "/auth/oauth/device",
        "/auth/oauth/token",
        "/order/checkout-forms",
        "/order/event-stats",
    ] {
        assert!(
            value(
                &samples,
                allegro,
                &[("endpoint", endpoint), ("status", "200")]
            ) >= 1.0,
            "{endpoint}: {text}"
        );
    }
    assert_eq!(
        value(&samples, allegro, &[("status", "429")]),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(&samples, "allegro_backup_allegro_rate_limited_total", &[]),
        1.0
    );
    assert!(
        samples
            .iter()
            .filter(|(n, _, _)| n == allegro)
            .all(|(_, l, _)| !l["endpoint"].contains(&order_id)),
        "endpoints are templates"
    );
    assert!(
        value(
            &samples,
            "allegro_backup_allegro_request_duration_seconds_count",
            &[("endpoint", "/order/checkout-forms")]
        ) >= 1.0
    );

    let refreshes = "allegro_backup_token_refreshes_total";
    assert_eq!(value(&samples, refreshes, &[("outcome", "success")]), 1.0);
    assert_eq!(value(&samples, refreshes, &[("outcome", "failure")]), 0.0);
    assert_eq!(value(&samples, refreshes, &[("outcome", "dead")]), 1.0);

    assert_eq!(value(&samples, "allegro_backup_db_pool_max_size", &[]), 4.0);
    let open = value(&samples, "allegro_backup_db_pool_connections", &[]);
    let idle = value(&samples, "allegro_backup_db_pool_idle_connections", &[]);
    assert!((1.0..=4.0).contains(&open) && idle <= open, "{open} {idle}");

    // The gauges read from the database are still there, the odd login escaped.
    let stored = app.count("SELECT count(*) AS n FROM orders");
    assert!(stored > 0);
    assert_eq!(
        value(
            &samples,
            "allegro_backup_orders_stored",
            &[("account", "we\"ird\\lo\ngin")]
        ),
        stored as f64,
        "{text}"
    );
    assert!(text.contains(r#"{account="we\"ird\\lo\ngin"}"#), "{text}");
    assert_eq!(
        value(
            &samples,
            "allegro_backup_account_token_dead",
            &[("account", "we\"ird\\lo\ngin")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &samples,
            "allegro_backup_sync_runs",
            &[("kind", "full"), ("status", "succeeded")]
        ),
        1.0
    );
}

#[tokio::test]
async fn each_application_counts_only_its_own_requests() {
    let (first, second) = tokio::join!(spawn_app(), spawn_app());
    for app in [&first, &second] {
        app.sign_in("root@example.com", Role::Admin).await;
    }
    for _ in 0..3 {
        assert_eq!(first.get("/sync").await.status(), StatusCode::OK);
    }
    let sync_page = [("route", "/sync"), ("method", "GET"), ("status", "200")];
    let (_, samples) = scrape(&first).await;
    assert_eq!(
        value(&samples, "allegro_backup_http_requests_total", &sync_page),
        3.0
    );
    let (_, samples) = scrape(&second).await;
    assert_eq!(
        value(&samples, "allegro_backup_http_requests_total", &sync_page),
        0.0
    );
}

#[tokio::test]
async fn the_runs_this_process_finishes_are_counted_with_their_duration_and_orders() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    let account = app.link_account(0).await;

    let (_, before) = scrape(&app).await;
    let full_ok = [("kind", "full"), ("status", "succeeded")];
    let finished = "allegro_backup_sync_runs_finished_total";
    assert_eq!(value(&before, finished, &full_ok), 0.0);

    // "Sync now" runs with the server's options, which count into its registry.
    let response = app
        .post_form(&format!("/accounts/{account}/sync"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut samples = before;
    for _ in 0..300 {
        (_, samples) = scrape(&app).await;
        if value(&samples, finished, &full_ok) >= 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(value(&samples, finished, &full_ok), 1.0);
    assert_eq!(value(&samples, finished, &[("status", "failed")]), 0.0);
    let stored = app.count("SELECT count(*) AS n FROM orders");
    assert!(stored > 0);
    assert_eq!(
        value(
            &samples,
            "allegro_backup_sync_run_duration_seconds_count",
            &[("kind", "full")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &samples,
            "allegro_backup_sync_orders_total",
            &[("outcome", "created")]
        ),
        stored as f64,
        "every order the run created (the server's history span may leave older ones out)"
    );
}
