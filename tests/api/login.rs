use std::time::Duration;

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{
    PASSWORD, html_of, location, new_client, select_text, spawn_app, spawn_app_with,
};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("allegro_backup_session="))
        .map(str::to_owned)
}

#[tokio::test]
async fn a_protected_page_sends_anonymous_visitors_to_login_and_back() {
    let app = spawn_app().await;
    let response = app.get("/users?x=1").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?next=%2Fusers%3Fx%3D1");

    app.create_user("ada@example.com", Role::Admin).await;
    let response = app
        .post_form(
            "/login",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", "/users?x=1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/users?x=1");
}

#[tokio::test]
async fn login_renews_the_session_id_and_sets_safe_cookie_flags() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    // A visitor gets no session; signing in starts one, and signing in again a new one.
    assert_eq!(session_cookie(&app.get("/login").await), None);
    let first = app.login("ADA@example.com", PASSWORD).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let before = session_cookie(&first).expect("session cookie");
    let response = app.login("ADA@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = session_cookie(&response).expect("new session cookie");
    assert_ne!(
        before.split(';').next(),
        after.split(';').next(),
        "session id must change at login"
    );
    assert!(after.contains("HttpOnly"));
    assert!(after.contains("SameSite=Lax"));
    assert!(!after.contains("Secure"));
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    let app = spawn_app_with(|s| s.cookie_secure = true).await;
    let visitor = app.get("/login").await;
    let cookie = visitor
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("allegro_backup_csrf="))
        .expect("visitor cookie");
    assert!(cookie.contains("Secure"));
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_look_the_same() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let wrong_password = app.login("ada@example.com", "not the password").await;
    let wrong_email = app.login("nobody@example.com", PASSWORD).await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_email.status(), StatusCode::UNAUTHORIZED);
    let a = select_text(&html_of(wrong_password).await, ".flash-error");
    let b = select_text(&html_of(wrong_email).await, ".flash-error");
    assert_eq!(a, vec!["Incorrect email or password.".to_owned()]);
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in() {
    let app = spawn_app().await;
    let id = app.create_user("ada@example.com", Role::Viewer).await;
    let mut conn = app.db.connect();
    allegro_backup::db::models::user::UserRow::set_disabled(&mut conn, id, true).unwrap();
    let response = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn empty_login_fields_reshow_the_form_with_400() {
    let app = spawn_app().await;
    let response = app
        .post_form("/login", &[("email", ""), ("password", "")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = html_of(response).await;
    assert_eq!(
        select_text(&html, ".flash-error"),
        vec!["Enter your email and password.".to_owned()]
    );
    assert_eq!(
        select_text(&html, "form button"),
        vec!["Sign in".to_owned()]
    );
}

#[tokio::test]
async fn repeated_failures_for_one_email_are_throttled_with_429() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("ada@example.com", "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password waits until the back-off has passed.
    let response = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    let message = select_text(&html_of(response).await, ".flash-error").join(" ");
    assert!(
        message.starts_with("Too many failed sign-in attempts. Try again in"),
        "{message}"
    );
    // Other emails from elsewhere are unaffected.
    app.create_user("bob@example.com", Role::Viewer).await;
    assert_eq!(
        app.login_status("bob@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_throttled_across_emails() {
    let app = spawn_app_with(|s| s.throttle.free_failures_per_ip = 3).await;
    for i in 0..3 {
        let email = format!("guess{i}@example.com");
        assert_eq!(
            app.login(&email, "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login("another@example.com", "wrong").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn throttling_lifts_after_the_back_off() {
    let app = spawn_app_with(|s| {
        s.throttle.free_failures_per_email = 2;
        s.throttle.base_backoff = Duration::from_secs(1);
    })
    .await;
    app.create_user("ada@example.com", Role::Viewer).await;
    for _ in 0..2 {
        app.login("ada@example.com", "wrong").await;
    }
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    app.sign_in("ada@example.com", Role::Viewer).await;
    let response = app.post_form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?notice=signed_out");
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
    let html = html_of(app.get("/login?notice=signed_out").await).await;
    assert_eq!(
        select_text(&html, ".flash-info"),
        vec!["You have been signed out.".to_owned()]
    );
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let app = spawn_app().await;
    let id = app.create_user("ada@example.com", Role::Operator).await;
    let ada = new_client();
    app.login_with(&ada, "ada@example.com", PASSWORD).await;
    assert_eq!(app.get_with(&ada, "/").await.status(), StatusCode::OK);

    app.sign_in("root@example.com", Role::Admin).await;
    let response = app.post_form(&format!("/users/{id}/disable"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let response = app.get_with(&ada, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"));
    let mut conn = app.db.connect();
    assert_eq!(
        allegro_backup::db::models::session::SessionRow::count_for_user(&mut conn, id).unwrap(),
        0
    );
}

/// Signs in on an app configured by `customize`, waits past a one-second timeout, and
/// checks the session has ended.
async fn assert_session_ends(customize: impl FnOnce(&mut allegro_backup::config::Config)) {
    let app = spawn_app_with(customize).await;
    app.sign_in("ada@example.com", Role::Viewer).await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sessions_end_after_the_absolute_timeout() {
    assert_session_ends(|s| s.session.absolute_timeout = Duration::from_secs(1)).await;
}

#[tokio::test]
async fn sessions_end_after_the_idle_timeout() {
    assert_session_ends(|s| s.session.idle_timeout = Duration::from_secs(1)).await;
}

#[tokio::test]
async fn an_outside_next_parameter_is_ignored() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let response = app
        .post_form(
            "/login",
            &[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn anonymous_visits_store_no_session_and_signed_in_ones_last_the_idle_timeout() {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let minutes_left = |signed_in: bool| {
        use allegro_backup::db::schema::sessions::dsl::*;
        let mut conn = app.db.connect();
        let expiry: chrono::DateTime<chrono::Utc> = sessions
            .filter(user_id.is_not_null().eq(signed_in))
            .select(expires_at)
            .order(created_at.desc())
            .first(&mut conn)
            .unwrap();
        (expiry - chrono::Utc::now()).num_minutes()
    };
    app.get("/login").await;
    app.get("/login").await;
    let rows: i64 = allegro_backup::db::schema::sessions::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap();
    assert_eq!(rows, 0);
    app.login("ada@example.com", PASSWORD).await;
    app.get("/").await;
    assert!((59..=60).contains(&minutes_left(true)));
}
