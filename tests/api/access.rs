//! Which role may use which route: one table, checked for every role.

use allegro_backup::domain::{
    Role,
    Role::{Admin, Operator, Viewer},
};
use reqwest::{Method, StatusCode};

use crate::helpers::{TestApp, location, new_client, spawn_app};

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
enum Access {
    Public,
    Signed(Role),
}

use Access::{Public, Signed};

/// Every route of this release (POSTs aim at a user id that does not exist, so an allowed
/// request changes nothing). `/logout` and `/setup` are covered in their own tests.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/health", Public),
    ("GET", "/ready", Public),
    ("GET", "/login", Public),
    ("GET", "/", Signed(Viewer)),
    ("GET", "/orders", Signed(Viewer)),
    ("GET", "/accounts", Signed(Viewer)),
    ("GET", "/sync", Signed(Viewer)),
    ("GET", "/account/password", Signed(Viewer)),
    ("POST", "/account/password", Signed(Viewer)),
    ("GET", "/users", Signed(Admin)),
    ("POST", "/users", Signed(Admin)),
    ("POST", "/users/999999/role", Signed(Admin)),
    ("POST", "/users/999999/disable", Signed(Admin)),
    ("POST", "/users/999999/enable", Signed(Admin)),
    ("POST", "/users/999999/reset-password", Signed(Admin)),
    ("GET", "/audit", Signed(Admin)),
    ("GET", "/system", Signed(Admin)),
    ("GET", "/webhooks", Signed(Admin)),
    ("POST", "/webhooks", Signed(Admin)),
    ("GET", "/webhooks/999999", Signed(Admin)),
    ("POST", "/webhooks/999999/remove", Signed(Admin)),
    ("POST", "/webhooks/999999/enable", Signed(Admin)),
    ("POST", "/webhooks/999999/test", Signed(Admin)),
    (
        "POST",
        "/webhooks/999999/deliveries/1/resend",
        Signed(Admin),
    ),
    ("POST", "/accounts/999999/refresh", Signed(Operator)),
    ("POST", "/accounts/999999/validate", Signed(Operator)),
    ("POST", "/accounts/999999/disconnect", Signed(Operator)),
    ("POST", "/accounts/999999/delete", Signed(Operator)),
    ("GET", "/accounts/connect/999999", Signed(Operator)),
    ("GET", "/accounts/connect/999999/status", Signed(Operator)),
    // Last: it ends the session.
    ("POST", "/account/logout-everywhere", Signed(Viewer)),
];

async fn request(
    app: &TestApp,
    client: &reqwest::Client,
    method: &str,
    path: &str,
) -> reqwest::Response {
    let method: Method = method.parse().unwrap();
    if method == Method::GET {
        return app.get_with(client, path).await;
    }
    app.post_form_with(client, path, &[("role", "viewer")])
        .await
}

async fn check_routes_as(app: &TestApp, client: &reqwest::Client, who: Option<Role>) {
    for (method, path, access) in ROUTES {
        let response = request(app, client, method, path).await;
        let status = response.status();
        // A login redirect is `/login` or `/login?next=…` (not the notice after signing out).
        let target = location(&response);
        let sent_to_login = status == StatusCode::SEE_OTHER
            && (target == "/login" || target.starts_with("/login?next="));
        match (access, who) {
            (Public, None) => {
                assert!(status.is_success(), "anonymous {method} {path}: {status}")
            }
            // Signed-in users are sent on from /login; nothing public is refused.
            (Public, Some(_)) => assert!(
                status.is_success() || status == StatusCode::SEE_OTHER,
                "{who:?} {method} {path}: {status}"
            ),
            (Signed(_), None) => {
                assert!(sent_to_login, "anonymous {method} {path}: {status}")
            }
            (Signed(required), Some(role)) if role.includes(*required) => {
                assert!(
                    !sent_to_login && status != StatusCode::FORBIDDEN && !status.is_server_error(),
                    "{role:?} should reach {method} {path}: {status}"
                );
            }
            (Signed(_), Some(role)) => {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role:?} must not reach {method} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn each_role_reaches_exactly_the_routes_it_may() {
    let app = spawn_app().await;
    check_routes_as(&app, &new_client(), None).await;
    for (email, role) in [
        ("viewer@example.com", Role::Viewer),
        ("operator@example.com", Role::Operator),
        ("admin@example.com", Role::Admin),
    ] {
        let client = app.signed_in_client(email, role).await;
        check_routes_as(&app, &client, Some(role)).await;
    }
}

#[tokio::test]
async fn navigation_shows_admin_links_to_admins_only() {
    let app = spawn_app().await;
    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    let admin = app.signed_in_client("admin@example.com", Role::Admin).await;
    let links = |html: &str, css: &str| {
        let html = scraper::Html::parse_document(html);
        crate::helpers::select_text(&html, css)
    };
    let viewer_page = app.get_with(&viewer, "/").await.text().await.unwrap();
    let admin_page = app.get_with(&admin, "/").await.text().await.unwrap();
    let everyone = [
        "Dashboard",
        "Orders",
        "Returns",
        "Fees",
        "Payments",
        "Accounts",
        "Sync history",
    ];
    assert_eq!(links(&viewer_page, ".mainnav > a"), everyone);
    assert_eq!(links(&admin_page, ".mainnav > a"), everyone);
    // An admin's own pages, folded into one menu so the navigation fits a laptop.
    assert!(links(&viewer_page, ".navadmin a").is_empty());
    assert_eq!(links(&admin_page, ".navadmin summary"), ["Admin"]);
    assert_eq!(
        links(&admin_page, ".navadmin a"),
        [
            "Users",
            "Tokens",
            "Webhooks",
            "Audit log",
            "Settings",
            "System"
        ]
    );
}
