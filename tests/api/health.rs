use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_answers_without_a_session() {
    let app = spawn_app().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn probes_answer_head_requests() {
    let app = spawn_app().await;
    for path in ["/health", "/ready"] {
        let response = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn ready_reports_the_database_and_migrations() {
    let app = spawn_app().await;
    let response = app.get("/ready").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["migrations"], "applied");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/health", "/login", "/no-such-page", "/static/app.css"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert!(headers.get("referrer-policy").is_some(), "{path}");
        assert!(headers.get("x-request-id").is_some(), "{path}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_friendly_404() {
    let app = spawn_app().await;
    // Anonymous visitors are asked to sign in first (default deny), then see the 404.
    let response = app.get("/definitely/not/here").await;
    assert_eq!(
        crate::helpers::location(&response),
        "/login?next=%2Fdefinitely%2Fnot%2Fhere"
    );
    app.create_user("ada@example.com", allegro_backup::domain::Role::Viewer)
        .await;
    app.login("ada@example.com", crate::helpers::PASSWORD).await;
    let (status, html) = app.get_html("/definitely/not/here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        crate::helpers::select_text(&html, "h1"),
        vec!["Page not found"]
    );
}

#[tokio::test]
async fn static_assets_are_served_from_the_binary() {
    let app = spawn_app().await;
    let response = app.get("/static/htmx-2.0.11.min.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("htmx"));
    for path in ["/static/..%2FCargo.toml", "/static/secret.key"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_database_outage_shows_in_ready_while_health_stays_up() {
    let app = spawn_app().await;
    // Take the database away under the running server.
    let mut admin = diesel::Connection::establish("postgres://postgres@127.0.0.1:5432/postgres")
        .map(|c: diesel::PgConnection| c)
        .unwrap();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!("DROP DATABASE \"{}\" WITH (FORCE)", app.db.name)),
        &mut admin,
    )
    .unwrap();
    let response = app.get("/ready").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");

    assert_eq!(app.get("/health").await.status(), StatusCode::OK);
    // The sign-in page needs no database (a visitor stores nothing); signing in does, and
    // fails cleanly (no hang, no crash) while the database is away.
    assert_eq!(app.get("/login").await.status(), StatusCode::OK);
    let signing_in = app
        .post_form("/login", &[("email", "ada@example.com"), ("password", "x")])
        .await;
    assert!(signing_in.status().is_server_error());
    assert_eq!(app.get("/health").await.status(), StatusCode::OK);
}
