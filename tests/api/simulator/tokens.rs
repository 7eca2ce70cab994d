//! Access and refresh tokens: rotation and its grace, the configured lifetime, surviving a
//! restart, refusing rotated, revoked and forged tokens with the reference 401 bodies.

use std::time::Duration;

use allegro_backup::simulator::SimulatorConfig;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{MEDIA, spawn};

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
