//! Anonymous requests write nothing: a signed-out visitor's sign-in and setup forms are
//! protected by a signed cookie instead of a session row, and refused sign-ins are counted into
//! one audit entry per IP and throttle window.

use allegro_backup::domain::Role;
use diesel::{RunQueryDsl, sql_query};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    PASSWORD, html_of, new_client, select_attr, select_text, spawn_app, spawn_app_with,
};

fn sessions(app: &crate::helpers::TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM sessions")
}

#[tokio::test]
async fn a_hundred_cookieless_visits_to_the_login_and_setup_pages_store_nothing() {
    let app = spawn_app().await;
    let setup = format!("/setup?token={}", app.setup_token());
    for i in 0..100 {
        let path = if i % 10 == 0 {
            setup.as_str()
        } else {
            "/login"
        };
        let response = new_client().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response
                .cookies()
                .any(|c| c.name() == "allegro_backup_csrf" && c.http_only()),
            "{path}: the visitor cookie is set"
        );
    }
    assert_eq!(sessions(&app), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), 0);
}

#[tokio::test]
async fn the_login_form_works_with_the_visitor_cookie_and_refuses_a_missing_or_foreign_token() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let login = |client: reqwest::Client, token: Option<String>| {
        let app = &app;
        async move {
            let mut form = vec![
                ("email", "ada@example.com".to_owned()),
                ("password", PASSWORD.to_owned()),
            ];
            if let Some(token) = token {
                form.push(("csrf_token", token));
            }
            client
                .post(app.url("/login"))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    let token_of = |client: reqwest::Client| {
        let app = &app;
        async move {
            let page = html_of(client.get(app.url("/login")).send().await.unwrap()).await;
            select_attr(&page, r#"input[name="csrf_token"]"#, "value").unwrap()
        }
    };
    let (visitor, other) = (new_client(), new_client());
    let token = token_of(visitor.clone()).await;
    // The same visitor gets the same token on each visit (their cookie), another visitor not.
    assert_eq!(token_of(visitor.clone()).await, token);
    let foreign = token_of(other.clone()).await;
    assert_ne!(foreign, token);

    assert_eq!(
        login(visitor.clone(), None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        login(visitor.clone(), Some("wrong".to_owned()))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        login(visitor.clone(), Some(foreign)).await.status(),
        StatusCode::FORBIDDEN
    );
    // Without the cookie the token is worth nothing.
    assert_eq!(
        login(new_client(), Some(token.clone())).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(sessions(&app), 0);

    let signed_in = login(visitor.clone(), Some(token.clone())).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(sessions(&app), 1);
    // Signed in, the session's own token is needed: the visitor token no longer works.
    let response = visitor
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        visitor
            .get(app.url("/account/password"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn throttled_sign_ins_are_counted_in_one_audit_entry() {
    let app = spawn_app_with(|settings| {
        settings.throttle.free_failures_per_email = 1;
    })
    .await;
    app.create_user("root@example.com", Role::Admin).await;
    let client = new_client();
    let mut throttled = 0;
    for _ in 0..12 {
        let response = app
            .post_form_with(
                &client,
                "/login",
                &[("email", "ada@example.com"), ("password", "wrong password")],
            )
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            throttled += 1;
        }
    }
    assert_eq!(throttled, 11);
    let rows: Vec<Value> = {
        #[derive(diesel::QueryableByName)]
        struct Details {
            #[diesel(sql_type = diesel::sql_types::Jsonb)]
            details: Value,
        }
        sql_query("SELECT details FROM audit_log WHERE action = 'login_throttled'")
            .load::<Details>(&mut app.db.connect())
            .unwrap()
            .into_iter()
            .map(|d| d.details)
            .collect()
    };
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["count"], 11);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'login_failed'"),
        1
    );
    // The count is visible in the audit log.
    app.login("root@example.com", PASSWORD).await;
    let page = html_of(app.get("/audit?action=login_throttled").await).await;
    let details = select_text(&page, "#audit-results td.small");
    assert!(
        details.iter().any(|d| d.starts_with("11 attempts refused")),
        "{details:?}"
    );
}
