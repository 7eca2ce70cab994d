//! A token's life: created, used (last use recorded), revoked, expired, its user disabled.

use allegro_backup::domain::Role;
use reqwest::{StatusCode, header};
use sha2::{Digest, Sha256};

use super::{api_get, json_ok, prefix, problem, script, token_id, token_on_page};
use crate::helpers::{PASSWORD, new_client, seed, spawn_app};

#[tokio::test]
async fn a_token_created_on_the_profile_page_opens_the_api_and_records_its_last_use() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    seed::insert_account(&mut app.db.connect(), "shop-one");
    let token = token_on_page(&app, &app.client, "ERP", "read").await;

    let body = json_ok(api_get(&app, &token, "/api/v1/accounts").await).await;
    assert_eq!(body["items"][0]["login"], "shop-one");

    let used = |sql: &str| app.count(&sql.replace("{prefix}", prefix(&token)));
    assert_eq!(
        used(
            "SELECT count(*) AS n FROM api_tokens WHERE prefix = '{prefix}' \
             AND last_used_at > now() - interval '1 minute' AND last_used_ip = '127.0.0.1'"
        ),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'api_token_created'"),
        1
    );
}

#[tokio::test]
async fn only_a_hash_of_the_token_is_stored() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    let secret = token.rsplit('_').next().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM api_tokens t WHERE strpos(t::text, '{secret}') > 0"
        )),
        0,
        "the token's secret is nowhere in the table"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log a WHERE strpos(a::text, '{secret}') > 0"
        )),
        0,
        "nor in the audit log"
    );
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM api_tokens WHERE secret_hash = '{hash}'"
        )),
        1
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    json_ok(api_get(&app, &token, "/api/v1/accounts").await).await;

    let id = token_id(&app, &app.client, &token).await;
    let revoked = app
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);

    let body = problem(
        api_get(&app, &token, "/api/v1/accounts").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body["type"].as_str().unwrap().ends_with("token_revoked"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'api_token_revoked'"),
        1
    );
    // Revoking it again: there is no such unrevoked token.
    let again = app
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn users_cannot_revoke_each_others_tokens_from_the_profile_page() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    let id = token_id(&app, &app.client, &token).await;
    let operator = app.signed_in_client("op@example.com", Role::Operator).await;
    let response = app
        .post_form_with(&operator, &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    json_ok(api_get(&app, &token, "/api/v1/accounts").await).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    app.count(&format!(
        "WITH x AS (UPDATE api_tokens SET expires_at = now() - interval '1 second' \
         WHERE prefix = '{}' RETURNING 1) SELECT count(*) AS n FROM x",
        prefix(&token)
    ));
    let body = problem(
        api_get(&app, &token, "/api/v1/accounts").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body["type"].as_str().unwrap().ends_with("token_expired"));
}

#[tokio::test]
async fn a_disabled_users_tokens_stop_at_once() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let operator = app.signed_in_client("op@example.com", Role::Operator).await;
    let token = token_on_page(&app, &operator, "script", "write").await;
    json_ok(api_get(&app, &token, "/api/v1/accounts").await).await;

    let user = app.count("SELECT id AS n FROM users WHERE email = 'op@example.com'");
    let disabled = app.post_form(&format!("/users/{user}/disable"), &[]).await;
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);

    let body = problem(
        api_get(&app, &token, "/api/v1/accounts").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body["type"].as_str().unwrap().ends_with("user_disabled"));
}

#[tokio::test]
async fn a_session_cookie_alone_does_not_open_the_api() {
    let app = spawn_app().await;
    app.create_user("admin@example.com", Role::Admin).await;
    let browser = new_client();
    app.login_with(&browser, "admin@example.com", PASSWORD)
        .await;
    assert_eq!(app.get_with(&browser, "/").await.status(), StatusCode::OK);

    let response = app.get_with(&browser, "/api/v1/accounts").await;
    assert_eq!(
        response.headers()[header::WWW_AUTHENTICATE],
        r#"Bearer realm="api""#
    );
    let body = problem(response, StatusCode::UNAUTHORIZED).await;
    assert!(body["type"].as_str().unwrap().ends_with("missing_token"));
}

#[tokio::test]
async fn api_requests_need_no_csrf_token_and_set_no_cookie() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "write").await;
    // A state-changing method without any CSRF token reaches the API (which answers that the
    // resource only reads), not the CSRF check's 403.
    let response = script()
        .post(app.url("/api/v1/accounts"))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(response.headers()[header::ALLOW], "GET");
    problem(response, StatusCode::METHOD_NOT_ALLOWED).await;

    let response = api_get(&app, &token, "/api/v1/accounts").await;
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    json_ok(response).await;
}
