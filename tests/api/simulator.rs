//! The simulator's HTTP contract (allegro-api.md): OAuth device flow and tokens, API guards,
//! order list and events, quirks, determinism.

use std::{collections::HashSet, net::SocketAddr, time::Duration};

use allegro_backup::simulator::{self, Faults, SimulatorConfig, SimulatorHandle};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

const MEDIA: &str = "application/vnd.allegro.public.v1+json";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

struct Sim {
    handle: SimulatorHandle,
    client: Client,
    id: String,
    secret: String,
}

async fn spawn(config: SimulatorConfig) -> Sim {
    let (id, secret) = (config.client_id.clone(), config.client_secret.clone());
    let handle = simulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("simulator starts");
    Sim {
        handle,
        client: Client::new(),
        id,
        secret,
    }
}

impl Sim {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    fn oauth(&self, path: &str) -> RequestBuilder {
        self.client
            .post(self.url(path))
            .basic_auth(&self.id, Some(&self.secret))
    }

    async fn device(&self) -> Value {
        let r = self
            .oauth("/auth/oauth/device")
            .query(&[("client_id", self.id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        let r = self
            .oauth("/auth/oauth/token")
            .form(&[("grant_type", DEVICE_GRANT), ("device_code", device_code)])
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        let r = self
            .oauth("/auth/oauth/token")
            .query(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ])
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    /// A token for seller 0 (the test config auto-approves).
    async fn token(&self) -> Value {
        let device = self.device().await;
        let (status, token) = self.poll(device["device_code"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        token
    }

    fn api(&self, token: &Value, path: &str) -> RequestBuilder {
        self.client
            .get(self.url(path))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .header("Accept", MEDIA)
            .header(
                "User-Agent",
                "allegro-backup-tests/1.0 (+https://example.org)",
            )
    }

    /// `POST /__simulator/faults` with `body`; the faults now in force.
    async fn set_faults(&self, body: Value) -> Value {
        let r = self
            .client
            .post(self.url("/__simulator/faults"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    async fn get(&self, token: &Value, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
        let r = self.api(token, path).query(query).send().await.unwrap();
        (r.status(), r.json().await.unwrap())
    }
}

fn manual() -> SimulatorConfig {
    SimulatorConfig {
        auto_approve: false,
        ..SimulatorConfig::for_tests(10)
    }
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap()
}

#[tokio::test]
async fn a_device_code_approved_on_the_page_gives_a_token_exactly_once() {
    let sim = spawn(manual()).await;
    let world = sim.handle.world();
    let device = sim.device().await;
    assert_eq!(device["expires_in"], 3600);
    assert_eq!(device["interval"], 5);
    let user_code = device["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(
        user_code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    let uri = device["verification_uri"].as_str().unwrap();
    assert_eq!(uri, sim.url("/skojarz-aplikacje"));
    assert_eq!(
        device["verification_uri_complete"],
        format!("{uri}?code={user_code}")
    );
    let code = device["device_code"].as_str().unwrap();

    let (status, body) = sim.poll(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "authorization_pending",
               "error_description": "User has not authorized the device code yet."})
    );
    let (status, body) = sim.poll(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "slow_down");

    // The person opens the page and approves.
    let page = sim
        .client
        .get(device["verification_uri_complete"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Approve") && page.contains(&world.sellers()[0].login));
    let result = sim
        .client
        .post(uri)
        .form(&[("code", user_code), ("seller", "0"), ("action", "approve")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(result.contains("Approved — you can return to allegro-backup"));

    world.advance(chrono::Duration::seconds(6));
    let (status, token) = sim.poll(code).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 43199);
    assert_eq!(token["allegro_api"], true);
    assert!(token["jti"].is_string() && token["scope"].as_str().unwrap().contains("orders:read"));
    assert_eq!(
        token["access_token"].as_str().unwrap().split('.').count(),
        3
    );

    world.advance(chrono::Duration::seconds(6));
    let (status, body) = sim.poll(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "Invalid device code"})
    );
    sim.handle.stop().await;
}

#[tokio::test]
async fn a_denied_device_code_gives_access_denied_with_parameters_in_the_form_body() {
    let sim = spawn(manual()).await;
    let r = sim
        .oauth("/auth/oauth/device")
        .form(&[("client_id", sim.id.as_str())])
        .send()
        .await
        .unwrap();
    let device: Value = r.json().await.unwrap();
    assert!(
        sim.handle
            .world()
            .deny(device["user_code"].as_str().unwrap())
    );
    let (status, body) = sim.poll(device["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "access_denied");
}

#[tokio::test]
async fn an_expired_or_unknown_device_code_is_invalid() {
    let sim = spawn(manual()).await;
    let device = sim.device().await;
    let world = sim.handle.world();
    world.advance(chrono::Duration::seconds(3601));
    assert!(!world.approve(device["user_code"].as_str().unwrap(), 0));
    let (status, body) = sim.poll(device["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_description"], "Invalid device code");
    let (_, body) = sim.poll("nope").await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn the_oauth_endpoints_require_basic_auth_and_a_client_id() {
    let sim = spawn(manual()).await;
    for path in ["/auth/oauth/device", "/auth/oauth/token"] {
        let r = sim
            .client
            .post(sim.url(path))
            .basic_auth(&sim.id, Some("wrong"))
            .query(&[("client_id", sim.id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body,
            json!({"error": "Unauthorized", "error_description": "Unauthorized"})
        );
    }
    let r = sim.oauth("/auth/oauth/device").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "ERROR");
}

#[tokio::test]
async fn refresh_rotates_the_pair_and_keeps_the_old_refresh_token_for_sixty_seconds() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let world = sim.handle.world();
    let first = sim.token().await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = sim.refresh(old_refresh).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);

    // The old access token died; the new one works.
    let (status, body) = sim.get(&first, "/me", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(sim.get(&second, "/me", &[]).await.0, StatusCode::OK);

    // Within the grace the old refresh token still works; after it, invalid_grant.
    world.advance(chrono::Duration::seconds(30));
    assert_eq!(sim.refresh(old_refresh).await.0, StatusCode::OK);
    world.advance(chrono::Duration::seconds(31));
    let (status, body) = sim.refresh(old_refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_grant",
               "error_description": format!("Invalid refresh token: {old_refresh}")})
    );
}

/// The token lifetime is a setting: grants say it in `expires_in`, and a token past it gets
/// Allegro's 401 `invalid_token` "Access token expired: <token>"; refreshes are counted.
#[tokio::test]
async fn access_tokens_live_as_long_as_the_configured_lifetime() {
    let sim = spawn(SimulatorConfig {
        access_token_lifetime: Duration::from_secs(15),
        ..SimulatorConfig::for_tests(5)
    })
    .await;
    let world = sim.handle.world();
    let token = sim.token().await;
    assert_eq!(token["expires_in"], 15);
    world.advance(chrono::Duration::seconds(10));
    assert_eq!(sim.get(&token, "/me", &[]).await.0, StatusCode::OK);
    world.advance(chrono::Duration::seconds(6));
    let (status, body) = sim.get(&token, "/me", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(
        body,
        json!({"error": "invalid_token",
               "error_description": format!("Access token expired: {access}")})
    );
    assert_eq!(world.token_refreshes(), 0);
    let (status, fresh) = sim.refresh(token["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    assert_eq!(fresh["expires_in"], 15);
    assert_eq!(sim.get(&fresh, "/me", &[]).await.0, StatusCode::OK);
    assert_eq!(world.token_refreshes(), 1);
}

/// `rate_limit_every` answers every Nth API call with Allegro's 429.
#[tokio::test]
async fn every_nth_api_call_can_be_answered_429() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let token = sim.token().await;
    let faults = sim.set_faults(json!({"rate_limit_every": 4})).await;
    assert_eq!(faults["rate_limit_every"], 4);
    let calls = sim.handle.world().request_count();
    let mut limited = vec![];
    for call in calls + 1..=calls + 12 {
        let (status, body) = sim.get(&token, "/me", &[]).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(error_code(&body), "TooManyRequestsException");
            limited.push(call);
        }
    }
    let expected: Vec<u64> = (calls + 1..=calls + 12).filter(|n| n % 4 == 0).collect();
    assert_eq!(limited, expected);
}

#[tokio::test]
async fn tokens_survive_a_restart_with_the_same_configuration() {
    let first = spawn(SimulatorConfig::for_tests(5)).await;
    let seller = first.handle.world().sellers()[0].id.clone();
    let token = first.token().await;
    assert_eq!(first.get(&token, "/me", &[]).await.0, StatusCode::OK);
    let old_port = first.handle.base_url();
    first.handle.stop().await;

    // Same configuration, new process state, new port: the old pair still works.
    let second = spawn(SimulatorConfig::for_tests(5)).await;
    assert_ne!(second.handle.base_url(), old_port);
    let (status, me) = second.get(&token, "/me", &[]).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], seller.as_str());
    let old_refresh = token["refresh_token"].as_str().unwrap();
    let (status, rotated) = second.refresh(old_refresh).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    assert_eq!(second.get(&rotated, "/me", &[]).await.0, StatusCode::OK);
    // Rotation after the restart kills the old access token as before, and the old refresh
    // token dies after its grace.
    let (status, body) = second.get(&token, "/me", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    second.handle.world().advance(chrono::Duration::seconds(61));
    assert_eq!(
        second.refresh(old_refresh).await.1["error"],
        "invalid_grant"
    );
    let kept = second.token().await;

    // Another restart: the rotated pair survives too, and a revocation kills the tokens of
    // this run and of the earlier ones, seen (`rotated`) or not yet (`kept`).
    second.handle.stop().await;
    let third = spawn(SimulatorConfig::for_tests(5)).await;
    assert_eq!(third.get(&rotated, "/me", &[]).await.0, StatusCode::OK);
    let minted_here = third.token().await;
    third.handle.world().revoke_tokens(0);
    for token in [&rotated, &kept, &minted_here] {
        assert_eq!(
            third.get(token, "/me", &[]).await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            third
                .refresh(token["refresh_token"].as_str().unwrap())
                .await
                .1["error"],
            "invalid_grant"
        );
    }
    // New tokens after the revocation work.
    assert_eq!(
        third.get(&third.token().await, "/me", &[]).await.0,
        StatusCode::OK
    );
    third.handle.stop().await;

    // A simulator with other credentials or another seed does not know them.
    for config in [
        SimulatorConfig {
            seed: 43,
            ..SimulatorConfig::for_tests(5)
        },
        SimulatorConfig {
            client_secret: "another-secret".to_owned(),
            ..SimulatorConfig::for_tests(5)
        },
    ] {
        let other = spawn(config).await;
        let fresh = json!({"access_token": rotated["access_token"]});
        let (status, body) = other.get(&fresh, "/me", &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body,
            json!({"error": "invalid_token",
                   "error_description": "Cannot convert access token to JSON"})
        );
        other.handle.stop().await;
    }
}

#[tokio::test]
async fn rotated_revoked_and_forged_tokens_stay_refused_within_one_run() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let world = sim.handle.world();
    let cannot_convert = json!({"error": "invalid_token",
                                "error_description": "Cannot convert access token to JSON"});

    // A rotated access token stays dead, even after more calls and rotations.
    let first = sim.token().await;
    let (_, second) = sim.refresh(first["refresh_token"].as_str().unwrap()).await;
    let (_, third) = sim.refresh(second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(sim.get(&third, "/me", &[]).await.0, StatusCode::OK);
    for stale in [&first, &second] {
        let (status, body) = sim.get(stale, "/me", &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, cannot_convert);
    }
    // The refresh token two rotations back is outside the grace chain.
    assert_eq!(
        sim.refresh(first["refresh_token"].as_str().unwrap())
            .await
            .1["error"],
        "invalid_grant"
    );

    // A second device authorisation for the same seller is a separate session.
    let other = sim.token().await;
    assert_eq!(sim.get(&third, "/me", &[]).await.0, StatusCode::OK);
    assert_eq!(sim.get(&other, "/me", &[]).await.0, StatusCode::OK);

    // A refresh token is no access token, and an access token is no refresh token.
    let swapped = json!({"access_token": other["refresh_token"]});
    assert_eq!(sim.get(&swapped, "/me", &[]).await.1, cannot_convert);
    assert_eq!(
        sim.refresh(other["access_token"].as_str().unwrap()).await.1["error"],
        "invalid_grant"
    );

    // A payload edited without the key is refused.
    let access = other["access_token"].as_str().unwrap();
    let parts: Vec<&str> = access.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400);
    let forged_payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let forged = json!({"access_token": format!("{}.{forged_payload}.{}", parts[0], parts[2])});
    assert_eq!(sim.get(&forged, "/me", &[]).await.1, cannot_convert);

    // Revocation kills every session of the seller, for good.
    world.revoke_tokens(0);
    for token in [&third, &other] {
        assert_eq!(sim.get(token, "/me", &[]).await.1, cannot_convert);
        assert_eq!(
            sim.refresh(token["refresh_token"].as_str().unwrap())
                .await
                .1["error"],
            "invalid_grant"
        );
    }
    world.advance(chrono::Duration::seconds(5));
    assert_eq!(
        sim.get(&other, "/me", &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    let after = sim.token().await;
    assert_eq!(sim.get(&after, "/me", &[]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn api_calls_get_the_reference_401_bodies() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let world = sim.handle.world();
    let r = sim
        .client
        .get(sim.url("/me"))
        .header("Accept", MEDIA)
        .header("User-Agent", "t/1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("trace-id"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": "unauthorized",
               "error_description": "Full authentication is required to access this resource"})
    );

    let bogus = json!({"access_token": "not-a-token"});
    let (_, body) = sim.get(&bogus, "/me", &[]).await;
    assert_eq!(
        body,
        json!({"error": "invalid_token", "error_description": "Cannot convert access token to JSON"})
    );

    let token = sim.token().await;
    world.advance(chrono::Duration::hours(12));
    let (status, body) = sim.get(&token, "/me", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let expected = format!(
        "Access token expired: {}",
        token["access_token"].as_str().unwrap()
    );
    assert_eq!(body["error_description"], expected);

    let fresh = sim.token().await;
    world.revoke_tokens(0);
    assert_eq!(
        sim.get(&fresh, "/me", &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sim.refresh(fresh["refresh_token"].as_str().unwrap())
            .await
            .1["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn api_calls_without_the_allegro_accept_header_or_a_user_agent_are_refused() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let token = sim.token().await;
    let access = token["access_token"].as_str().unwrap();
    let r = sim
        .client
        .get(sim.url("/me"))
        .bearer_auth(access)
        .header("User-Agent", "t/1")
        .header("Accept", "application/vnd.allegro.beta.v1+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "NotAcceptableException");

    let r = sim
        .client
        .get(sim.url("/me"))
        .bearer_auth(access)
        .header("Accept", MEDIA)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = sim.api(&token, "/me").send().await.unwrap();
    assert_eq!(r.headers()["content-type"], MEDIA);
    let me: Value = r.json().await.unwrap();
    let seller = &sim.handle.world().sellers()[0];
    assert_eq!(me["id"], seller.id.as_str());
    assert_eq!(me["login"], seller.login.as_str());
    assert_eq!(me["baseMarketplace"]["id"], "allegro-pl");
}

#[tokio::test]
async fn the_order_list_enforces_its_limits() {
    let sim = spawn(SimulatorConfig::for_tests(50)).await;
    let token = sim.token().await;
    let path = "/order/checkout-forms";
    let (status, body) = sim
        .get(&token, path, &[("offset", "9901"), ("limit", "100")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"errors": [{"code": "VALIDATION_ERROR",
            "message": "Offset and limit parameters exceed maximal result size of 10000 items",
            "details": null, "path": "/order/checkout-forms", "userMessage": null}]})
    );
    for (query, expected) in [
        (("limit", "101"), StatusCode::UNPROCESSABLE_ENTITY),
        (("limit", "0"), StatusCode::UNPROCESSABLE_ENTITY),
        (("offset", "-1"), StatusCode::UNPROCESSABLE_ENTITY),
        (("limit", "ten"), StatusCode::BAD_REQUEST),
        (("status", "PAID"), StatusCode::BAD_REQUEST),
        (("sort", "boughtAt"), StatusCode::BAD_REQUEST),
        (("updatedAt.gte", "2026-13-01"), StatusCode::BAD_REQUEST),
        (("offset", "9900"), StatusCode::OK),
    ] {
        assert_eq!(
            sim.get(&token, path, &[query]).await.0,
            expected,
            "{query:?}"
        );
    }
    let (status, body) = sim.get(&token, path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["count"], 50);
    assert_eq!(body["totalCount"], 50);
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn latest_bought(order: &Value) -> DateTime<Utc> {
    order["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| time(&li["boughtAt"]))
        .max()
        .unwrap()
}

#[tokio::test]
async fn filters_and_sort_agree_with_the_ground_truth() {
    let sim = spawn(SimulatorConfig::for_tests(3000)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().orders(0);
    let path = "/order/checkout-forms";

    let (_, body) = sim
        .get(&token, path, &[("status", "CANCELLED"), ("limit", "100")])
        .await;
    let cancelled = truth.iter().filter(|o| o["status"] == "CANCELLED").count();
    assert_eq!(body["totalCount"], cancelled);
    assert!(
        body["checkoutForms"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "CANCELLED")
    );

    let (_, body) = sim
        .get(&token, path, &[("marketplace.id", "allegro-cz")])
        .await;
    let cz = truth
        .iter()
        .filter(|o| o["marketplace"]["id"] == "allegro-cz")
        .count();
    assert!(cz > 0);
    assert_eq!(body["totalCount"], cz);

    let (_, body) = sim
        .get(&token, path, &[("fulfillment.status", "RETURNED")])
        .await;
    assert_eq!(
        body["totalCount"],
        truth
            .iter()
            .filter(|o| o["fulfillment"]["status"] == "RETURNED")
            .count()
    );

    let login = truth[7]["buyer"]["login"].as_str().unwrap();
    let (_, body) = sim.get(&token, path, &[("buyer.login", login)]).await;
    assert!(
        body["checkoutForms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == truth[7]["id"])
    );

    // Default sort: newest purchase first; ascending with sort=lineItems.boughtAt.
    let (_, body) = sim.get(&token, path, &[("limit", "5")]).await;
    assert_eq!(body["checkoutForms"][0]["id"], truth[0]["id"]);
    let (_, body) = sim
        .get(
            &token,
            path,
            &[("sort", "lineItems.boughtAt"), ("limit", "5")],
        )
        .await;
    assert_eq!(body["checkoutForms"][0]["id"], truth.last().unwrap()["id"]);
    let (_, body) = sim.get(&token, path, &[("sort", "-updatedAt")]).await;
    let updated: Vec<_> = body["checkoutForms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| time(&o["updatedAt"]))
        .collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]));

    // A closed time window, paged ascending, returns exactly the orders inside it.
    let from = latest_bought(&truth[1500]);
    let to = latest_bought(&truth[300]);
    let expected: HashSet<String> = truth
        .iter()
        .filter(|o| (from..=to).contains(&latest_bought(o)))
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    let (gte, lte) = (from.to_rfc3339(), to.to_rfc3339());
    let mut seen = HashSet::new();
    let mut offset = 0;
    loop {
        let off = offset.to_string();
        let (status, body) = sim
            .get(
                &token,
                path,
                &[
                    ("lineItems.boughtAt.gte", gte.as_str()),
                    ("lineItems.boughtAt.lte", lte.as_str()),
                    ("sort", "lineItems.boughtAt"),
                    ("offset", off.as_str()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["totalCount"], expected.len());
        let page = body["checkoutForms"].as_array().unwrap();
        seen.extend(page.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        offset += 100;
        if page.len() < 100 {
            break;
        }
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_single_order_is_served_and_bad_ids_get_422_or_404() {
    let sim = spawn(SimulatorConfig::for_tests(20)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().orders(0);
    let id = truth[3]["id"].as_str().unwrap();
    let (status, body) = sim
        .get(&token, &format!("/order/checkout-forms/{id}"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, truth[3]);
    let (status, _) = sim
        .get(&token, "/order/checkout-forms/not-a-uuid", &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = "29738e61-7f6a-11e8-ac45-09db60ede9d6";
    let (status, body) = sim
        .get(&token, &format!("/order/checkout-forms/{unknown}"), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let m = format!("Checkout form {unknown} not found");
    assert_eq!(
        body,
        json!({"errors": [{"code": "CheckoutFormNotFoundException", "message": m, "details": null,
            "path": format!("/order/checkout-forms/{unknown}"), "userMessage": m}]})
    );
}

#[tokio::test]
async fn orders_older_than_twelve_months_answer_404() {
    let sim = spawn(SimulatorConfig::for_tests(200)).await;
    let token = sim.token().await;
    let oldest = sim.handle.world().orders(0).last().unwrap().clone();
    sim.handle.world().advance(chrono::Duration::days(40));
    let token = {
        drop(token);
        sim.token().await
    };
    let path = format!("/order/checkout-forms/{}", oldest["id"].as_str().unwrap());
    assert_eq!(sim.get(&token, &path, &[]).await.0, StatusCode::NOT_FOUND);
    let (_, body) = sim.get(&token, "/order/checkout-forms", &[]).await;
    assert!((body["totalCount"].as_u64().unwrap()) < 200);
}

#[tokio::test]
async fn events_page_from_an_exclusive_cursor_in_write_order() {
    let sim = spawn(SimulatorConfig::for_tests(2000)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().events(0);
    assert!(truth.len() > 150, "{}", truth.len());
    let (status, _) = sim.get(&token, "/order/events", &[("limit", "1001")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = sim.get(&token, "/order/events", &[("type", "PAID")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, first) = sim.get(&token, "/order/events", &[]).await;
    assert_eq!(first["events"].as_array().unwrap().len(), 100);
    assert_eq!(first["events"][0], truth[0]);

    let mut all = Vec::new();
    let mut from: Option<String> = None;
    loop {
        let mut query = vec![("limit", "70".to_owned())];
        if let Some(f) = &from {
            query.push(("from", f.clone()));
        }
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (_, page) = sim.get(&token, "/order/events", &q).await;
        let events = page["events"].as_array().unwrap().clone();
        if events.is_empty() {
            break;
        }
        from = Some(events.last().unwrap()["id"].as_str().unwrap().to_owned());
        all.extend(events);
    }
    assert_eq!(all, truth);
    let ids: Vec<u128> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert!(
        all.windows(2)
            .any(|w| time(&w[0]["occurredAt"]) > time(&w[1]["occurredAt"])),
        "some events are written after later ones occurred"
    );

    let (_, stats) = sim.get(&token, "/order/event-stats", &[]).await;
    assert_eq!(stats["latestEvent"]["id"], truth.last().unwrap()["id"]);
    let (_, empty) = sim
        .get(
            &token,
            "/order/events",
            &[("from", stats["latestEvent"]["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(empty, json!({"events": []}));

    let (_, typed) = sim
        .get(
            &token,
            "/order/events?type=BOUGHT&type=BUYER_CANCELLED&limit=1000",
            &[],
        )
        .await;
    assert!(
        typed["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] == "BOUGHT" || e["type"] == "BUYER_CANCELLED")
    );
}

#[tokio::test]
async fn events_older_than_sixty_days_are_gone_and_a_stale_cursor_is_refused() {
    let sim = spawn(SimulatorConfig::for_tests(500)).await;
    let world = sim.handle.world();
    let oldest = world.events(0)[0]["id"].as_str().unwrap().to_owned();
    world.advance(chrono::Duration::days(61));
    assert!(world.events(0).is_empty());
    let token = sim.token().await;
    let (_, stats) = sim.get(&token, "/order/event-stats", &[]).await;
    assert_eq!(stats, json!({}));
    let (status, body) = sim
        .get(&token, "/order/events", &[("from", oldest.as_str())])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "VALIDATION_ERROR");

    let id = world.create_order(0);
    let (_, page) = sim.get(&token, "/order/events", &[]).await;
    assert_eq!(
        page["events"][0]["order"]["checkoutForm"]["id"],
        id.as_str()
    );
    assert_eq!(page["events"][0]["type"], "BOUGHT");
}

#[tokio::test]
async fn a_fulfillment_change_bumps_revision_but_not_updated_at() {
    let sim = spawn(SimulatorConfig::for_tests(30)).await;
    let world = sim.handle.world();
    let id = world.create_order(0);
    assert!(world.pay(&id));
    let before = world
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    world.advance(chrono::Duration::minutes(5));
    assert!(world.change_fulfillment(&id, "SENT"));
    let after = world
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    assert_ne!(after["revision"], before["revision"]);
    assert_eq!(after["updatedAt"], before["updatedAt"]);
    assert_eq!(after["fulfillment"]["status"], "SENT");

    world.advance(chrono::Duration::minutes(5));
    assert!(world.modify_buyer_address(&id));
    let modified = world
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    assert_ne!(modified["updatedAt"], after["updatedAt"]);
    assert!(modified["delivery"]["address"]["modifiedAt"].is_string());
    assert!(world.add_surcharge(&id));
    assert!(world.cancel(&id, true));
    let kinds: Vec<Value> = world
        .events(0)
        .into_iter()
        .filter(|e| e["order"]["checkoutForm"]["id"] == id.as_str())
        .map(|e| e["type"].clone())
        .collect();
    for kind in [
        "BOUGHT",
        "FILLED_IN",
        "FULFILLMENT_STATUS_CHANGED",
        "BUYER_MODIFIED",
        "AUTO_CANCELLED",
    ] {
        assert!(kinds.contains(&json!(kind)), "{kind} in {kinds:?}");
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "READY_FOR_PROCESSING")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_merge_gives_a_new_id_and_the_old_ids_answer_404() {
    let sim = spawn(SimulatorConfig::for_tests(30)).await;
    let world = sim.handle.world();
    let token = sim.token().await;
    let (a, b) = (world.create_order(0), world.create_order(0));
    let items = |id: &str| -> Vec<Value> {
        let o = world.orders(0).into_iter().find(|o| o["id"] == id).unwrap();
        o["lineItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|li| li["id"].clone())
            .collect()
    };
    let mut old_items = items(&a);
    old_items.extend(items(&b));
    let merged = world.merge(&[&a, &b]).unwrap();
    for old in [&a, &b] {
        let (status, _) = sim
            .get(&token, &format!("/order/checkout-forms/{old}"), &[])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = sim
        .get(&token, &format!("/order/checkout-forms/{merged}"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let new_items: Vec<Value> = body["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| li["id"].clone())
        .collect();
    assert_eq!(new_items, old_items);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    let a = spawn(SimulatorConfig::for_tests(300)).await;
    let b = spawn(SimulatorConfig::for_tests(300)).await;
    assert_eq!(a.handle.world().orders(0), b.handle.world().orders(0));
    assert_eq!(a.handle.world().events(0), b.handle.world().events(0));
    assert_eq!(a.handle.world().sellers(), b.handle.world().sellers());
    let c = spawn(SimulatorConfig {
        seed: 7,
        ..SimulatorConfig::for_tests(300)
    })
    .await;
    assert_ne!(a.handle.world().orders(0), c.handle.world().orders(0));
}

fn minor(v: &Value) -> i64 {
    let s = v.as_str().expect("amounts are strings");
    let (whole, frac) = s.split_once('.').unwrap();
    assert_eq!(frac.len(), 2, "{s}");
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

#[tokio::test]
async fn amounts_are_strings_that_add_up_and_the_data_is_varied() {
    let sim = spawn(SimulatorConfig::for_tests(2000)).await;
    let orders = sim.handle.world().orders(0);
    let mut currencies = HashSet::new();
    let mut fractions = HashSet::new();
    for o in &orders {
        let items: i64 = o["lineItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|li| minor(&li["price"]["amount"]) * li["quantity"].as_i64().unwrap())
            .sum();
        assert_eq!(
            items + minor(&o["delivery"]["cost"]["amount"]),
            minor(&o["summary"]["totalToPay"]["amount"])
        );
        assert_eq!(o["revision"].as_str().unwrap().len(), 8);
        currencies.insert(
            o["summary"]["totalToPay"]["currency"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let stamp = o["updatedAt"].as_str().unwrap();
        fractions.insert(stamp.split_once('.').map_or(0, |(_, f)| f.len() - 1));
    }
    assert_eq!(currencies.len(), 4, "{currencies:?}");
    assert_eq!(fractions, HashSet::from([0, 2, 3]));
    let text = serde_json::to_string(&orders).unwrap();
    for needle in [
        "@allegromail.pl",
        "x-sim-extension",
        "\"guest\":true",
        "PL_NIP",
        "RETURNED",
        "Ł",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

#[tokio::test]
async fn faults_set_over_http_give_429_with_retry_after_5xx_and_truncated_bodies() {
    let sim = spawn(SimulatorConfig::for_tests(10)).await;
    let token = sim.token().await;
    sim.set_faults(json!({"rate_limit_next": 2})).await;
    for _ in 0..2 {
        let r = sim.api(&token, "/me").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()["retry-after"], "1");
        let body: Value = r.json().await.unwrap();
        assert_eq!(error_code(&body), "TooManyRequestsException");
    }
    assert_eq!(
        sim.api(&token, "/me").send().await.unwrap().status(),
        StatusCode::OK
    );

    let world = sim.handle.world();
    world.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    assert_eq!(
        sim.api(&token, "/me").send().await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    world.set_faults(Faults {
        truncate_bodies: true,
        latency: Duration::from_millis(50),
        ..Faults::default()
    });
    let text = sim
        .api(&token, "/order/checkout-forms")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());
    world.set_faults(Faults::default());
    assert!(world.request_count() >= 5);

    let truth: Value = sim
        .client
        .get(sim.url("/__simulator/orders?seller=0"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(truth["checkoutForms"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn the_client_budget_blocks_with_429_once_spent() {
    let sim = spawn(SimulatorConfig {
        requests_per_minute: 3,
        ..SimulatorConfig::for_tests(5)
    })
    .await;
    let token = sim.token().await;
    for _ in 0..3 {
        assert_eq!(
            sim.api(&token, "/me").send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    let r = sim.api(&token, "/me").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    sim.handle.world().advance(chrono::Duration::seconds(61));
    assert_eq!(
        sim.api(&token, "/me").send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn random_changes_keep_the_world_consistent() {
    let sim = spawn(SimulatorConfig::for_tests(300)).await;
    let world = sim.handle.world();
    let before = world.events(0).len();
    world.random_changes(200);
    assert!(world.events(0).len() > before);
    let token = sim.token().await;
    let (_, body) = sim.get(&token, "/order/checkout-forms", &[]).await;
    assert_eq!(body["totalCount"], world.orders(0).len());
}

#[tokio::test]
async fn a_hundred_thousand_orders_can_be_listed_in_time_windows() {
    let started = std::time::Instant::now();
    let sim = spawn(SimulatorConfig::for_tests(100_000)).await;
    let generated = started.elapsed();
    let token = sim.token().await;
    let (_, all) = sim
        .get(&token, "/order/checkout-forms", &[("limit", "1")])
        .await;
    assert_eq!(all["totalCount"], 100_000);
    let (status, page) = sim
        .get(
            &token,
            "/order/checkout-forms",
            &[("offset", "9900"), ("sort", "-updatedAt")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["count"], 100);
    eprintln!(
        "generated 100k orders in {generated:?}, listed in {:?}",
        started.elapsed() - generated
    );
}
