//! Hostile and odd input: redirects, control characters, parallel guessing, spoofed headers,
//! and what htmx responses keep.

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, location, new_client, spawn_app, spawn_app_with};

#[tokio::test]
async fn next_parameters_that_browsers_would_turn_into_other_sites_are_ignored() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/\r\nSet-Cookie: a=b",
        "/a\u{0}b",
    ] {
        let client = new_client();
        let response = app
            .post_form_with(
                &client,
                "/login",
                &[
                    ("email", "ada@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        // A control character is refused outright; anything else signs in and goes home.
        let refused = next.chars().any(char::is_control);
        if refused {
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{next:?}");
            continue;
        }
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&response), "/", "{next:?}");
        // Signed in, a crafted link to /login does not bounce anywhere else either.
        let response = client
            .get(app.url("/login"))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&response), "/", "{next:?}");
    }
}

#[tokio::test]
async fn control_characters_in_inputs_are_a_400_not_a_500() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/login",
            &[("email", "a\u{0}@example.com"), ("password", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    app.sign_in("root@example.com", Role::Admin).await;
    assert_eq!(
        app.get("/audit?actor=%00").await.status(),
        StatusCode::BAD_REQUEST
    );
    let response = app
        .post_form(
            "/users",
            &[
                ("email", "x\u{0}@example.com"),
                ("name", "a\u{0}"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_throttle() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let token = app.csrf_token_with(&app.client, "/login").await;
    let guesses = (0..20).map(|i| {
        let request = app.client.post(app.url("/login")).form(&[
            ("email", "ada@example.com"),
            ("password", &format!("guess {i}")),
            ("csrf_token", &token),
        ]);
        async move { request.send().await.unwrap().status() }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let wrong = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(wrong, 5, "{statuses:?}");
    assert_eq!(throttled, 15, "{statuses:?}");
}

#[tokio::test]
async fn a_spoofed_forwarded_for_entry_does_not_escape_ip_throttling() {
    let app = spawn_app_with(|s| {
        s.trust_forwarded_for = true;
        s.throttle.free_failures_per_ip = 3;
    })
    .await;
    let mut statuses = vec![];
    for i in 0..5 {
        let token = app.csrf_token_with(&app.client, "/login").await;
        let response = app
            .client
            .post(app.url("/login"))
            // The client controls the first entry; the proxy appends the real address.
            .header("X-Forwarded-For", format!("10.0.0.{i}, 203.0.113.7"))
            .form(&[
                ("email", format!("guess{i}@example.com").as_str()),
                ("password", "x"),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_too() {
    let app = spawn_app().await;
    app.sign_in("ada@example.com", Role::Viewer).await;
    let new = "another long password";
    for _ in 0..5 {
        assert_eq!(
            app.change_password_with(&app.client, "wrong guess", new, new)
                .await
                .status(),
            StatusCode::BAD_REQUEST
        );
    }
    let response = app
        .change_password_with(&app.client, PASSWORD, new, new)
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_htmx_logout_still_ends_the_session_cookie() {
    let app = spawn_app().await;
    app.sign_in("ada@example.com", Role::Viewer).await;
    let response = app.htmx_post_with(&app.client, "/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["hx-redirect"],
        "/login?notice=signed_out"
    );
    assert!(
        response.headers().get("set-cookie").is_some(),
        "the session cookie must be cleared"
    );
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn csrf_holds_for_every_content_type_and_method() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    let url = app.url("/users");
    let json = app
        .client
        .post(&url)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let text = app
        .client
        .post(&url)
        .header("Content-Type", "text/plain")
        .body("csrf_token=x")
        .send()
        .await
        .unwrap();
    let multipart = app
        .client
        .post(&url)
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@example.com\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    let put = app.client.put(&url).send().await.unwrap();
    let delete = app.client.delete(app.url("/users/1")).send().await.unwrap();
    for response in [json, text, multipart, put, delete] {
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{}",
            response.url()
        );
    }
}

#[tokio::test]
async fn an_expired_setup_link_does_not_work() {
    let app = spawn_app().await;
    let token = app.setup_token();
    let mut conn = app.db.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE setup_tokens SET expires_at = now() - interval '1 minute'"),
        &mut conn,
    )
    .unwrap();
    assert_eq!(
        app.get(&format!("/setup?token={token}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_racing_setup_requests_create_exactly_one_admin() {
    let app = spawn_app().await;
    let token = app.setup_token();
    let attempts = (0..4).map(|i| {
        let (client, token) = (new_client(), token.clone());
        let app = &app;
        async move {
            let email = format!("admin{i}@example.com");
            let fields = [
                ("token", token.as_str()),
                ("name", "Racer"),
                ("email", email.as_str()),
                ("password", "a long enough password"),
                ("password_confirm", "a long enough password"),
            ];
            app.post_form_with(&client, "/setup", &fields)
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::NOT_FOUND),
        "{statuses:?}"
    );
    let mut conn = app.db.connect();
    assert_eq!(
        allegro_backup::db::models::user::UserRow::count(&mut conn).unwrap(),
        1
    );
}
