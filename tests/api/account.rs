use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, html_of, location, new_client, select_text, spawn_app};

const NEW: &str = "a brand new passphrase";

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let laptop = new_client();
    app.login_with(&laptop, "ada@example.com", PASSWORD).await;
    app.login("ada@example.com", PASSWORD).await;

    let response = app
        .change_password_with(&app.client, PASSWORD, NEW, NEW)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    assert_eq!(
        app.get_with(&laptop, "/").await.status(),
        StatusCode::SEE_OTHER
    );

    assert_eq!(
        app.login_status("ada@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login_status("ada@example.com", NEW).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_reshows_the_form() {
    let app = spawn_app().await;
    app.sign_in("ada@example.com", Role::Viewer).await;
    let response = app
        .change_password_with(&app.client, "wrong", "short", "other")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let errors = select_text(&html_of(response).await, ".flash-error li");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("current password is not correct"));
    // Nothing changed.
    assert_eq!(
        app.login_status("ada@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session() {
    let app = spawn_app().await;
    app.create_user("ada@example.com", Role::Viewer).await;
    let phone = new_client();
    app.login_with(&phone, "ada@example.com", PASSWORD).await;
    app.login("ada@example.com", PASSWORD).await;
    let response = app.post_form("/account/logout-everywhere", &[]).await;
    assert_eq!(location(&response), "/login?notice=signed_out_everywhere");
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with(&phone, "/").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_form_that_is_not_url_encoded_is_a_400_not_a_500() {
    let app = spawn_app().await;
    app.sign_in("ada@example.com", Role::Viewer).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let response = app
        .client
        .post(app.url("/account/password"))
        .header("X-CSRF-Token", token)
        .header("Content-Type", "application/json")
        .body(r#"{"current_password": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
