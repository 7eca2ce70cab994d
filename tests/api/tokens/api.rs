//! `/api/v1` as a token sees it: the user's scope, its JSON, its errors, its rate limit.

use std::time::Duration;

use allegro_backup::{
    db::models::api_token::ApiTokenRow,
    domain::{ApiTokenId, Role},
};
use diesel::RunQueryDsl;
use reqwest::{StatusCode, header};

use super::{api_get, json_ok, problem, script, token_on_page};
use crate::helpers::{seed, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_token_sees_only_its_users_accounts_and_other_ids_are_not_found() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let (a, b) = {
        let mut conn = app.db.connect();
        (
            seed::insert_account(&mut conn, "shop-a"),
            seed::insert_account(&mut conn, "shop-b"),
        )
    };
    let viewer = app
        .restricted_client("viewer@example.com", Role::Viewer, Some(&[a]), true)
        .await;
    let limited = token_on_page(&app, &viewer, "BI notebook", "read").await;
    let everything = token_on_page(&app, &app.client, "ERP", "read").await;

    let list = json_ok(api_get(&app, &limited, "/api/v1/accounts").await).await;
    let logins: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["shop-a"]);
    let one = json_ok(api_get(&app, &limited, &format!("/api/v1/accounts/{a}")).await).await;
    assert_eq!(one["id"], a.to_string());
    for path in [
        format!("/api/v1/accounts/{b}"),
        "/api/v1/accounts/999999".to_owned(),
        "/api/v1/accounts/not-a-number".to_owned(),
    ] {
        let body = problem(api_get(&app, &limited, &path).await, StatusCode::NOT_FOUND).await;
        assert!(!body.to_string().contains("shop-b"), "{path}: {body}");
    }

    let all = json_ok(api_get(&app, &everything, "/api/v1/accounts").await).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    json_ok(api_get(&app, &everything, &format!("/api/v1/accounts/{b}")).await).await;

    // Access taken away applies to the token at once.
    seed::restrict_user(&mut app.db.connect(), "viewer@example.com", Some(&[]), true);
    let list = json_ok(api_get(&app, &limited, "/api/v1/accounts").await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    problem(
        api_get(&app, &limited, &format!("/api/v1/accounts/{a}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn accounts_are_json_with_string_ids_utc_times_and_no_allegro_tokens() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let account = seed::insert_account(&mut app.db.connect(), "shop-json");
    app.count(&format!(
        "WITH x AS (UPDATE allegro_accounts SET access_token_enc = 'sealed-access', \
         refresh_token_enc = 'sealed-refresh' WHERE id = {account} RETURNING 1) \
         SELECT count(*) AS n FROM x"
    ));
    app.count(&format!(
        "WITH x AS (INSERT INTO sync_state (account_id, last_success_at) \
         VALUES ({account}, now() - interval '90 seconds') RETURNING 1) SELECT count(*) AS n FROM x"
    ));
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    let response = api_get(&app, &token, &format!("/api/v1/accounts/{account}")).await;
    let text = response.text().await.unwrap();
    assert!(!text.contains("sealed-"), "{text}");
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["id"], account.to_string());
    assert_eq!(body["status"], "connected");
    assert_eq!(body["syncing"], false);
    assert_eq!(body["orders"]["total"], 0);
    assert_eq!(body["orders"]["gone"], 0);
    assert!(body["last_run"].is_null());
    let last_sync = body["last_sync_at"].as_str().unwrap();
    assert!(
        last_sync.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(last_sync).is_ok(),
        "{last_sync}"
    );
    let lag = body["lag_seconds"].as_i64().unwrap();
    assert!((90..120).contains(&lag), "{lag}");
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn every_refusal_is_a_problem_document_with_the_request_id() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    let wrong_secret = format!("{}{}", &token[..token.len() - 4], "AAAA");

    let no_header = script()
        .get(app.url("/api/v1/accounts"))
        .send()
        .await
        .unwrap();
    assert!(no_header.headers().contains_key(header::WWW_AUTHENTICATE));
    problem(no_header, StatusCode::UNAUTHORIZED).await;
    for presented in ["not-a-token", wrong_secret.as_str()] {
        let response = api_get(&app, presented, "/api/v1/accounts").await;
        assert!(
            response.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("invalid_token")
        );
        let body = problem(response, StatusCode::UNAUTHORIZED).await;
        assert!(body["type"].as_str().unwrap().ends_with("invalid_token"));
    }
    let basic = script()
        .get(app.url("/api/v1/accounts"))
        .basic_auth("admin@example.com", Some("x"))
        .send()
        .await
        .unwrap();
    problem(basic, StatusCode::UNAUTHORIZED).await;

    problem(
        api_get(&app, &token, "/api/v1/no-such-thing").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Unknown paths answer the same with or without a token.
    problem(
        script()
            .get(app.url("/api/v1/nothing"))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    let delete = script()
        .delete(app.url("/api/v1/accounts/1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(delete, StatusCode::METHOD_NOT_ALLOWED).await;

    // Refusals of the layers before the API (bad characters, an unknown method) too.
    problem(
        api_get(&app, &token, "/api/v1/accounts?x=%01").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let unknown = script()
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            app.url("/api/v1/accounts"),
        )
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(unknown, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[tokio::test]
async fn a_token_over_its_rate_limit_gets_429_with_retry_after() {
    let app = spawn_app_with(|config| config.api_rate_limit_per_minute = 2).await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "ERP", "read").await;
    let other = token_on_page(&app, &app.client, "BI", "read").await;
    for _ in 0..2 {
        json_ok(api_get(&app, &token, "/api/v1/accounts").await).await;
    }
    let limited = api_get(&app, &token, "/api/v1/accounts").await;
    let retry_after: u64 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let body = problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(body["type"].as_str().unwrap().ends_with("rate_limited"));
    // Counted per token.
    json_ok(api_get(&app, &other, "/api/v1/accounts").await).await;
    // Counted in the database: another replica (a connection of its own) finds the budget spent.
    let id = ApiTokenId(app.count("SELECT id AS n FROM api_tokens WHERE name = 'ERP'"));
    let wait = ApiTokenRow::take_request(&mut app.db.connect(), id, 2).unwrap();
    assert!(
        wait.is_some_and(|w| w <= Duration::from_secs(30)),
        "{wait:?}"
    );
}

#[tokio::test]
async fn a_tokens_budget_allows_the_whole_minute_at_once_then_one_request_per_interval() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    token_on_page(&app, &app.client, "ERP", "read").await;
    let id = ApiTokenId(app.count("SELECT id AS n FROM api_tokens WHERE name = 'ERP'"));
    let mut conn = app.db.connect();
    for n in 0..60 {
        assert_eq!(
            ApiTokenRow::take_request(&mut conn, id, 60).unwrap(),
            None,
            "{n}"
        );
    }
    let wait = ApiTokenRow::take_request(&mut conn, id, 60)
        .unwrap()
        .expect("the 61st request of a minute is refused");
    assert!(
        wait <= Duration::from_secs(1),
        "one interval at most: {wait:?}"
    );
    // A minute later the whole budget is back.
    diesel::sql_query("UPDATE api_tokens SET rate_tat = rate_tat - interval '1 minute'")
        .execute(&mut conn)
        .unwrap();
    for _ in 0..60 {
        assert_eq!(ApiTokenRow::take_request(&mut conn, id, 60).unwrap(), None);
    }
}
