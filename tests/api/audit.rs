use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, html_of, spawn_app};

fn actions(html: &scraper::Html) -> Vec<String> {
    crate::helpers::select_text(html, "#audit-results td .badge")
}

#[tokio::test]
async fn the_audit_log_records_who_did_what_from_where() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    app.login("root@example.com", "wrong").await;
    app.login("root@example.com", PASSWORD).await;
    app.post_form(
        "/users",
        &[("email", "ada@example.com"), ("role", "viewer")],
    )
    .await;

    let (status, html) = app.get_html("/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        actions(&html),
        ["User created", "Signed in", "Sign-in failed"]
    );
    let cells = crate::helpers::select_text(&html, "#audit-results tbody tr:first-child td");
    assert_eq!(cells[1], "root@example.com");
    assert_eq!(cells[3], "ada@example.com");
    assert_eq!(cells[4], "127.0.0.1");
}

#[tokio::test]
async fn the_audit_log_filters_by_action_and_answers_htmx_with_a_partial() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    app.login("root@example.com", "wrong").await;
    app.login("root@example.com", PASSWORD).await;
    let (_, html) = app.get_html("/audit?action=login_failed").await;
    assert_eq!(actions(&html), ["Sign-in failed"]);

    let response = app.htmx_get_with(&app.client, "/audit?action=login").await;
    let body = response.text().await.unwrap();
    assert!(!body.contains("<html"), "a partial, not a page");
    assert!(body.contains("Signed in"));
}

#[tokio::test]
async fn bad_audit_parameters_are_a_400() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    for query in ["action=drop_table", "before=abc", "before=-5"] {
        let response = app.get(&format!("/audit?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let html = html_of(response).await;
        assert_eq!(
            crate::helpers::select_text(&html, "h1"),
            ["Invalid request"]
        );
    }
}

#[tokio::test]
async fn user_changes_and_sign_outs_are_audited() {
    let app = spawn_app().await;
    app.create_user("root@example.com", Role::Admin).await;
    let ada = app.create_user("ada@example.com", Role::Viewer).await;
    app.login("root@example.com", PASSWORD).await;
    app.post_form(&format!("/users/{ada}/role"), &[("role", "operator")])
        .await;
    app.post_form(&format!("/users/{ada}/disable"), &[]).await;
    app.post_form(&format!("/users/{ada}/enable"), &[]).await;
    app.post_form(&format!("/users/{ada}/reset-password"), &[])
        .await;
    app.post_form("/logout", &[]).await;
    app.login("root@example.com", PASSWORD).await;

    let (_, html) = app.get_html("/audit").await;
    assert_eq!(
        actions(&html),
        [
            "Signed in",
            "Signed out",
            "Password reset",
            "User enabled",
            "User disabled",
            "Role changed",
            "Signed in"
        ]
    );
    let details = crate::helpers::select_text(&html, "#audit-results tbody tr:nth-child(6) td");
    assert_eq!(details[3], "ada@example.com");
    assert_eq!(details[5], "From Viewer to Operator.");
}
