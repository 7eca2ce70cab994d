//! The API tokens section of the profile page and the admins' Tokens page, in both languages.

use allegro_backup::domain::Role;
use reqwest::StatusCode;
use scraper::Html;

use super::{prefix, token_on_page};
use crate::helpers::{select_attr, select_text, spawn_app};

#[tokio::test]
async fn the_profile_page_lists_own_tokens_in_polish_and_english() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(&app, &app.client, "Program do faktur", "write").await;
    let row = format!(r#"tr[data-prefix="{}"]"#, prefix(&token));
    for (lang, heading, scope, status) in [
        ("pl", "Tokeny API", "odczyt i zapis", "aktywny"),
        ("en", "API tokens", "read and write", "active"),
    ] {
        let (code, html) = app
            .get_html_in(&app.client, "/account/password", lang)
            .await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(select_text(&html, "#api-tokens h2"), [heading]);
        let cells = select_text(&html, &format!("{row} td"));
        assert_eq!(cells[0], "Program do faktur");
        assert!(cells.contains(&scope.to_owned()), "{cells:?}");
        assert!(cells.iter().any(|c| c == status), "{cells:?}");
        // Shown once: the page never shows the token again.
        assert!(select_text(&html, "#fresh-token").is_empty());
        assert!(!html.html().contains(&token));
        assert!(
            select_attr(
                &html,
                r#"form[action="/account/tokens"] input[name="csrf_token"]"#,
                "value"
            )
            .is_some()
        );
    }
}

#[tokio::test]
async fn a_refused_token_form_says_why_and_creates_nothing() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let response = app
        .post_form(
            "/account/tokens",
            &[("name", "  "), ("scope", "root"), ("expires_days", "0x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(select_text(&html, "#api-tokens .flash-error li").len(), 3);
    assert_eq!(app.count("SELECT count(*) AS n FROM api_tokens"), 0);

    let never = app
        .post_form(
            "/account/tokens",
            &[("name", "forever"), ("scope", "read"), ("no_expiry", "1")],
        )
        .await;
    assert_eq!(never.status(), StatusCode::CREATED);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM api_tokens WHERE expires_at IS NULL"),
        1
    );
}

#[tokio::test]
async fn admins_see_and_revoke_every_users_tokens_on_the_tokens_page() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let operator = app.signed_in_client("op@example.com", Role::Operator).await;
    let token = token_on_page(&app, &operator, "script", "read").await;
    let row = format!(r#"tr[data-prefix="{}"]"#, prefix(&token));

    let (code, _) = app.get_html_in(&operator, "/tokens", "en").await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    for (lang, nav, heading) in [
        ("pl", "Tokeny", "Tokeny API"),
        ("en", "Tokens", "API tokens"),
    ] {
        let (code, html) = app.get_html_in(&app.client, "/tokens", lang).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(
            select_text(&html, r#"a[href="/tokens"][aria-current="page"]"#),
            [nav]
        );
        assert_eq!(select_text(&html, "h1"), [heading]);
        let cells = select_text(&html, &format!("{row} td"));
        assert!(cells.contains(&"op@example.com".to_owned()), "{cells:?}");
    }
    let (_, html) = app.get_html_in(&app.client, "/tokens", "en").await;
    let id = select_attr(&html, &row, "id")
        .unwrap()
        .replace("token-", "");
    let revoked = app.post_form(&format!("/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html_in(&app.client, "/tokens", "en").await;
    assert_eq!(
        select_attr(&html, &row, "data-status").as_deref(),
        Some("revoked")
    );

    // The audit log tells both in a sentence.
    let (_, audit) = app.get_html_in(&app.client, "/audit", "en").await;
    let text = select_text(&audit, "table").join(" ");
    assert!(
        text.contains(&format!(
            "Token “script” ({}), scope read, valid for 365 days.",
            prefix(&token)
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("Token “script” ({}).", prefix(&token))),
        "{text}"
    );
}
