//! Order invoices (allegro-api-money.md §7, §9): made for the orders whose buyer asked for one
//! (and a few others) some hours to days after the payment, numbered per seller, series and
//! month; a PDF that appears with its invoice or later and a scan that moves from `WAITING` to
//! a verdict with the clock; an empty list for an order without any; 404 as the order itself
//! answers, 403 without `orders:read`, 406 for another media type, faults.

use std::collections::{HashMap, HashSet};

use allegro_backup::simulator::{Faults, SimulatorConfig, World};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{MEDIA, error_code, spawn, time};

fn path(id: &str) -> String {
    format!("/order/checkout-forms/{id}/invoices")
}

/// The ids of the orders `truth` lists an invoice of.
fn invoiced(truth: &[(String, Value)]) -> HashSet<&str> {
    truth.iter().map(|(order, _)| order.as_str()).collect()
}

#[tokio::test]
async fn an_order_answers_its_invoices_as_the_truth_has_them_or_an_empty_list() {
    let sim = spawn(SimulatorConfig::for_tests(300)).await;
    let world = sim.handle.world();
    let token = sim.token().await;
    let truth = world.invoices(0);
    let (order, invoice) = &truth[truth.len() / 2];
    let (status, body) = sim.get(&token, &path(order), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(Some(&body), world.order_invoices(0, order).as_ref());
    assert_eq!(body["orderMode"], "REGULAR");
    assert!(body["invoices"].as_array().unwrap().contains(invoice));
    let file = &invoice["file"];
    assert_eq!(
        file["verification"],
        json!({"status": "NOT_APPLICABLE", "details": []})
    );
    let served = sim.truth("invoices?seller=0").await;
    assert_eq!(served["invoices"].as_array().unwrap().len(), truth.len());
    assert_eq!(
        served["invoices"][0],
        json!({"checkoutFormId": truth[0].0, "invoice": truth[0].1}),
        "archived as (checkoutFormId, invoice)"
    );

    // An order invoiced outside Allegro: no invoice here, perhaps an e-receipt link.
    let answers: Vec<(String, Value)> = world
        .orders(0)
        .into_iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .map(|id| (id.clone(), world.order_invoices(0, &id).unwrap()))
        .collect();
    let external: Vec<&Value> = answers
        .iter()
        .map(|(_, a)| a)
        .filter(|a| a["hasExternalInvoices"] == true)
        .collect();
    assert!(!external.is_empty());
    for answer in external {
        assert_eq!(answer["invoices"], json!([]));
        for link in answer["links"].as_array().unwrap() {
            assert!(link["url"].as_str().unwrap().starts_with("https://"));
            assert!(link["id"].is_string() && link["createdAt"].is_string());
        }
    }
    let with_invoices = invoiced(&truth);
    let (plain, _) = answers
        .iter()
        .find(|(id, a)| !with_invoices.contains(id.as_str()) && a["hasExternalInvoices"] == false)
        .unwrap();
    let (status, body) = sim.get(&token, &path(plain), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"invoices": [], "links": [], "hasExternalInvoices": false, "orderMode": "REGULAR"})
    );
}

#[tokio::test]
async fn unknown_merged_and_too_old_orders_answer_404() {
    let sim = spawn(SimulatorConfig::for_tests(300)).await;
    let world = sim.handle.world();
    let token = sim.token().await;
    let unknown = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    let (status, body) = sim.get(&token, &path(unknown), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "CheckoutFormNotFoundException");
    let (status, _) = sim.get(&token, &path("not-a-uuid"), &[]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "as the order itself"
    );

    let truth = world.invoices(0);
    let mut recent: Vec<&str> = vec![];
    for (order, _) in truth.iter().rev() {
        if recent.len() < 2 && !recent.contains(&order.as_str()) {
            recent.push(order);
        }
    }
    let merged = world.merge(&recent).unwrap();
    for gone in &recent {
        let (status, _) = sim.get(&token, &path(gone), &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "merged away");
    }
    let (status, _) = sim.get(&token, &path(&merged), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let now = invoiced(&world.invoices(0))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert!(recent.iter().all(|gone| !now.iter().any(|o| o == gone)));

    let (oldest, _) = &truth[0];
    world.advance(Duration::days(60));
    let token = sim.token().await;
    let (status, _) = sim.get(&token, &path(oldest), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "older than the retention");
    assert!(!invoiced(&world.invoices(0)).contains(oldest.as_str()));
}

#[tokio::test]
async fn invoices_need_the_orders_scope_and_the_public_media_type_and_faults_apply() {
    let sim = spawn(SimulatorConfig::for_tests(50)).await;
    let id = sim.handle.world().orders(0)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let profile_only = sim.token_for("allegro:api:profile:read").await;
    let (status, body) = sim.get(&profile_only, &path(&id), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "AccessDenied");
    let token = sim.token().await;
    let beta = "application/vnd.allegro.beta.v1+json";
    let r = sim.api_as(&token, &path(&id), beta).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
    let ok = sim.api(&token, &path(&id)).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()["content-type"], MEDIA);
    sim.handle.world().set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let r = sim.api(&token, &path(&id)).send().await.unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
}

/// What one invoice shows: (has a file, scan status).
fn state(invoice: &Value) -> (bool, String) {
    let file = invoice.get("file").filter(|f| !f.is_null());
    let scan = file.map(|f| {
        f["securityVerification"]["status"]
            .as_str()
            .unwrap()
            .to_owned()
    });
    (file.is_some(), scan.unwrap_or_default())
}

/// Orders bought and paid now whose buyers asked for an invoice.
fn paid_asking_for_invoices(world: &World, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let id = world.create_order(0);
            assert!(world.edit_order(&id, |o| o["invoice"]["required"] = json!(true)));
            assert!(world.pay(&id));
            id
        })
        .collect()
}

#[tokio::test]
async fn files_appear_and_scans_decide_as_the_clock_moves() {
    // No returns, so no refunds and no corrections days later.
    let sim = spawn(SimulatorConfig {
        returns_percent: 0,
        ..SimulatorConfig::for_tests(10)
    })
    .await;
    let world = sim.handle.world();
    let ids = paid_asking_for_invoices(&world, 60);
    let online: Vec<&String> = ids
        .iter()
        .filter(|id| {
            world
                .orders(0)
                .iter()
                .any(|o| o["id"] == **id && !o["payment"]["finishedAt"].is_null())
        })
        .collect();
    assert!(online.len() > 40, "{} paid online", online.len());
    assert!(
        online
            .iter()
            .all(|id| world.order_invoices(0, id).unwrap()["invoices"] == json!([]))
    );
    let mut seen: HashMap<String, Vec<(bool, String)>> = HashMap::new();
    // Eight days by half hours: a PDF comes within three days of its invoice, made within four
    // days of the payment, and is scanned within hours.
    for _ in 0..(8 * 48) {
        world.advance(Duration::minutes(30));
        for (order, invoice) in world.invoices(0) {
            if online.iter().any(|id| **id == order) {
                let id = invoice["id"].as_str().unwrap().to_owned();
                seen.entry(id).or_default().push(state(&invoice));
            }
        }
    }
    let invoiced = seen.len();
    assert!(
        invoiced * 100 >= online.len() * 90,
        "{invoiced} of {}",
        online.len()
    );
    let mut late_file = 0;
    let mut waited = 0;
    for states in seen.values() {
        let rank = |(file, scan): &(bool, String)| match (file, scan.as_str()) {
            (false, _) => 0,
            (true, "WAITING") => 1,
            (true, "ACCEPTED" | "REJECTED") => 2,
            other => panic!("{other:?}"),
        };
        let ranks: Vec<u8> = states.iter().map(rank).collect();
        assert!(
            ranks.windows(2).all(|w| w[0] <= w[1]),
            "only forward: {states:?}"
        );
        assert_eq!(ranks.last(), Some(&2), "decided within days: {states:?}");
        late_file += usize::from(ranks[0] == 0);
        waited += usize::from(ranks.contains(&1));
    }
    assert!(late_file >= 1, "some PDFs come after their invoice");
    assert!(
        waited * 2 >= invoiced,
        "{waited}: most scans are seen waiting"
    );
}

#[tokio::test]
async fn numbers_are_unique_per_seller_and_run_per_series_and_month() {
    let sim = spawn(SimulatorConfig::for_tests(1500)).await;
    let world = sim.handle.world();
    let truth = world.invoices(0);
    let mut runs: HashMap<(String, String), Vec<u32>> = HashMap::new();
    let mut numbers = HashSet::new();
    for (_, invoice) in &truth {
        let Some(number) = invoice["invoiceNumber"].as_str() else {
            continue;
        };
        assert!(numbers.insert(number.to_owned()), "{number} twice");
        let (series, rest) = number.split_once(' ').unwrap();
        let (n, month) = rest.split_once('/').unwrap();
        assert!(["FV", "FK"].contains(&series), "{number}");
        let name = format!("{}.pdf", number.replace([' ', '/'], "_"));
        if !invoice["file"].is_null() {
            assert_eq!(invoice["file"]["name"], name);
        }
        let key = (series.to_owned(), month.to_owned());
        runs.entry(key).or_default().push(n.parse().unwrap());
    }
    assert!(
        numbers.len() * 100 >= truth.len() * 95,
        "almost all numbered"
    );
    for (key, run) in &runs {
        let expected: Vec<u32> = (1..=run.len() as u32).collect();
        assert_eq!(run, &expected, "{key:?}: in creation order, no gaps");
    }
    let created: Vec<_> = truth.iter().map(|(_, i)| time(&i["createdAt"])).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "oldest first");
}

#[tokio::test]
async fn invoiced_orders_exist_and_follow_the_buyers_requests() {
    let sim = spawn(SimulatorConfig::for_tests(1500)).await;
    let world = sim.handle.world();
    let orders: HashMap<String, Value> = world
        .orders(0)
        .into_iter()
        .map(|o| (o["id"].as_str().unwrap().to_owned(), o))
        .collect();
    let truth = world.invoices(0);
    let with_invoices = invoiced(&truth);
    assert!(
        with_invoices.iter().all(|id| orders.contains_key(*id)),
        "only orders that exist"
    );
    let cutoff = world.now() - Duration::days(4);
    let settled = |o: &&Value| {
        let paid = &o["payment"]["finishedAt"];
        paid.is_string() && time(paid) < cutoff
    };
    let (asked, unasked): (Vec<&Value>, Vec<&Value>) = orders
        .values()
        .filter(settled)
        .partition(|o| o["invoice"]["required"] == true);
    let share = |group: &[&Value]| {
        let n = group
            .iter()
            .filter(|o| with_invoices.contains(o["id"].as_str().unwrap()))
            .count();
        n as f64 / group.len() as f64
    };
    assert!(asked.len() > 100, "{} asked", asked.len());
    assert!(share(&asked) > 0.93, "{} of those who asked", share(&asked));
    assert!(share(&unasked) < 0.05, "{} of the others", share(&unasked));
    assert!(share(&unasked) > 0.0, "a few others too");
    for (order, invoice) in &truth {
        let paid = time(&orders[order]["payment"]["finishedAt"]);
        assert!(time(&invoice["createdAt"]) > paid, "made after the payment");
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_invoices() {
    let a = spawn(SimulatorConfig::for_tests(300)).await;
    let b = spawn(SimulatorConfig::for_tests(300)).await;
    a.handle.world().advance(Duration::days(5));
    b.handle.world().advance(Duration::days(5));
    let invoices = a.handle.world().invoices(0);
    assert!(invoices.len() > 10, "{}", invoices.len());
    assert_eq!(invoices, b.handle.world().invoices(0));
}
