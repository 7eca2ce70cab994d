//! Sending the cases and checking the answers: never a 5xx, the server still up, refusals on
//! the error page with a message, injected markup escaped.

use allegro_backup::domain::UserId;
use std::{sync::Arc, time::Duration};

use proptest::{
    prelude::*,
    test_runner::{
        Config, FileFailurePersistence, RngAlgorithm, RngSeed, TestCaseError, TestRng, TestRunner,
    },
};
use reqwest::{
    Method, StatusCode,
    cookie::{CookieStore, Jar},
    header,
};
use scraper::{Html, Selector};
use sha2::{Digest, Sha256};

use super::{
    Route,
    cases::{Body, Case, Segment, Sender, case_strategy, reaching_strategy, sweep},
    values::VALID,
};
use crate::helpers::{PASSWORD, TestApp};

/// Never more than this many characters of a URL or body in a failure message.
pub(super) const SHOWN_CHARS: usize = 300;

pub(super) fn clip(text: &str) -> String {
    text.chars().take(SHOWN_CHARS).collect()
}

pub(super) fn urlencoded(pairs: &[(String, String)], tail: Option<&str>) -> String {
    let mut encoded = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        encoded.append_pair(name, value);
    }
    let mut encoded = encoded.finish();
    if let Some(tail) = tail {
        if !encoded.is_empty() {
            encoded.push('&');
        }
        encoded.push_str(tail);
    }
    encoded
}

pub(super) fn path_of(route: &Route, segment: &Segment) -> String {
    let segment = match segment {
        Segment::Encoded(value) => {
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
        }
        Segment::Raw(raw) => (*raw).to_owned(),
    };
    route
        .path
        .replace("{id}", &segment)
        .replace("{file}", &segment)
}

/// The client, CSRF token and (when the case targets a user) the id the run must not touch.
pub(super) struct Fuzzer<'a> {
    pub(super) app: &'a TestApp,
    /// The session every case but [`Sender::Cookieless`] ones is sent in.
    pub(super) client: reqwest::Client,
    pub(super) jar: Arc<Jar>,
    /// A client that never keeps a cookie (building a client per case would cost more than
    /// the case).
    pub(super) bare: reqwest::Client,
    /// Values the app knows: ids, logins, enum names, a setup token.
    pub(super) known: Vec<String>,
    /// Run-time values for [`VALID`]'s `{…}` and the settings form (name → value), and the
    /// ids of the path's `{id}` (`{order}`, `{view}`, `{account}`, `{user}`).
    pub(super) runtime: std::collections::HashMap<String, String>,
    /// The admin running the cases (`None`: the run without a session).
    pub(super) admin: Option<Admin>,
}

pub(super) struct Admin {
    pub(super) email: String,
    pub(super) id: UserId,
    /// Another user, targeted instead of the admin (disabling or demoting oneself is refused or
    /// would end the run's session, and is tested in `users`).
    pub(super) other_id: UserId,
}

/// A browser-like client (cookies, no redirects) that gives up on a hung answer, with its
/// cookie jar (read for requests sent without the client).
pub(super) fn client() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = builder()
        .cookie_provider(jar.clone())
        .build()
        .expect("http client");
    (client, jar)
}

/// No redirects followed, a hung answer given up on, and a new connection per request: a
/// failed request is then the server's doing, never a race with a pooled connection it closed.
pub(super) fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(0)
}

pub(super) fn bare_client() -> reqwest::Client {
    builder().build().expect("http client")
}

/// Longest URL the HTTP client sends (the `http` crate caps a URI near 64 KiB); longer ones go
/// over a plain TCP connection.
pub(super) const CLIENT_URL_MAX: usize = 60_000;

/// Sends `GET`/`HEAD` `target` (path and query) over a fresh TCP connection and returns the
/// status code; the way to send a URL longer than the HTTP client allows.
pub(super) async fn send_raw(
    address: &str,
    method: &str,
    target: &str,
    cookie: Option<&str>,
) -> Result<u16, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .map_err(|e| e.to_string())?;
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let head =
        format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n");
    // The server may answer and close before it has read the whole request: read while
    // writing, so its answer is in hand before the reset its close causes.
    let (mut reader, mut writer) = stream.split();
    let mut answer = Vec::new();
    let (_, read) = tokio::join!(
        writer.write_all(head.as_bytes()),
        tokio::time::timeout(Duration::from_secs(60), reader.read_to_end(&mut answer)),
    );
    let read = read.map_err(|_| "no answer within 60 s".to_owned())?;
    if answer.is_empty() {
        read.map_err(|e| e.to_string())?;
    }
    let answer = String::from_utf8_lossy(&answer);
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {:?}", clip(&answer)))
}

impl Fuzzer<'_> {
    /// The value `param` accepts in this run.
    pub(super) fn valid(&self, param: &str) -> String {
        if let Some(value) = self.runtime.get(param) {
            return value.clone();
        }
        let value = VALID
            .iter()
            .find(|(name, _)| *name == param)
            .map(|(_, v)| *v)
            .unwrap_or("1");
        match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
            Some(key) => self
                .runtime
                .get(key)
                .cloned()
                .unwrap_or_else(|| "1".to_owned()),
            None => value.to_owned(),
        }
    }

    /// An id the route's path accepts in this run, if it has one.
    pub(super) fn valid_segment(&self, route: &Route) -> Option<String> {
        let key = [
            ("/static/", "file"),
            ("/orders/", "order"),
            ("/views/", "view"),
            ("/accounts/connect/", "flow"),
            ("/accounts/", "account"),
            ("/users/", "user"),
        ]
        .into_iter()
        .find(|(prefix, _)| route.path.starts_with(prefix))
        .map(|(_, key)| key)?;
        if !route.path.contains('{') {
            return None;
        }
        Some(match key {
            "file" => "app.css".to_owned(),
            key => self
                .runtime
                .get(key)
                .cloned()
                .unwrap_or_else(|| "1".to_owned()),
        })
    }

    /// Runs the route's cases; panics with the minimal failing case.
    pub(super) async fn run(&self, route: &Route) {
        // Fetched per route: a case may sign the session in (the setup form) or out.
        let csrf_token = self.app.csrf_token_with(&self.client, "/login").await;
        let strategy = match reaching_strategy(route, self) {
            Some(reaching) => prop_oneof![
                3 => case_strategy(route, &self.known),
                2 => reaching,
            ]
            .boxed(),
            None => case_strategy(route, &self.known),
        };
        if !route.ends_session {
            for case in sweep(route, self) {
                if let Err(error) = self.check(route, &case, &csrf_token).await {
                    panic!("{} {}: {error} in {case:?}", route.method, route.path);
                }
            }
        }
        let mut runner = runner(route);
        let handle = tokio::runtime::Handle::current();
        let result = tokio::task::block_in_place(|| {
            runner.run(&strategy, |case| {
                handle.block_on(self.check(route, &case, &csrf_token))
            })
        });
        if let Err(error) = result {
            panic!("{} {}: {error}", route.method, route.path);
        }
    }

    async fn check(
        &self,
        route: &Route,
        case: &Case,
        session_token: &str,
    ) -> Result<(), TestCaseError> {
        let (client, csrf_token) = self.sender(route, case, session_token).await;
        let mut case = case.clone();
        if let (Some(admin), Segment::Encoded(id)) = (&self.admin, &case.segment)
            && route.path.starts_with("/users/{id}")
            && id.trim().parse::<UserId>().ok() == Some(admin.id)
        {
            case.segment = Segment::Encoded(admin.other_id.to_string());
        }
        let request = self.request(&client, route, &case, csrf_token.as_deref());
        let shown = format!("{} {}", request.method(), clip(request.url().as_str()));
        if request.url().as_str().len() > CLIENT_URL_MAX {
            let target = &request.url()[url::Position::BeforePath..];
            let cookie = match case.sender {
                Sender::Session => self.jar.cookies(request.url()),
                Sender::Cookieless => None,
            };
            let cookie = cookie.as_ref().and_then(|c| c.to_str().ok());
            let status = send_raw(&self.app.address, route.method, target, cookie)
                .await
                .map_err(|e| TestCaseError::fail(format!("{shown}: {e}")))?;
            prop_assert!(status < 500, "{shown} answered {status}");
            return self.still_answers(&shown).await;
        }
        let response = client.execute(request).await.map_err(|e| {
            TestCaseError::fail(format!("{shown}: no answer ({})", clip(&e.to_string())))
        })?;
        let status = response.status();
        let is_html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"));
        let body = response.bytes().await.map_err(|e| {
            TestCaseError::fail(format!(
                "{shown}: the answer broke off ({})",
                clip(&e.to_string())
            ))
        })?;
        let text = String::from_utf8_lossy(&body);
        prop_assert!(
            !status.is_server_error(),
            "{shown} answered {status}: {}",
            clip(&text)
        );
        // A refusal is the app's error page, with its message, not a framework's bare text.
        prop_assert!(
            !status.is_client_error() || is_html,
            "{shown} answered {status} without the error page: {}",
            clip(&text)
        );
        if case.reaching && status.is_client_error() && is_html {
            prop_assert!(
                has_message(&text),
                "{shown} answered {status} without a message: {}",
                clip(&text)
            );
        }
        if is_html {
            let unescaped = injected_markup(&text);
            prop_assert!(
                unescaped.is_empty(),
                "{shown} ({status}) echoed markup unescaped: {unescaped:?}"
            );
        }
        self.still_answers(&shown).await
    }

    /// The server still answers (a panic would have dropped the connection of its worker).
    async fn still_answers(&self, shown: &str) -> Result<(), TestCaseError> {
        let health = self
            .bare
            .get(self.app.url("/health"))
            .send()
            .await
            .map(|r| r.status());
        prop_assert!(
            matches!(health, Ok(StatusCode::OK)),
            "after {shown} the server no longer answers: {health:?}"
        );
        Ok(())
    }

    /// The client and token the case is sent with: the admin signed in anew for a route that
    /// ends the session, a client without cookies for a cookieless case of the anonymous run.
    async fn sender(
        &self,
        route: &Route,
        case: &Case,
        session_token: &str,
    ) -> (reqwest::Client, Option<String>) {
        match (&self.admin, case.sender) {
            (Some(admin), _) if route.ends_session => {
                let response = self
                    .app
                    .login_with(&self.client, &admin.email, PASSWORD)
                    .await;
                assert_eq!(response.status(), StatusCode::SEE_OTHER, "admin sign-in");
                let token = self
                    .app
                    .csrf_token_with(&self.client, "/account/password")
                    .await;
                (self.client.clone(), Some(token))
            }
            (None, Sender::Cookieless) => (self.bare.clone(), None),
            _ => (self.client.clone(), Some(session_token.to_owned())),
        }
    }

    fn request(
        &self,
        client: &reqwest::Client,
        route: &Route,
        case: &Case,
        csrf_token: Option<&str>,
    ) -> reqwest::Request {
        let method = Method::from_bytes(route.method.as_bytes()).expect("method");
        let path = path_of(route, &case.segment);
        let token = csrf_token.filter(|_| case.csrf);
        let mut builder = if method == Method::POST {
            let mut builder = client.post(self.app.url(&path));
            let mut form = urlencoded(&case.pairs, case.tail);
            let content_type = match case.body {
                Body::Form | Body::FormNotUtf8 => Some("application/x-www-form-urlencoded"),
                Body::FormWithCharset => Some("application/x-www-form-urlencoded; charset=utf-8"),
                Body::Json => Some("application/json"),
                Body::TextPlain => Some("text/plain"),
                Body::MultipartWithoutBoundary => Some("multipart/form-data"),
                Body::NoContentType => None,
            };
            let is_form = matches!(
                case.body,
                Body::Form | Body::FormWithCharset | Body::FormNotUtf8
            );
            match token {
                Some(token) if is_form => {
                    if !form.is_empty() {
                        form.push('&');
                    }
                    form.push_str(&urlencoded(
                        &[("csrf_token".to_owned(), token.to_owned())],
                        None,
                    ));
                }
                Some(token) => builder = builder.header("x-csrf-token", token),
                None => {}
            }
            let mut bytes = if case.body == Body::Json {
                let object: serde_json::Map<String, serde_json::Value> = case
                    .pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                serde_json::to_vec(&object).expect("json")
            } else {
                form.into_bytes()
            };
            if case.body == Body::FormNotUtf8 {
                bytes.extend_from_slice(b"&\xff\xfe=\xc3\x28");
                if let Some((name, _)) = case.pairs.first() {
                    bytes.push(b'&');
                    bytes.extend(
                        url::form_urlencoded::byte_serialize(name.as_bytes()).flat_map(str::bytes),
                    );
                    bytes.extend_from_slice(b"=\xc3\xa9\xff");
                }
            }
            if let Some(content_type) = content_type {
                builder = builder.header(header::CONTENT_TYPE, content_type);
            }
            builder.body(bytes)
        } else {
            let query = urlencoded(&case.pairs, case.tail);
            let url = if query.is_empty() {
                self.app.url(&path)
            } else {
                format!("{}?{query}", self.app.url(&path))
            };
            client.request(method, url)
        };
        if case.htmx {
            builder = builder.header("hx-request", "true");
        }
        if route.path == "/metrics"
            && let Some((_, value)) = case.pairs.first()
            && let Ok(value) = header::HeaderValue::from_str(&format!("Bearer {value}"))
        {
            builder = builder.header(header::AUTHORIZATION, value);
        }
        builder.build().expect("a request the client can send")
    }
}

/// True when the page says what was wrong: the error page, a toast, a flash or a field error.
pub(super) fn has_message(html: &str) -> bool {
    let doc = Html::parse_document(html);
    let messages =
        Selector::parse(".error-card, [role=alert], .flash-error, .error-text").expect("selector");
    doc.select(&messages)
        .any(|e| !e.text().collect::<String>().trim().is_empty())
}

/// Elements the probes would create if they were not escaped.
pub(super) fn injected_markup(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = vec![];
    let scripts = Selector::parse("script").expect("selector");
    found.extend(
        doc.select(&scripts)
            .map(|e| e.text().collect::<String>())
            .filter(|t| t.contains("xss-probe")),
    );
    let handlers = Selector::parse("[onerror], [onload]").expect("selector");
    found.extend(doc.select(&handlers).map(|e| e.html()));
    found
}

/// Cases per route: `PROPTEST_CASES`, else a number that keeps the run short.
pub(super) fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// A runner seeded from the route, so every run sends the same cases.
pub(super) fn runner(route: &Route) -> TestRunner {
    let config = Config {
        cases: cases(),
        // Each shrink step is an HTTP round trip.
        max_shrink_iters: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/api/malformed.proptest-regressions",
        ))),
        ..Config::default()
    };
    // `PROPTEST_RNG_SEED` picks other cases (proptest's own variable, read into `Config`).
    let seed = match config.rng_seed {
        RngSeed::Fixed(n) => format!("{n} {} {}", route.method, route.path),
        RngSeed::Random => format!("{} {}", route.method, route.path),
    };
    let seed = Sha256::digest(seed);
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}
