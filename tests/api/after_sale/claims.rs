//! The claims step of a backup: every claim once, linked to its order, each status it moved
//! through kept as a version; a pass failing after a page resumes; the order page's part.

use allegro_backup::db::models::{
    listing::{ListingKey, ListingState},
    sync::RunTrigger,
};
use chrono::Utc;

use super::CLAIMS;
use crate::helpers::{
    backup::sync_once,
    seed::{count, text},
    select_text,
    versioned::{Seen, spawn_app_with_returns},
};

#[tokio::test]
async fn a_backup_keeps_every_claim_once_linked_to_its_order_with_each_version() {
    let app = spawn_app_with_returns(1_000, 5, Utc::now()).await;
    let account = app.link_account(0).await;
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let at_first = CLAIMS.truth(&app);
    assert!(at_first.len() >= 10, "{} claims", at_first.len());
    CLAIMS.assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.refund_claims_changed, at_first.len() as i64);
    let state =
        ListingState::get_or_create(&mut app.db.connect(), account, &ListingKey::RefundClaims)
            .unwrap();
    assert!(state.first_pass_completed_at.is_some() && state.listing().is_none());

    // Each claim is linked to the order that holds its line item.
    let mut conn = app.db.connect();
    let unlinked = count(
        &mut conn,
        "SELECT count(*) AS n FROM refund_claims c WHERE checkout_form_id IS NULL \
            OR NOT EXISTS (SELECT 1 FROM orders o JOIN order_line_items li ON li.order_id = o.id \
                           WHERE o.checkout_form_id = c.checkout_form_id \
                             AND li.line_item_id = c.line_item_id)",
    );
    assert_eq!(unlinked, 0, "every claim names the order of its line item");

    // Weeks on, the claims are decided (some appealed): each status met is a version.
    let mut seen = Seen::default();
    seen.remember(&at_first);
    let world = app.simulator.world();
    for _ in 0..3 {
        world.advance(chrono::Duration::days(10));
        sync_once(&app, account, RunTrigger::Cli).await;
        seen.remember(&CLAIMS.truth(&app));
        CLAIMS.assert_stored_equals_truth(&app, account);
    }
    assert!(seen.moved() > 0, "some claims moved on");
    CLAIMS.assert_versions_kept(&app, &seen);
    let kept = CLAIMS.versions(&app);
    CLAIMS.assert_no_duplicates(&mut conn);
    let decided = CLAIMS
        .truth(&app)
        .values()
        .filter(|c| {
            ["GRANTED", "REJECTED", "REJECTED_AFTER_APPEAL"]
                .contains(&c["status"].as_str().unwrap_or(""))
        })
        .count();
    assert!(decided > 0, "claims were decided");

    // Nothing changed since: a run stores no new version.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.refund_claims_changed, 0);
    assert_eq!(CLAIMS.versions(&app), kept);

    // The order page shows the claim with its status in the reader's language.
    let (id, claim) = CLAIMS.truth(&app).into_iter().next().unwrap();
    let order = text(
        &mut conn,
        &format!("SELECT checkout_form_id AS t FROM refund_claims WHERE claim_id = '{id}'"),
    );
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    for (lang, heading) in [
        ("pl", "Wnioski o rabat transakcyjny"),
        ("en", "Commission refund claims"),
    ] {
        let (status, page) = app
            .get_html_in(&app.client, &format!("/orders/{order}"), lang)
            .await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert_eq!(select_text(&page, "#claims-h"), [heading]);
        let shown = select_text(&page, &format!("#claim-{id} .od-claim-status")).join("");
        assert!(
            !shown.is_empty() && shown != claim["status"].as_str().unwrap(),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn a_claims_pass_failing_after_a_page_resumes_and_loses_and_duplicates_nothing() {
    let app = spawn_app_with_returns(6_000, 5, Utc::now()).await;
    let account = app.link_account(0).await;
    let listed = CLAIMS.ids_served(&app);
    assert!(
        listed.len() > 100,
        "{} claims: more than a page",
        listed.len()
    );
    let held = CLAIMS.fail_after_a_page(&app, account).await;
    CLAIMS.assert_whole_pages(&held, listed.len(), 100);
    let state =
        ListingState::get_or_create(&mut app.db.connect(), account, &ListingKey::RefundClaims)
            .unwrap();
    let listing = state.listing().expect("the pass is in progress");
    assert_eq!(
        listing.offset as usize,
        held.len(),
        "the checkpoint is the last stored page"
    );
    CLAIMS
        .assert_resumes(&app, account, &held, |c| c.refund_claims_changed)
        .await;
}
