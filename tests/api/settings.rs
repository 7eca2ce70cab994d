//! The Settings page: admins only, validated field by field, audit-logged, and read by the
//! jobs at each use.

use allegro_backup::{
    db::models::{
        audit::{AuditAction, AuditEntry, AuditFilter},
        settings::SettingsRow,
    },
    domain::Role,
    settings,
    settings::HistoryStart,
};
use chrono::NaiveDate;
use reqwest::StatusCode;

use crate::helpers::{TestApp, html_of, location, select_attr, select_text, spawn_app};

const VALID: [(&str, &str); 7] = [
    ("sync_interval_minutes", "15"),
    ("reconcile_window_days", "45"),
    ("reconcile_hour", "2"),
    ("history_months", "10"),
    ("history_start", ""),
    ("run_retention_days", "30"),
    ("stale_after_hours", "12"),
];

/// The form with `changes` applied to the valid values.
fn form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    VALID
        .iter()
        .map(|&(name, value)| {
            let changed = changes.iter().find(|(n, _)| *n == name);
            (name, changed.map_or(value, |c| c.1))
        })
        .collect()
}

pub(crate) async fn admin_app() -> TestApp {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    app
}

fn input_value(html: &scraper::Html, name: &str) -> Option<String> {
    select_attr(html, &format!("input[name={name}]"), "value")
}

#[tokio::test]
async fn the_page_shows_the_environment_defaults_until_an_admin_saves() {
    let app = admin_app().await;
    let (status, html) = app.get_html("/settings").await;
    assert_eq!(status, StatusCode::OK);
    // The test server's environment turns the schedule off; the rest are built-in defaults.
    assert_eq!(
        input_value(&html, "sync_interval_minutes").as_deref(),
        Some("0")
    );
    assert_eq!(
        input_value(&html, "stale_after_hours").as_deref(),
        Some("6")
    );
    assert_eq!(input_value(&html, "history_months").as_deref(), Some("12"));
    assert_eq!(select_text(&html, "nav a[href='/settings']"), ["Settings"]);
}

#[tokio::test]
async fn an_admin_saves_the_settings_the_jobs_read_them_and_the_audit_log_says_what_changed() {
    let app = admin_app().await;
    let response = app.post_form("/settings", &form(&[])).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/settings");

    let (_, html) = app.get_html("/settings").await;
    assert_eq!(
        input_value(&html, "sync_interval_minutes").as_deref(),
        Some("15")
    );
    assert_eq!(input_value(&html, "reconcile_hour").as_deref(), Some("2"));
    assert!(select_text(&html, ".flash-success")[0].contains("Settings saved"));

    let in_force = settings::current(&app.state.pool, &app.state.config.sync)
        .await
        .unwrap();
    assert_eq!(in_force.sync_interval_minutes, 15);
    assert_eq!(in_force.reconcile_window_days, 45);
    assert_eq!(in_force.history, HistoryStart::MonthsBack(10));
    assert_eq!(in_force.run_retention_days, 30);
    assert_eq!(in_force.stale_after_hours, 12);

    let (_, audit) = app.get_html("/audit?action=settings_changed").await;
    assert_eq!(
        select_text(&audit, "#audit-results td .badge"),
        ["Settings changed"]
    );
    let mut conn = app.db.connect();
    let entries = AuditEntry::page(
        &mut conn,
        &AuditFilter {
            action: Some(AuditAction::SettingsChanged),
            ..AuditFilter::default()
        },
        10,
    )
    .unwrap();
    let changes = &entries[0].details["changes"];
    assert_eq!(
        changes["sync_interval_minutes"],
        serde_json::json!(["0", "15"])
    );
    assert_eq!(changes["reconcile_hour"], serde_json::json!(["3", "2"]));
    // Only what changed is listed.
    assert!(changes.get("history_start").is_none(), "{changes}");
    assert_eq!(entries[0].actor_email.as_deref(), Some("root@example.com"));
}

#[tokio::test]
async fn bad_values_are_refused_with_a_400_and_a_message_beside_each_field() {
    let app = admin_app().await;
    let bad = form(&[
        ("reconcile_hour", "25"),
        ("stale_after_hours", "2000"),
        ("history_start", "2999-01-01"),
    ]);
    let response = app.post_form("/settings", &bad).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = html_of(response).await;
    assert!(select_text(&html, "#field-reconcile_hour .field-error")[0].contains("from 0 to 23"));
    assert!(select_text(&html, "#field-stale_after_hours .field-error")[0].contains("720"));
    assert!(select_text(&html, "#field-history_start .field-error")[0].contains("past"));
    assert!(select_text(&html, "#field-sync_interval_minutes .field-error").is_empty());
    // What was typed is shown again, and nothing was saved.
    assert_eq!(input_value(&html, "reconcile_hour").as_deref(), Some("25"));
    let mut conn = app.db.connect();
    assert!(SettingsRow::find(&mut conn).unwrap().is_none());
}

#[tokio::test]
async fn the_boosted_htmx_form_gets_the_inline_errors_not_a_toast() {
    let app = admin_app().await;
    let token = app.csrf_token_with(&app.client, "/settings").await;
    let response = app
        .client
        .post(app.url("/settings"))
        .header("HX-Request", "true")
        .header("HX-Boosted", "true")
        .header("X-CSRF-Token", &token)
        .form(&form(&[("sync_interval_minutes", "-1")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("HX-Retarget").is_none());
    let html = html_of(response).await;
    assert!(
        select_text(&html, "#field-sync_interval_minutes .field-error")[0]
            .contains("from 0 to 1440")
    );
}

#[tokio::test]
async fn operators_and_viewers_can_neither_see_nor_change_the_settings() {
    let app = spawn_app().await;
    for (_, client) in app.non_admin_clients().await {
        assert_eq!(
            app.get_with(&client, "/settings").await.status(),
            StatusCode::FORBIDDEN
        );
        let response = app.post_form_with(&client, "/settings", &form(&[])).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let home = html_of(app.get_with(&client, "/").await).await;
        assert!(select_text(&home, "nav a[href='/settings']").is_empty());
    }
    let mut conn = app.db.connect();
    assert!(SettingsRow::find(&mut conn).unwrap().is_none());
}

#[tokio::test]
async fn a_saved_history_start_reaches_the_options_of_the_next_sync() {
    let app = admin_app().await;
    let response = app
        .post_form("/settings", &form(&[("history_start", "2025-02-03")]))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let options = app.state.sync_options().await.unwrap();
    let reaches_back_to = (chrono::Utc::now() - options.history).date_naive();
    assert_eq!(
        reaches_back_to,
        NaiveDate::from_ymd_opt(2025, 2, 3).unwrap()
    );
    let (_, html) = app.get_html("/settings").await;
    assert_eq!(
        input_value(&html, "history_start").as_deref(),
        Some("2025-02-03")
    );
}
