//! Personal API tokens and the `/api/v1` chain they open: created on the profile page and on
//! the command line, used as bearer tokens, refused when revoked, expired or their user is
//! disabled, limited to what their user sees, rate-limited, and every error a problem document.

mod api;
mod cli;
mod lifecycle;
mod pages;

use reqwest::{Response, StatusCode, header};
use serde_json::Value;

use crate::helpers::{TestApp, html_of, select_attr, select_text};

/// Creates a token on `client`'s profile page; the token the answer shows once.
pub(super) async fn token_on_page(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    scope: &str,
) -> String {
    let response = app
        .post_form_with(
            client,
            "/account/tokens",
            &[("name", name), ("scope", scope), ("expires_days", "365")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "token created");
    let html = html_of(response).await;
    let token = select_text(&html, "#fresh-token")
        .pop()
        .expect("the new token is shown");
    assert!(token.starts_with("abk_"), "{token}");
    token
}

/// The id of the token with `token`'s prefix, from `client`'s profile page.
pub(super) async fn token_id(app: &TestApp, client: &reqwest::Client, token: &str) -> String {
    let prefix = prefix(token);
    let (_, html) = app.get_html_with(client, "/account/password").await;
    select_attr(&html, &format!(r#"tr[data-prefix="{prefix}"]"#), "id")
        .expect("the token is listed")
        .trim_start_matches("token-")
        .to_owned()
}

/// A token's public prefix.
pub(super) fn prefix(token: &str) -> &str {
    token.split('_').nth(1).expect("prefix")
}

/// A client such as a script uses: no cookies, no redirects followed.
pub(super) fn script() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// `GET path` with `Authorization: Bearer <token>`.
pub(super) async fn api_get(app: &TestApp, token: &str, path: &str) -> Response {
    script()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET")
}

/// The JSON of a successful answer.
pub(super) async fn json_ok(response: Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let path = response.url().path().to_owned();
    let body: Value = response.json().await.expect("JSON");
    crate::api_v1::contract::check(&reqwest::Method::GET, &path, StatusCode::OK, &body);
    body
}

/// Checks `response` is an RFC 9457 problem document with `status` and the request's id;
/// returns it.
pub(super) async fn problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let path = response.url().path().to_owned();
    let body: Value = response.json().await.expect("problem JSON");
    crate::api_v1::contract::check(&reqwest::Method::GET, &path, status, &body);
    assert!(
        body["type"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(!request_id.is_empty());
    assert_eq!(body["request_id"], request_id.as_str(), "{body}");
    body
}
