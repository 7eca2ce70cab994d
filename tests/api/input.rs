//! Bad input never reaches PostgreSQL or a 500: control characters in any parameter (query,
//! form, path) are refused once, where the request enters, with a 400 that names the field.

use allegro_backup::db::models::audit::{Actor, AuditAction, AuditEntry};
use reqwest::StatusCode;
use scraper::Html;
use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        seed::{Seed, insert_account_with_orders},
        select_text, spawn_app,
    },
    settings::admin_app,
};

/// The error page's message.
async fn message_of(response: reqwest::Response) -> String {
    let html = Html::parse_document(&response.text().await.unwrap());
    select_text(&html, "main").join(" ")
}

fn audit_rows(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM audit_log")
}

#[tokio::test]
async fn a_nul_in_a_query_parameter_is_a_400_naming_the_field() {
    let app = admin_app().await;
    for path in [
        "/orders?account=%00",
        "/orders?q=buyer%00",
        "/sync?account=%01",
        "/audit?actor=x%1B",
        "/?days=7%00",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let message = message_of(response).await;
        let field = path.split(['?', '=']).nth(1).unwrap();
        assert!(
            message.contains(&format!("{field}: control characters")),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn a_bad_export_parameter_is_a_400_page_before_streaming_and_nothing_is_audited() {
    let app = admin_app().await;
    let before = audit_rows(&app);
    let response = app.get("/orders/export?format=csv&account=%00").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(message_of(response).await.contains("account:"));
    assert_eq!(audit_rows(&app), before);
}

#[tokio::test]
async fn a_control_character_in_a_path_segment_is_a_400_never_a_500() {
    let app = admin_app().await;
    for path in ["/orders/%00", "/orders/a%00b/diff", "/views/1%00/delete"] {
        let status = if path.ends_with("delete") {
            app.post_form(path, &[]).await.status()
        } else {
            app.get(path).await.status()
        };
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
}

#[tokio::test]
async fn a_note_may_span_lines_but_holds_no_other_control_character() {
    let app = admin_app().await;
    insert_account_with_orders(
        &mut app.db.connect(),
        "sklep_a",
        &[Seed {
            id: "a-1",
            ..Seed::default()
        }],
    );
    let refused = app
        .post_form("/orders/a-1/notes", &[("body", "a\0b")])
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        message_of(refused)
            .await
            .contains("body: control characters")
    );
    let refused = app.post_form("/orders/a-1/tags", &[("tag", "a\tb")]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let added = app
        .post_form(
            "/orders/a-1/notes",
            &[("body", "first line\r\n\tsecond line")],
        )
        .await;
    assert!(added.status().is_redirection(), "{}", added.status());
    let page = app.get("/orders/a-1").await.text().await.unwrap();
    assert!(page.contains("second line"));
}

#[tokio::test]
async fn htmx_requests_get_the_refusal_as_a_toast() {
    let app = admin_app().await;
    let response = app.htmx_get_with(&app.client, "/orders?q=%00").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["hx-retarget"], "#toasts");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("q: control characters")
    );
}

#[tokio::test]
async fn the_audit_log_stores_typed_text_without_its_control_characters() {
    let app = spawn_app().await;
    let actor = Actor {
        user_id: None,
        email: Some("a\0b@example.com".to_owned()),
        ip: Some("127.0.0.1".to_owned()),
    };
    AuditEntry::record(
        &mut app.db.connect(),
        &actor,
        AuditAction::OrdersExported,
        Some("csv\0"),
        json!({"filters": {"q\0": "x\0y\u{1b}", "note": "two\nlines"}}),
    )
    .expect("the entry is written");
    let entry = &AuditEntry::page(&mut app.db.connect(), &Default::default(), 1).unwrap()[0];
    assert_eq!(entry.actor_email.as_deref(), Some("ab@example.com"));
    assert_eq!(entry.target.as_deref(), Some("csv"));
    assert_eq!(
        entry.details,
        json!({"filters": {"q": "xy", "note": "two\nlines"}})
    );
}
