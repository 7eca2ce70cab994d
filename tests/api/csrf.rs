use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, html_of, select_attr, spawn_app};

/// Every state-changing route of this release.
const STATE_CHANGING: [&str; 10] = [
    "/login",
    "/logout",
    "/setup",
    "/users",
    "/users/1/role",
    "/users/1/disable",
    "/users/1/enable",
    "/users/1/reset-password",
    "/account/password",
    "/account/logout-everywhere",
];

#[tokio::test]
async fn state_changing_requests_without_the_token_are_rejected_with_403() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    for path in STATE_CHANGING {
        let response = app
            .post_form_without_csrf(path, &[("role", "viewer")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Still signed in and still admin: nothing was changed.
    assert_eq!(app.get("/users").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_token_is_rejected_in_a_form_and_in_the_header() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    let form = app
        .client
        .post(app.url("/logout"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    let header = app
        .client
        .post(app.url("/logout"))
        .header("X-CSRF-Token", "forged")
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_curl_post_with_no_session_at_all_is_rejected() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    for path in STATE_CHANGING {
        let response = client.post(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn htmx_requests_send_the_token_as_a_header_and_get_partials() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    let id = app.create_user("ada@example.com", Role::Viewer).await;
    app.login("root@example.com", PASSWORD).await;
    let html = html_of(app.get("/users").await).await;
    let token =
        select_attr(&html, r#"meta[name="csrf-token"]"#, "content").expect("meta csrf-token");
    let response = app
        .client
        .post(app.url(&format!("/users/{id}/role")))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(&[("role", "operator")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(
        body.trim_start()
            .starts_with(&format!("<tr id=\"user-{id}\"")),
        "{body}"
    );

    // Without the header the same htmx request is refused, as a toast.
    let response = app
        .client
        .post(app.url(&format!("/users/{id}/role")))
        .header("HX-Request", "true")
        .form(&[("role", "viewer")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["hx-retarget"], "#toasts");
}
