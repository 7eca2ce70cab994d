//! The coverage grid: a day whose orders went missing is found and healed by a reconcile run,
//! and the page shows every day's state to every role.

use allegro_backup::domain::AccountId;
use allegro_backup::{
    db::models::coverage::{CoverageDay, DayCount},
    domain::Role,
    sync::{
        SyncMode,
        coverage::{day_window, warsaw_day},
    },
};
use chrono::{Duration, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::StatusCode;

use crate::{
    helpers::{
        backup::{stored, truth},
        html_of, select_attr, select_text, spawn_app,
    },
    reconcile::{
        app_with_orders_until_now, bought_at, old_order, run_notes, store_ghost, sync,
        sync_with_window,
    },
};

fn coverage_row(app: &crate::helpers::TestApp, account: AccountId, on: NaiveDate) -> (i64, i64) {
    use allegro_backup::db::schema::coverage_days::dsl::*;
    let mut conn = app.db.connect();
    coverage_days
        .filter(account_id.eq(account))
        .filter(day.eq(on))
        .select((allegro_count, held_count))
        .first(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_day_whose_orders_were_deleted_is_found_mismatched_and_healed_by_the_run() {
    let app = app_with_orders_until_now(600).await;
    let account = app.link_account(0).await;
    sync(&app, account, SyncMode::Auto).await;
    // A day long before the 30 days a reconcile lists anyway: only the grid can find it.
    let bought: chrono::DateTime<Utc> = app
        .simulator
        .world()
        .orders(0)
        .iter()
        .map(|o| {
            o["lineItems"][0]["boughtAt"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .find(|t| *t < Utc::now() - Duration::days(100))
        .unwrap();
    let lost_day = warsaw_day(bought);
    let window = day_window(lost_day);
    let deleted = {
        use allegro_backup::db::schema::orders::dsl::*;
        let mut conn = app.db.connect();
        diesel::delete(
            orders
                .filter(account_id.eq(account))
                .filter(bought_at.ge(window.start))
                .filter(bought_at.le(window.end)),
        )
        .execute(&mut conn)
        .unwrap()
    };
    assert!(deleted >= 1);

    // Windows of 3 days make listing the span of the older open orders dearer than fetching
    // each of them, so the reconcile fetches them by id and only the grid finds the day.
    let summary = sync_with_window(&app, account, SyncMode::Reconcile, Duration::days(3)).await;
    let notes = run_notes(&app, summary.run_id);
    assert!(notes.contains("re-fetched"), "{notes}");
    assert!(
        notes.contains(", 1 mismatched and re-listed, 0 still mismatched"),
        "{notes}"
    );
    assert_eq!(summary.counters.orders_created, deleted as i64);
    let (allegro, held) = coverage_row(&app, account, lost_day);
    assert_eq!((allegro, held), (deleted as i64, deleted as i64));
    assert_eq!(stored(&app, account), truth(&app));

    let page = app
        .html_as_viewer(&format!("/accounts/{account}/coverage"))
        .await;
    let cell = format!(r#"td[data-day="{lost_day}"]"#);
    assert_eq!(
        select_attr(&page, &cell, "class").as_deref(),
        Some("cov-day cov-match")
    );
    assert_eq!(select_text(&page, "#days-mismatched"), ["0"]);
}

#[tokio::test]
async fn an_order_allegro_no_longer_serves_is_marked_gone_and_its_day_matches_again() {
    let app = app_with_orders_until_now(300).await;
    let account = app.link_account(0).await;
    sync(&app, account, SyncMode::Auto).await;
    // A form we hold but Allegro does not know, long finished (sent), so that no re-reading
    // of open orders sees it: only the grid can.
    let old = old_order(&app, |o| {
        o["lineItems"].as_array().unwrap().len() == 1 && o["fulfillment"]["status"] == "SENT"
    })
    .unwrap();
    let bought = bought_at(&old);
    let ghost_id = store_ghost(&app, account, old);
    let mut conn = app.db.connect();

    let summary = sync(&app, account, SyncMode::Reconcile).await;
    let notes = run_notes(&app, summary.run_id);
    assert!(
        notes.contains(", 1 mismatched and re-listed, 0 still mismatched"),
        "{notes}"
    );
    let (allegro, held) = coverage_row(&app, account, warsaw_day(bought));
    assert_eq!(allegro, held);
    let gone = allegro_backup::db::models::order::find(&mut conn, account, &ghost_id)
        .unwrap()
        .unwrap();
    assert!(gone.gone_from_allegro_at.is_some(), "kept and marked gone");
}

/// Records a matching today and a mismatched yesterday for `account`.
fn record_two_days(app: &crate::helpers::TestApp, account: AccountId) -> (NaiveDate, NaiveDate) {
    let today = warsaw_day(Utc::now());
    let yesterday = today.pred_opt().unwrap();
    let mut conn = app.db.connect();
    CoverageDay::record(
        &mut conn,
        account,
        &[
            DayCount {
                day: today,
                allegro_count: 4,
                held_count: 4,
            },
            DayCount {
                day: yesterday,
                allegro_count: 5,
                held_count: 3,
            },
        ],
    )
    .unwrap();
    (today, yesterday)
}

#[tokio::test]
async fn the_coverage_page_shows_each_day_to_every_role() {
    let app = spawn_app().await;
    let account = app.link_account(0).await;
    let (today, yesterday) = record_two_days(&app, account);
    for (email, role) in [
        ("viewer@example.com", Role::Viewer),
        ("operator@example.com", Role::Operator),
        ("admin@example.com", Role::Admin),
    ] {
        let client = app.signed_in_client(email, role).await;
        let response = app
            .get_with(&client, &format!("/accounts/{account}/coverage"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{role:?}");
        let page = html_of(response).await;
        let today_cell = format!(r#"td.cov-match[data-day="{today}"]"#);
        let bad_cell = format!(r#"td.cov-mismatch[data-day="{yesterday}"]"#);
        assert!(select_attr(&page, &today_cell, "title").is_some());
        let title = select_attr(&page, &bad_cell, "title").unwrap();
        assert!(
            title.starts_with(&format!("{yesterday}: Allegro 5, backed up 3 (verified ")),
            "{title}"
        );
        // The rest of the history has not been verified yet.
        assert!(select_attr(&page, "td.cov-unverified", "data-day").is_some());
        assert_eq!(select_text(&page, "#days-verified"), ["2"]);
        assert_eq!(select_text(&page, "#days-mismatched"), ["1"]);
        assert_eq!(
            select_text(&page, "#mismatches tbody td:first-child"),
            [yesterday.to_string()]
        );
        let can_reconcile = select_attr(&page, r#"input[name="reconcile"]"#, "value").is_some();
        assert_eq!(can_reconcile, role != Role::Viewer, "{role:?}");
    }
}

#[tokio::test]
async fn the_coverage_page_of_an_unknown_account_is_not_found() {
    let app = spawn_app().await;
    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    let response = app.get_with(&viewer, "/accounts/999999/coverage").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_accounts_page_links_each_account_to_its_coverage() {
    let app = spawn_app().await;
    let account = app.link_account(0).await;
    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    let page = html_of(app.get_with(&viewer, "/accounts").await).await;
    assert_eq!(
        select_attr(&page, "a.coverage-link", "href"),
        Some(format!("/accounts/{account}/coverage"))
    );
}
