//! Linking Allegro accounts through the dashboard, against the built-in simulator.

use allegro_backup::domain::AccountId;
use std::time::Duration;

use allegro_backup::{accounts::TokenError, db::models::account::AccountRow, domain::Role};
use reqwest::StatusCode;
use secrecy::ExposeSecret;

use crate::helpers::{TestApp, html_of, location, select_attr, select_text, spawn_app};

/// Starts a connection as the signed-in operator; returns (flow path, user code, approval link).
async fn start_connect(app: &TestApp) -> (String, String, String) {
    let response = app.post_form("/accounts/connect", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let flow = location(&response);
    assert!(flow.starts_with("/accounts/connect/"), "{flow}");
    let (status, html) = app.get_html(&flow).await;
    assert_eq!(status, StatusCode::OK);
    let code = select_text(&html, ".user-code")
        .pop()
        .expect("user code shown");
    let link = select_attr(&html, ".connect-steps a.btn-primary", "href").expect("approval link");
    assert!(html.html().contains("<svg"), "a QR code is rendered");
    (flow, code.replace(' ', "").to_lowercase(), link)
}

/// Polls the status region like htmx does until it stops polling.
async fn wait_for_outcome(app: &TestApp, flow: &str) -> scraper::Html {
    for _ in 0..60 {
        let response = app
            .htmx_get_with(&app.client, &format!("{flow}/status"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = scraper::Html::parse_fragment(&response.text().await.unwrap());
        if select_attr(&html, "#connect-status", "hx-trigger").is_none() {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the device flow did not finish");
}

/// An app whose signed-in operator has connected seller 0 through the dashboard.
async fn connected_app() -> TestApp {
    let app = spawn_app().await;
    operator(&app).await;
    let (flow, code, _) = start_connect(&app).await;
    app.simulator.world().approve(&code, 0);
    wait_for_outcome(&app, &flow).await;
    app
}

async fn operator(app: &TestApp) {
    app.sign_in("olek@example.com", Role::Operator).await;
}

#[tokio::test]
async fn an_operator_connects_an_account_by_approving_on_allegro() {
    let app = spawn_app().await;
    operator(&app).await;
    let (flow, code, link) = start_connect(&app).await;
    assert!(link.starts_with(&app.simulator.base_url()), "{link}");
    assert!(link.ends_with(&format!("code={code}")), "{link}");

    // Approve the way a person does: open the link, press Approve.
    let seller = app.simulator.world().sellers()[0].clone();
    let browser = reqwest::Client::new();
    let page = browser.get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = scraper::Html::parse_document(&page.text().await.unwrap());
    assert_eq!(
        select_attr(&html, r#"input[name="code"]"#, "value").as_deref(),
        Some(code.as_str())
    );
    let approved = browser
        .post(format!("{}/skojarz-aplikacje", app.simulator.base_url()))
        .form(&[
            ("code", code.as_str()),
            ("seller", "0"),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::OK);
    let status = wait_for_outcome(&app, &flow).await;
    let text = select_text(&status, "#connect-status").join(" ");
    assert!(
        text.contains("Connected") && text.contains(&seller.login),
        "{text}"
    );

    let (_, html) = app.get_html("/accounts").await;
    let rows = select_text(&html, "#accounts tbody tr td:first-child strong");
    assert_eq!(rows, [seller.login]);
    assert_eq!(select_text(&html, "#accounts .badge"), ["connected"]);
}

#[tokio::test]
async fn connecting_the_same_account_again_updates_it_instead_of_adding_one() {
    let app = spawn_app().await;
    operator(&app).await;
    for _ in 0..2 {
        let (flow, code, _) = start_connect(&app).await;
        assert!(app.simulator.world().approve(&code, 0));
        wait_for_outcome(&app, &flow).await;
    }
    let (_, html) = app.get_html("/accounts").await;
    assert_eq!(select_text(&html, "#accounts tbody tr").len(), 1);
}

#[tokio::test]
async fn a_denied_request_shows_as_denied() {
    let app = spawn_app().await;
    operator(&app).await;
    let (flow, code, _) = start_connect(&app).await;
    assert!(app.simulator.world().deny(&code));
    let status = wait_for_outcome(&app, &flow).await;
    assert!(
        select_text(&status, ".status-line")
            .join(" ")
            .contains("denied")
    );
    let (_, html) = app.get_html("/accounts").await;
    assert!(select_text(&html, "#accounts tbody tr").is_empty());
}

#[tokio::test]
async fn tokens_are_stored_encrypted_and_still_work() {
    use diesel::{QueryDsl, RunQueryDsl};
    let app = connected_app().await;

    let mut conn = app.db.connect();
    let (access, refresh): (Option<String>, Option<String>) = {
        use allegro_backup::db::schema::allegro_accounts::dsl::*;
        allegro_accounts
            .select((access_token_enc, refresh_token_enc))
            .first(&mut conn)
            .unwrap()
    };
    // No token, or a part of one, is readable in the database. (Searching the ciphertext for
    // "eyJ", a JWT's start, failed now and then: random base64 holds it about 1 time in 300.)
    let row = AccountRow::find(&mut conn, AccountId(1)).unwrap().unwrap();
    for (kind, stored) in [("access", access.unwrap()), ("refresh", refresh.unwrap())] {
        assert!(stored.starts_with("v1:"), "{stored}");
        let context = AccountRow::token_context(&row.environment, &row.allegro_user_id, kind);
        let token = app
            .state
            .accounts
            .cipher
            .decrypt(&stored, &context)
            .unwrap();
        let chars: Vec<char> = token.expose_secret().chars().collect();
        assert!(chars.len() >= 16, "a real {kind} token");
        for part in chars.chunks(12).filter(|part| part.len() == 12) {
            let part: String = part.iter().collect();
            assert!(!stored.contains(&part), "{kind} token readable in {stored}");
        }
    }
    let response = app.post_form("/accounts/1/validate", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html("/accounts").await;
    assert!(
        select_text(&html, ".flash-success")
            .join(" ")
            .contains("works"),
        "{:?}",
        select_text(&html, ".flash")
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_marks_the_account_and_the_dashboard_says_so() {
    let app = connected_app().await;

    app.simulator.world().revoke_tokens(0);
    let response = app.post_form("/accounts/1/refresh", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html("/accounts").await;
    assert_eq!(
        select_text(&html, "#accounts .badge"),
        ["needs reconnecting"]
    );
    let (_, home) = app.get_html("/").await;
    assert!(
        select_text(&home, "#reauth-banner")
            .join(" ")
            .contains("connects it again")
    );
}

#[tokio::test]
async fn disconnecting_deletes_the_tokens_and_keeps_the_account() {
    let app = connected_app().await;
    app.post_form("/accounts/1/disconnect", &[]).await;
    let (_, html) = app.get_html("/accounts").await;
    assert_eq!(select_text(&html, "#accounts .badge"), ["disconnected"]);

    // Deleting needs the login typed exactly.
    let login = app.simulator.world().sellers()[0].login.clone();
    app.post_form("/accounts/1/delete", &[("confirm_login", "wrong")])
        .await;
    assert_eq!(
        select_text(&app.get_html("/accounts").await.1, "#accounts tbody tr").len(),
        1
    );
    app.post_form("/accounts/1/delete", &[("confirm_login", &login)])
        .await;
    assert!(select_text(&app.get_html("/accounts").await.1, "#accounts tbody tr").is_empty());
}

/// An account's access token is read from its row (and decrypted) once, then handed out from
/// memory while it is fresh; once the account is disconnected that token is not sent again.
#[tokio::test]
async fn many_calls_read_the_token_once_and_a_disconnect_ends_its_use() {
    let app = spawn_app().await;
    operator(&app).await;
    let account = app.link_account(0).await;
    let (accounts, world) = (&app.state.accounts, app.simulator.world());
    let reads = accounts.token_row_reads();
    for _ in 0..5 {
        accounts.api(account).me().await.unwrap();
    }
    assert_eq!(
        accounts.token_row_reads() - reads,
        1,
        "one read for five calls"
    );

    let response = app
        .post_form(&format!("/accounts/{account}/disconnect"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let calls = world.request_count();
    let error = accounts.api(account).me().await.unwrap_err();
    assert!(matches!(error, TokenError::Refused), "{error:?}");
    assert_eq!(
        world.request_count(),
        calls,
        "the cached token was not sent"
    );
}

#[tokio::test]
async fn viewers_see_accounts_but_cannot_connect_or_change_them() {
    let app = spawn_app().await;
    let viewer = app.signed_in_client("vera@example.com", Role::Viewer).await;
    let response = app.get_with(&viewer, "/accounts").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = html_of(response).await;
    assert!(select_text(&html, "form[action='/accounts/connect'] button").is_empty());
    for path in [
        "/accounts/connect",
        "/accounts/1/refresh",
        "/accounts/1/disconnect",
    ] {
        assert_eq!(
            app.post_form_with(&viewer, path, &[]).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_refresh_job_renews_tokens_that_expire_within_the_window() {
    let app = connected_app().await;
    let accounts = &app.state.accounts;
    // Tokens last 12 h: nothing is due within an hour, everything within a day.
    assert_eq!(
        accounts
            .refresh_expiring(chrono::Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        accounts
            .refresh_expiring(chrono::Duration::hours(24))
            .await
            .unwrap(),
        1
    );
    // The rotated pair was stored and works.
    assert!(accounts.api(AccountId(1)).me().await.is_ok());
    // A revoked account is marked, not retried forever.
    app.simulator.world().revoke_tokens(0);
    assert_eq!(
        accounts
            .refresh_expiring(chrono::Duration::hours(24))
            .await
            .unwrap(),
        0
    );
    let (_, html) = app.get_html("/accounts").await;
    assert_eq!(
        select_text(&html, "#accounts .badge"),
        ["needs reconnecting"]
    );
}

#[tokio::test]
async fn a_connect_flow_is_visible_only_to_who_started_it_and_admins() {
    let app = spawn_app().await;
    operator(&app).await;
    let (flow, _, _) = start_connect(&app).await;
    let other = app
        .signed_in_client("otto@example.com", Role::Operator)
        .await;
    assert_eq!(
        app.get_with(&other, &flow).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with(&other, &format!("{flow}/status"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let admin = app.signed_in_client("ada@example.com", Role::Admin).await;
    assert_eq!(app.get_with(&admin, &flow).await.status(), StatusCode::OK);
    for path in ["/accounts/connect/999999", "/accounts/connect/abc/status"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_device_code_is_stored_encrypted() {
    use diesel::{QueryDsl, RunQueryDsl};
    let app = spawn_app().await;
    operator(&app).await;
    start_connect(&app).await;
    let mut conn = app.db.connect();
    let stored: String = {
        use allegro_backup::db::schema::device_authorizations::dsl::*;
        device_authorizations
            .select(device_code_enc)
            .first(&mut conn)
            .unwrap()
    };
    assert!(stored.starts_with("v1:"), "{stored}");
}
