//! Which language a request is answered in: the browser's preference until the user picks one
//! on their profile page; the pick is stored on the user, so it holds on every device.

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{
    PASSWORD, assert_bad_request, location, new_client, select_attr, select_text, spawn_app,
};

#[tokio::test]
async fn a_browser_preferring_polish_gets_polish_until_the_user_picks_english() {
    let app = spawn_app().await;
    app.create_user("ola@example.com", Role::Operator).await;
    let client = new_client();

    let (_, login) = app
        .get_html_in(&client, "/login", "pl-PL,pl;q=0.9,en;q=0.8")
        .await;
    assert_eq!(select_attr(&login, "html", "lang").as_deref(), Some("pl"));
    assert_eq!(select_text(&login, "h1"), ["Logowanie"]);
    let (_, login) = app
        .get_html_in(&client, "/login", "de-DE,en;q=0.5,pl;q=0.4")
        .await;
    assert_eq!(select_attr(&login, "html", "lang").as_deref(), Some("en"));
    let (_, login) = app.get_html_in(&client, "/login", "pl;q=0,en").await;
    assert_eq!(select_attr(&login, "html", "lang").as_deref(), Some("en"));

    app.login_with(&client, "ola@example.com", PASSWORD).await;
    let (_, profile) = app.get_html_in(&client, "/account/password", "pl").await;
    assert_eq!(select_text(&profile, "h1"), ["Twoje konto"]);

    let response = app
        .post_form_with(&client, "/account/language", &[("lang", "en")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account/password");
    let (_, profile) = app.get_html_in(&client, "/account/password", "pl").await;
    assert_eq!(select_attr(&profile, "html", "lang").as_deref(), Some("en"));
    assert_eq!(select_text(&profile, "h1"), ["Your account"]);

    // Another device of the same user, whose browser prefers Polish, follows the pick too.
    let phone = new_client();
    app.login_with(&phone, "ola@example.com", PASSWORD).await;
    let (_, dashboard) = app.get_html_in(&phone, "/", "pl").await;
    assert_eq!(
        select_attr(&dashboard, "html", "lang").as_deref(),
        Some("en")
    );

    // Back to the browser's choice.
    app.post_form_with(&client, "/account/language", &[("lang", "")])
        .await;
    let (_, dashboard) = app.get_html_in(&phone, "/", "pl").await;
    assert_eq!(
        select_attr(&dashboard, "html", "lang").as_deref(),
        Some("pl")
    );
}

#[tokio::test]
async fn an_unknown_language_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.sign_in("ola@example.com", Role::Viewer).await;
    let response = app.post_form("/account/language", &[("lang", "de")]).await;
    assert_bad_request(response, "is not a language of this dashboard").await;
    let (_, profile) = app.get_html("/account/password").await;
    assert_eq!(select_attr(&profile, "html", "lang").as_deref(), Some("en"));
}

#[tokio::test]
async fn error_pages_speak_the_visitors_language() {
    let app = spawn_app().await;
    app.sign_in("ola@example.com", Role::Viewer).await;
    let (status, page) = app.get_html_in(&app.client, "/no-such-page", "pl").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(select_attr(&page, "html", "lang").as_deref(), Some("pl"));
    assert_eq!(select_text(&page, "h1"), ["Nie ma takiej strony"]);
}
