//! Commission refund claims (allegro-api-money.md §4, §9): the HTTP contract here (newest first,
//! offset paging with the page's `count`, limits and filters, 422 for a bad value, one claim by
//! id and Allegro's 404 for an unknown one, 403 without `orders:read`, the public media type
//! only, faults); in `world` the claims against the world they come from (real line items, at
//! most one claim each, never more than the commission charged, statuses moving with the
//! clock, a granted claim's `REF` credit); in `moving` those of orders cancelled or paid later.

mod moving;
mod world;

use std::collections::HashSet;

use allegro_backup::simulator::{Faults, SimulatorConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{MEDIA, Sim, error_code, spawn, time};

const PATH: &str = "/order/refund-claims";

/// A simulator where one paid order in five is returned (a share of the returns claiming the
/// commission back), its clock three weeks on.
async fn with_claims(orders: u32) -> Sim {
    let sim = spawn(SimulatorConfig {
        returns_percent: 20,
        ..SimulatorConfig::for_tests(orders)
    })
    .await;
    sim.handle.world().advance(chrono::Duration::days(21));
    sim
}

fn claims(page: &Value) -> &[Value] {
    page["refundClaims"].as_array().unwrap()
}

fn ids(claims: &[Value]) -> Vec<&str> {
    claims.iter().map(|c| c["id"].as_str().unwrap()).collect()
}

impl Sim {
    /// Every claim `query` matches, paged by `limit` with a growing offset; checks that `count`
    /// is the page size.
    async fn claims_paged(
        &self,
        token: &Value,
        query: &[(&str, &str)],
        limit: usize,
    ) -> Vec<Value> {
        let (all, totals) = self
            .page_by_offset(token, (PATH, "refundClaims"), query, limit)
            .await;
        assert!(totals.iter().all(Option::is_none), "no total");
        all
    }
}

#[tokio::test]
async fn claims_are_listed_newest_first_and_paged_by_offset() {
    let sim = with_claims(600).await;
    let token = sim.token().await;
    let truth = sim.handle.world().refund_claims(0);
    assert!(truth.len() > 25, "{} claims", truth.len());
    let served = sim.truth("refund-claims?seller=0").await;
    assert_eq!(
        claims(&served),
        truth.as_slice(),
        "the debug endpoint's truth"
    );

    let all = sim.claims_paged(&token, &[], 7).await;
    assert_eq!(
        ids(&all),
        ids(&truth),
        "every claim once, as the world has them"
    );
    let created: Vec<_> = truth.iter().map(|c| time(&c["createdAt"])).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let (_, default) = sim.get(&token, PATH, &[]).await;
    assert_eq!(ids(claims(&default)), ids(&truth[..25]), "25 by default");
    let (_, far) = sim.get(&token, PATH, &[("offset", "100000")]).await;
    assert_eq!((claims(&far).len(), &far["count"]), (0, &json!(0)));

    let bad = [
        ("limit", "0"),
        ("limit", "101"),
        ("offset", "-1"),
        ("status", "granted"),
        ("status", "SUCCESS"),
    ];
    sim.assert_each_refused(
        &token,
        (PATH, MEDIA),
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn claims_are_filtered_by_status_offer_and_buyer() {
    let sim = with_claims(600).await;
    let token = sim.token().await;
    let truth = sim.handle.world().refund_claims(0);
    let statuses: HashSet<&str> = truth
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert!(statuses.len() >= 3, "{statuses:?}");
    let one = &truth[truth.len() / 2];
    let filters = [
        ("status", "/status"),
        ("lineItem.offer.id", "/lineItem/offer/id"),
        ("buyer.id", "/buyer/id"),
    ];
    for (name, pointer) in filters {
        let value = one.pointer(pointer).unwrap().as_str().unwrap();
        let matching: Vec<Value> = truth
            .iter()
            .filter(|c| c.pointer(pointer).unwrap() == value)
            .cloned()
            .collect();
        let found = sim.claims_paged(&token, &[(name, value)], 100).await;
        assert_eq!(ids(&found), ids(&matching), "{name}={value}");
        assert!(ids(&found).contains(&one["id"].as_str().unwrap()));
    }
    for status in statuses {
        let found = sim.claims_paged(&token, &[("status", status)], 100).await;
        assert!(!found.is_empty() && found.iter().all(|c| c["status"] == status));
    }
    let (_, nobody) = sim.get(&token, PATH, &[("buyer.id", "0")]).await;
    assert!(claims(&nobody).is_empty());
}

#[tokio::test]
async fn one_claim_is_read_by_id_and_an_unknown_one_is_allegros_404() {
    let sim = with_claims(200).await;
    let token = sim.token().await;
    let truth = sim.handle.world().refund_claims(0);
    let one = truth.last().unwrap();
    let (status, body) = sim
        .get(
            &token,
            &format!("{PATH}/{}", one["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body, one);

    let unknown = "00000000-0000-4000-8000-000000000000";
    let (status, body) = sim.get(&token, &format!("{PATH}/{unknown}"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let m = format!("Claim data not found for id: {unknown}.");
    assert_eq!(
        body,
        json!({"errors": [{"code": "ClaimNotFoundException", "message": m, "details": null,
                           "path": null, "userMessage": m, "metadata": {}}]})
    );
}

#[tokio::test]
async fn claims_need_the_orders_scope_the_public_media_type_and_faults_apply() {
    let sim = with_claims(100).await;
    let id = sim.handle.world().refund_claims(0)[0]["id"].clone();
    let one = format!("{PATH}/{}", id.as_str().unwrap());
    let payments_only = sim.token_for("allegro:api:payments:read").await;
    for path in [PATH, one.as_str()] {
        let (status, body) = sim.get(&payments_only, path, &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(error_code(&body), "AccessDenied");
    }
    let token = sim.token().await;
    for path in [PATH, one.as_str()] {
        let r = sim
            .client
            .get(sim.url(path))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .header("Accept", "application/vnd.allegro.beta.v1+json")
            .header(
                "User-Agent",
                "allegro-backup-tests/1.0 (+https://example.org)",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(error_code(&body), "NotAcceptableException");
        let (status, _) = sim.get(&token, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    sim.handle.world().set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let r = sim.api(&token, PATH).send().await.unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
}
