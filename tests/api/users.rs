use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, html_of, location, new_client, select_text, spawn_app};

#[tokio::test]
async fn an_admin_creates_a_user_who_must_choose_a_password_at_first_sign_in() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;

    let response = app
        .post_form(
            "/users",
            &[
                ("email", "Olek@Example.com"),
                ("name", "Olek Operator"),
                ("role", "operator"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = html_of(response).await;
    let temporary = select_text(&html, "#temp-password")
        .pop()
        .expect("temporary password shown");
    assert!(select_text(&html, "#users-rows td").contains(&"olek@example.com".to_owned()));

    let olek = new_client();
    let response = app.login_with(&olek, "olek@example.com", &temporary).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Every page leads to the password form until a new password is chosen.
    let response = app.get_with(&olek, "/").await;
    assert_eq!(location(&response), "/account/password");
    let response = app
        .change_password_with(
            &olek,
            &temporary,
            "olek's own long password",
            "olek's own long password",
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, html) = {
        let r = app.get_with(&olek, "/").await;
        (r.status(), html_of(r).await)
    };
    assert_eq!(status, StatusCode::OK);
    assert!(select_text(&html, ".badge").contains(&"Operator".to_owned()));
}

#[tokio::test]
async fn invalid_new_user_input_reshows_the_form_with_400() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    let response = app
        .post_form(
            "/users",
            &[("email", "nope"), ("name", ""), ("role", "superuser")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = html_of(response).await;
    let errors = select_text(&html, "#add-user .flash-error li");
    assert!(
        errors.iter().any(|e| e.contains("not a valid email")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("Choose a role")),
        "{errors:?}"
    );
    assert_eq!(
        crate::helpers::select_attr(&html, r#"#add-user input[name="email"]"#, "value").as_deref(),
        Some("nope")
    );
}

#[tokio::test]
async fn a_duplicate_email_is_refused_whatever_its_case() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    app.create_user("ada@example.com", Role::Viewer).await;
    app.login("root@example.com", PASSWORD).await;
    let response = app
        .post_form(
            "/users",
            &[("email", "ADA@example.com"), ("role", "viewer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let errors = select_text(&html_of(response).await, "#add-user .flash-error li");
    assert_eq!(
        errors,
        vec!["A user with this email already exists.".to_owned()]
    );
}

#[tokio::test]
async fn an_admin_changes_roles_but_never_removes_the_last_admin() {
    let app = spawn_app().await;
    let root = app.create_user("root@example.com", Role::Admin).await;
    let ada = app.create_user("ada@example.com", Role::Viewer).await;
    app.login("root@example.com", PASSWORD).await;

    let response = app
        .post_form(&format!("/users/{ada}/role"), &[("role", "admin")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .post_form(&format!("/users/{ada}/role"), &[("role", "viewer")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // root is now the only admin: demoting or disabling them is refused.
    let response = app
        .post_form(&format!("/users/{root}/role"), &[("role", "viewer")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/users").await.status(), StatusCode::OK);

    let response = app
        .post_form(&format!("/users/{ada}/role"), &[("role", "owner")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_admin_cannot_disable_themselves() {
    let app = spawn_app().await;
    let root = app.create_user("root@example.com", Role::Admin).await;
    app.create_user("other@example.com", Role::Admin).await;
    app.login("root@example.com", PASSWORD).await;
    let response = app.post_form(&format!("/users/{root}/disable"), &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_disabled_user_can_be_enabled_again() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    let ada = app.create_user("ada@example.com", Role::Viewer).await;
    app.login("root@example.com", PASSWORD).await;
    app.post_form(&format!("/users/{ada}/disable"), &[]).await;
    assert_eq!(
        app.login_status("ada@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let response = app.post_form(&format!("/users/{ada}/enable"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.login_status("ada@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_password_reset_signs_the_user_out_and_issues_a_temporary_password() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    let ada_id = app.create_user("ada@example.com", Role::Viewer).await;
    let ada = new_client();
    app.login_with(&ada, "ada@example.com", PASSWORD).await;
    app.login("root@example.com", PASSWORD).await;

    let response = app
        .post_form(&format!("/users/{ada_id}/reset-password"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let temporary = select_text(&html_of(response).await, "#temp-password")
        .pop()
        .expect("shown once");

    assert_eq!(
        app.get_with(&ada, "/").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.login_status("ada@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let fresh = new_client();
    app.login_with(&fresh, "ada@example.com", &temporary).await;
    assert_eq!(
        location(&app.get_with(&fresh, "/").await),
        "/account/password"
    );
}

#[tokio::test]
async fn an_unknown_user_id_is_a_404() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    assert_eq!(
        app.post_form("/users/424242/disable", &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form("/users/not-a-number/disable", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
