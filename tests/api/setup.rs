use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{html_of, location, select_text, spawn_app};

#[tokio::test]
async fn setup_without_or_with_a_wrong_token_does_not_exist() {
    let app = spawn_app().await;
    assert!(app.setup_link.is_some());
    assert_eq!(app.get("/setup").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/setup?token=guess").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once_and_signs_them_in() {
    let app = spawn_app().await;
    let token = app.setup_token();
    let page = app.get(&format!("/setup?token={token}")).await;
    assert_eq!(page.status(), StatusCode::OK);

    let fields = [
        ("token", token.as_str()),
        ("name", "Anna Admin"),
        ("email", "Anna@Example.com"),
        ("password", "a long enough password"),
        ("password_confirm", "a long enough password"),
    ];
    let response = app.post_form("/setup", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");

    let (status, html) = app.get_html("/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(select_text(&html, ".who-name").contains(&"Anna Admin".to_owned()));
    assert!(select_text(&html, ".badge").contains(&"Admin".to_owned()));

    // Single use: the same link is gone, for GET and POST alike.
    assert_eq!(
        app.get(&format!("/setup?token={token}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form("/setup", &fields).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invalid_setup_input_reshows_the_form_with_messages() {
    let app = spawn_app().await;
    let token = app.setup_token();
    let response = app
        .post_form(
            "/setup",
            &[
                ("token", &token),
                ("name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = html_of(response).await;
    let errors = select_text(&html, ".flash-error li");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("not a valid email")));
    assert!(
        crate::helpers::select_attr(&html, r#"input[name="email"]"#, "value")
            == Some("not-an-email".to_owned())
    );
}

#[tokio::test]
async fn no_setup_link_is_issued_once_users_exist() {
    let app = spawn_app().await;
    let token = app.setup_token();
    app.create_user("someone@example.com", Role::Admin).await;
    assert_eq!(
        app.get(&format!("/setup?token={token}")).await.status(),
        StatusCode::NOT_FOUND
    );
}
