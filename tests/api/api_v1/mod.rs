//! The `/api/v1` endpoints as a script uses them: orders, their revisions and events, the
//! changes feed, sync runs, who may call what (route × role × scope), and the OpenAPI contract
//! every answer here is checked against.

mod access;
mod changes;
pub mod contract;
mod orders;
mod sync_runs;

use allegro_backup::domain::{AccountId, Role};
use reqwest::{Method, StatusCode, header};
use serde_json::Value;

use crate::{
    helpers::TestApp,
    tokens::{script, token_on_page},
};

/// A token's view of the API: every answer is checked against the OpenAPI document.
pub struct Api<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Api<'a> {
    pub fn new(app: &'a TestApp, token: String) -> Self {
        Api { app, token }
    }

    /// `method path` with the token and an optional JSON body: the status and the JSON.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let (status, _, json) = self.send_full(method, path, body).await;
        (status, json)
    }

    /// [`Api::send`] with the answer's headers.
    pub async fn send_full(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, header::HeaderMap, Value) {
        let mut request = script()
            .request(method.clone(), self.app.url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.expect("body");
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"));
        let wanted = if status.is_success() {
            "application/json"
        } else {
            "application/problem+json"
        };
        assert!(
            content_type.starts_with(wanted),
            "{method} {path}: {content_type}"
        );
        let bare_path = path.split('?').next().unwrap_or(path);
        contract::check(&method, bare_path, status, &json);
        (status, headers, json)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    /// The JSON of a `GET` that must succeed.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        body
    }
}

/// An API view for the signed-in admin of `app` (signing them in first) with a write token.
pub async fn admin_api(app: &TestApp) -> Api<'_> {
    app.sign_in("admin@example.com", Role::Admin).await;
    let token = token_on_page(app, &app.client, "ERP", "write").await;
    Api::new(app, token)
}

/// An API view for a new user with `role`, limited to `accounts` (all when `None`), with
/// personal data hidden or not, holding a token of `scope`.
pub async fn user_api<'a>(
    app: &'a TestApp,
    email: &str,
    role: Role,
    accounts: Option<&[AccountId]>,
    masked: bool,
    scope: &str,
) -> Api<'a> {
    let client = app.restricted_client(email, role, accounts, masked).await;
    let token = token_on_page(app, &client, "script", scope).await;
    Api::new(app, token)
}
