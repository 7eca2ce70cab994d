//! Admins set what a user sees of the orders: some accounts only, personal data hidden.

use allegro_backup::domain::{AccountId, UserId};
use allegro_backup::{
    db::models::user::UserRow,
    domain::Role,
    orders::{AccountScope, Viewer},
    simulator::SimulatorConfig,
};
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, html_of, location, select_text, spawn_app_with_simulator};

async fn viewer_of(app: &TestApp, id: UserId, role: Role) -> Viewer {
    let mut conn = app.db.connect();
    let user = UserRow::find(&mut conn, id)
        .expect("query")
        .expect("the user");
    assert_eq!(user.role(), role);
    user.viewer(&mut conn).expect("viewer")
}

async fn admin_with_two_accounts() -> (TestApp, AccountId, AccountId) {
    let simulator = SimulatorConfig {
        sellers: 2,
        auto_approve: false,
        ..SimulatorConfig::for_tests(5)
    };
    let app = spawn_app_with_simulator(simulator, |_| {}).await;
    app.create_user("root@example.com", Role::Admin).await;
    let first = app.link_account(0).await;
    let second = app.link_account(1).await;
    app.login("root@example.com", PASSWORD).await;
    (app, first, second)
}

#[tokio::test]
async fn an_admin_limits_a_user_to_one_account_with_personal_data_hidden() {
    let (app, first, second) = admin_with_two_accounts().await;
    let viewer = app.create_user("ola@example.com", Role::Viewer).await;
    assert_eq!(
        viewer_of(&app, viewer, Role::Viewer).await.scope,
        AccountScope::All
    );

    let (status, html) = app.get_html(&format!("/users/{viewer}/access")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select_text(&html, ".access-accounts label").len(), 2);

    let first_id = first.to_string();
    let response = app
        .post_form(
            &format!("/users/{viewer}/access"),
            &[
                ("scope", "some"),
                ("account", &first_id),
                ("hide_personal_data", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/users");
    let seen = viewer_of(&app, viewer, Role::Viewer).await;
    assert_eq!(seen.scope, AccountScope::Only(vec![first]));
    assert!(seen.hide_personal_data);
    assert!(!seen.scope.allows(second));

    let (_, users) = app.get_html("/users").await;
    assert!(
        select_text(&users, "#users-rows td")
            .iter()
            .any(|t| t.starts_with("Selected accounts, personal data hidden"))
    );
    let (_, audit) = app.get_html("/audit?action=user_access_changed").await;
    assert!(
        select_text(&audit, "td")
            .iter()
            .any(|t| t.contains("ola@example.com"))
    );

    // Back to everything.
    app.post_form(&format!("/users/{viewer}/access"), &[("scope", "all")])
        .await;
    let seen = viewer_of(&app, viewer, Role::Viewer).await;
    assert_eq!(seen.scope, AccountScope::All);
    assert!(!seen.hide_personal_data);
}

#[tokio::test]
async fn admins_always_see_everything() {
    let (app, first, _) = admin_with_two_accounts().await;
    let other_admin = app.create_user("boss@example.com", Role::Admin).await;
    let first_id = first.to_string();
    app.post_form(
        &format!("/users/{other_admin}/access"),
        &[
            ("scope", "some"),
            ("account", &first_id),
            ("hide_personal_data", "on"),
        ],
    )
    .await;
    let seen = viewer_of(&app, other_admin, Role::Admin).await;
    assert_eq!(seen.scope, AccountScope::All);
    assert!(!seen.hide_personal_data);
}

#[tokio::test]
async fn bad_access_forms_are_refused_and_only_admins_may_change_access() {
    let (app, _, _) = admin_with_two_accounts().await;
    let viewer = app.create_user("ola@example.com", Role::Viewer).await;
    let path = format!("/users/{viewer}/access");
    for fields in [
        vec![("scope", "some"), ("account", "999999")],
        vec![("scope", "some"), ("account", "1 OR 1=1")],
        vec![("scope", "everyone")],
    ] {
        let response = app.post_form(&path, &fields).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{fields:?}");
    }
    let response = app.post_form_without_csrf(&path, &[("scope", "all")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, _) = app.get_html("/users/424242/access").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let operator = app.signed_in_client("op@example.com", Role::Operator).await;
    let response = app.get_with(&operator, &path).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = html_of(response).await;
    assert!(!select_text(&html, "h1").is_empty());
}
