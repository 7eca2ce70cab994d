//! Malformed input on every route. A property test sends adversarial path segments, query
//! strings, forms and content types — random and huge strings, unicode and control characters,
//! invalid percent-encoding, numbers out of range, injection strings, repeated and missing
//! parameters — as an admin with a valid CSRF token (so requests reach the handlers) and without
//! a session or a token. The server must never answer 5xx, must still answer after each case
//! (a panic would kill the worker and drop the connection), and HTML answers must show injected
//! markup escaped.
//!
//! Reaching cases send every parameter valid but one, spoiled with a control character (NUL
//! most often), a long tail, a huge number or markup, so that the bad value travels as far as
//! it can: into searches, account filters, notes, tags, view and user names, settings. Such a
//! case must succeed, or be refused with a 4xx page that says why. Besides the random ones, a
//! sweep spoils every parameter of every route in turn with a NUL, a long tail and a huge number.
//!
//! [`ROUTES`] is the one route table; [`every_route_the_app_registers_is_fuzzed`] reads the
//! routing code and fails when a route has no entry here. Cases are generated from a seed derived
//! from the route (the same cases on every run); `PROPTEST_CASES` overrides the number of cases
//! per route and failing seeds are kept in `tests/api/malformed.proptest-regressions`.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use allegro_backup::{
    db::{models::sync::RunTrigger, schema::saved_views},
    domain::Role,
    settings::form::{DISPLAY_ZONE_FIELD, FIELD_NAMES},
};
use diesel::prelude::*;
use proptest::{
    prelude::*,
    sample::select,
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

use crate::{
    helpers::{PASSWORD, TestApp, select_attr, spawn_app_with},
    sync::{sync_once, truth},
};

/// One route of the app and the parameters its handler reads (query for GET, form for POST).
struct Route {
    method: &'static str,
    path: &'static str,
    params: &'static [&'static str],
    /// Signing out (here or everywhere) ends the session the run uses: such a route gets a
    /// fresh admin session for each case and runs last.
    ends_session: bool,
}

const fn get(path: &'static str, params: &'static [&'static str]) -> Route {
    route("GET", path, params)
}

const fn post(path: &'static str, params: &'static [&'static str]) -> Route {
    route("POST", path, params)
}

const fn route(method: &'static str, path: &'static str, params: &'static [&'static str]) -> Route {
    Route {
        method,
        path,
        params,
        ends_session: false,
    }
}

const fn ending_session(path: &'static str) -> Route {
    Route {
        ends_session: true,
        ..post(path, &[])
    }
}

/// The export's parameters: its format, then the order list's filters (`OrderParams`).
const EXPORT_PARAMS: &[&str] = &[
    "format",
    "q",
    "account",
    "status",
    "fulfillment",
    "payment",
    "delivery",
    "marketplace",
    "currency",
    "bought_from",
    "bought_to",
    "updated_from",
    "updated_to",
    "min_total",
    "max_total",
    "invoice",
    "merged",
    "sort",
    "page_size",
    "cursor",
];

const ORDER_FILTERS: &[&str] = EXPORT_PARAMS.split_at(1).1;

/// The settings form's fields, as the form names them.
const SETTINGS_FIELDS: [&str; FIELD_NAMES.len() + 1] = {
    let mut fields = [DISPLAY_ZONE_FIELD; FIELD_NAMES.len() + 1];
    let mut i = 0;
    while i < FIELD_NAMES.len() {
        fields[i] = FIELD_NAMES[i];
        i += 1;
    }
    fields
};

/// Every route, in the order the admin run visits them: destructive ones late, the ones that
/// end the session last.
const ROUTES: &[Route] = &[
    get("/health", &[]),
    route("HEAD", "/health", &[]),
    get("/ready", &[]),
    route("HEAD", "/ready", &[]),
    get("/static/{file}", &["v"]),
    get("/metrics", &[]),
    get("/", &["days"]),
    get("/orders", ORDER_FILTERS),
    get("/orders/export", EXPORT_PARAMS),
    get("/orders/{id}", &["from", "to"]),
    get("/orders/{id}/diff", &["from", "to"]),
    post("/orders/{id}/notes", &["body"]),
    post("/orders/{id}/tags", &["tag"]),
    post("/orders/{id}/tags/delete", &["tag"]),
    get("/views", &[]),
    post("/views", &["name", "query", "shared"]),
    get("/views/menu", &[]),
    post("/views/{id}/delete", &[]),
    get("/accounts", &[]),
    post("/accounts/connect", &[]),
    get("/accounts/connect/{id}", &[]),
    get("/accounts/connect/{id}/status", &[]),
    get("/accounts/{id}/coverage", &[]),
    post("/accounts/{id}/refresh", &[]),
    post("/accounts/{id}/validate", &[]),
    post("/accounts/{id}/sync", &["full", "reconcile"]),
    get("/sync", &["account", "kind", "status"]),
    get("/quarantine", &[]),
    get("/login", &["next", "notice"]),
    post("/login", &["email", "password", "next"]),
    get("/setup", &["token"]),
    post(
        "/setup",
        &["token", "email", "name", "password", "password_confirm"],
    ),
    get("/users", &[]),
    post("/users", &["email", "name", "role"]),
    post("/users/{id}/role", &["role"]),
    get("/users/{id}/access", &[]),
    post(
        "/users/{id}/access",
        &["scope", "account", "hide_personal_data"],
    ),
    post("/users/{id}/disable", &[]),
    post("/users/{id}/enable", &[]),
    post("/users/{id}/reset-password", &[]),
    get("/account/password", &[]),
    post(
        "/account/password",
        &["current_password", "new_password", "new_password_confirm"],
    ),
    get("/audit", &["action", "actor", "before"]),
    get("/settings", &[]),
    post("/settings", &SETTINGS_FIELDS),
    get("/system", &[]),
    post("/accounts/{id}/disconnect", &[]),
    post("/accounts/{id}/delete", &["confirm_login"]),
    ending_session("/logout"),
    ending_session("/account/logout-everywhere"),
];

// ---------------------------------------------------------------------------------------------
// The route table against the routing code

/// `(METHOD, path)` of every route the routing code registers: `src/startup.rs` and
/// `src/routes/*.rs`, read as text. A path comes from `route("…"`, `resource("…"` or a scope's
/// `scope("…")` (for a `route(""`), and each `web::get()`-style method after it belongs to it.
pub(crate) fn registered_routes() -> BTreeSet<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = vec![root.join("src/startup.rs")];
    let mut route_files: Vec<PathBuf> = std::fs::read_dir(root.join("src/routes"))
        .expect("src/routes")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    route_files.sort();
    files.extend(route_files);
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read source");
        scan_routes(&source, &mut routes);
    }
    routes
}

fn scan_routes(source: &str, routes: &mut BTreeSet<(String, String)>) {
    const METHODS: [(&str, &str); 6] = [
        ("web::get()", "GET"),
        ("web::post()", "POST"),
        ("web::head()", "HEAD"),
        ("web::put()", "PUT"),
        ("web::patch()", "PATCH"),
        ("web::delete()", "DELETE"),
    ];
    // Comments may name paths; only code counts. Without whitespace, a call rustfmt spread
    // over lines reads like one on a single line (paths have no spaces).
    let code: String = source
        .lines()
        .flat_map(|line| line.split("// ").next().unwrap_or_default().chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let literal = |rest: &str| rest.split('"').next().unwrap_or_default().to_owned();
    let (mut scope, mut path) = (String::new(), None::<String>);
    for (at, _) in code.char_indices() {
        let rest = &code[at..];
        if let Some(rest) = rest.strip_prefix("scope(\"") {
            scope = literal(rest);
        } else if let Some(rest) = rest
            .strip_prefix("route(\"")
            .or_else(|| rest.strip_prefix("resource(\""))
        {
            let p = literal(rest);
            path = Some(if p.is_empty() { scope.clone() } else { p });
        } else if let Some((_, method)) = METHODS.iter().find(|(m, _)| rest.starts_with(m)) {
            let path = path
                .clone()
                .unwrap_or_else(|| panic!("{method} route without a path"));
            routes.insert(((*method).to_owned(), path));
        }
    }
}

#[test]
fn every_route_the_app_registers_is_fuzzed() {
    let registered = registered_routes();
    let fuzzed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(fuzzed.len(), ROUTES.len(), "a route is listed twice");
    assert!(
        registered.len() > 40,
        "the routing code was not read: {registered:?}"
    );
    let missing: Vec<_> = registered.difference(&fuzzed).collect();
    let stale: Vec<_> = fuzzed.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "routes without malformed-input cases (add them to ROUTES): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "ROUTES lists routes the app does not register: {stale:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// What is sent

/// Markup that must come back escaped wherever input is echoed.
const PROBES: [&str; 3] = [
    r#"<script>alert("xss-probe")</script>"#,
    r#""><img src=x onerror=xss_probe()>"#,
    r#"'><svg onload=xss_probe()>"#,
];

/// Values that trip parsers: numbers at and past their limits, dates that are not, injection
/// strings, unicode and control characters.
const TRICKY: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-1",
    "+1",
    " 7 ",
    "1.5",
    "-1.5",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "1,50",
    "1_000",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "0.000000000000000000000000000001",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "+275760-09-13",
    "-2026-01-01",
    "262143-12-31",
    "2026-01-01T25:61:61Z",
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    "1; SELECT pg_sleep(0)",
    "\\",
    "%",
    "_",
    "%' OR 1=1 --",
    "{{ 7*7 }}",
    "{% if true %}x{% endif %}",
    "${7*7}",
    "#{7*7}",
    "../../../../etc/passwd",
    "..\\..\\windows",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\0",
    "a\0b",
    "\r\nSet-Cookie: x=1",
    "\t",
    "\u{7f}",
    "\u{1b}[31m",
    "Zażółć gęślą jaźń ŁÓDŹ",
    "🦀🎉👩‍👩‍👧‍👦",
    "\u{202e}gnp.exe",
    "\u{200b}\u{feff}",
    "مرحبا بالعالم",
    "\u{fffd}",
    "\u{10ffff}",
    "null",
    "true",
    "[]",
    "{}",
    "{\"a\":1}",
    "<",
    "&amp;",
];

/// Raw query or form tails with invalid percent-encoding and odd separators.
const RAW_TAILS: &[&str] = &[
    "%",
    "%zz",
    "%FF%FE",
    "%C3%28",
    "%E0%A4%A",
    "%00",
    "a=%ED%A0%80",
    "&&&",
    "=",
    "==&=",
    ";",
    "%2",
    "+%2B+",
    "%F0%9F%A6%80",
    "x=%25%32%35",
];

/// Path segments that are not ids, raw (already encoded or deliberately not).
const RAW_SEGMENTS: &[&str] = &[
    "%zz",
    "%FF",
    "%00",
    "1%00",
    "%2e%2e",
    "..",
    ".",
    "%2F",
    "a%2Fb",
    "-1",
    "0",
    "1.0",
    "1e3",
    "9223372036854775808",
    "-9223372036854775809",
    "%F0%9F%A6%80",
    "%3Cscript%3E",
    "%20",
    "+",
];

/// A huge value (100 KB and more).
fn huge() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("A".repeat(100_000)),
        Just("9".repeat(100_000)),
        Just("ż".repeat(50_000)),
        Just(format!("1{}", "0".repeat(100_000))),
        Just(PROBES[0].repeat(3_000)),
    ]
}

/// A value each parameter accepts, so that in a reaching case the one spoiled value is all that
/// is wrong and the request gets as far as the queries. `{…}` stands for a value known at run
/// time (see [`Fuzzer::valid`]); the settings form's values are read from its page.
const VALID: &[(&str, &str)] = &[
    ("q", "Kowalski"),
    ("account", "{account}"),
    ("status", "BOUGHT"),
    ("fulfillment", "SENT"),
    ("payment", "ONLINE"),
    ("delivery", "fuzz-method"),
    ("marketplace", "allegro-pl"),
    ("currency", "PLN"),
    ("bought_from", "2026-01-01"),
    ("bought_to", "2026-12-31"),
    ("updated_from", "2026-01-01"),
    ("updated_to", "2026-12-31"),
    ("min_total", "1.00"),
    ("max_total", "1000.00"),
    ("invoice", "yes"),
    ("merged", "1"),
    ("sort", "bought_desc"),
    ("page_size", "25"),
    ("format", "csv"),
    ("from", "1"),
    ("to", "2"),
    ("body", "A note\r\non two lines"),
    ("tag", "vip"),
    ("name", "Fuzzed name"),
    ("query", "status=BOUGHT&q=Kowalski"),
    ("shared", "on"),
    ("full", "on"),
    ("reconcile", "on"),
    ("kind", "full"),
    ("next", "/orders?q=Kowalski"),
    ("notice", "signed_out"),
    ("email", "fuzz.nobody@example.com"),
    ("password", "a fuzzed password 123"),
    ("password_confirm", "a fuzzed password 123"),
    ("token", "{setup_token}"),
    ("role", "viewer"),
    ("scope", "some"),
    ("hide_personal_data", "on"),
    ("current_password", "{admin_password}"),
    ("new_password", "a new fuzzed password 123"),
    ("new_password_confirm", "a new fuzzed password 123"),
    ("action", "login"),
    ("actor", "fuzz"),
    ("before", "1000"),
    ("days", "30"),
    ("v", "1"),
    ("confirm_login", "{login}"),
];

/// What a reaching case does to the one value it spoils: a control character (NUL most often)
/// somewhere inside, a long tail, a huge number in its place, or markup after it.
fn spoiled(valid: String) -> BoxedStrategy<String> {
    let (inside, long, probed) = (valid.clone(), valid.clone(), valid);
    prop_oneof![
        4 => (
            select(vec!['\0', '\0', '\0', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\t', '\n', '\r']),
            any::<prop::sample::Index>(),
        )
            .prop_map(move |(c, at)| {
                let mut chars: Vec<char> = inside.chars().collect();
                chars.insert(at.index(chars.len() + 1), c);
                chars.into_iter().collect()
            }),
        2 => (300usize..6_000).prop_map(move |n| format!("{long}{}", "ż".repeat(n))),
        2 => (20usize..400).prop_map(|n| "9".repeat(n)),
        1 => select(vec!["-9223372036854775809", "9223372036854775808", "1e400", "-0.000001"])
            .prop_map(str::to_owned),
        1 => select(PROBES.to_vec()).prop_map(move |p| format!("{probed}{p}")),
    ]
    .boxed()
}

/// An adversarial value: random text, a tricky constant, a value the app knows (so handlers
/// get past the first check), one spoiled with a probe, a huge one, or a number.
fn value(known: &[String]) -> BoxedStrategy<String> {
    let known = known.to_vec();
    prop_oneof![
        3 => any::<String>(),
        1 => "[\\x00-\\x1f\\x7f\u{80}-\u{9f}]{1,8}",
        3 => select(TRICKY).prop_map(str::to_owned),
        2 => select(PROBES.to_vec()).prop_map(str::to_owned),
        3 => select(known.clone()),
        1 => (select(known), select(PROBES.to_vec())).prop_map(|(k, p)| format!("{k}{p}")),
        1 => huge(),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
    ]
    .boxed()
}

#[derive(Clone)]
enum Segment {
    /// Percent-encoded from a value.
    Encoded(String),
    Raw(&'static str),
}

/// How a POST body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Form,
    FormWithCharset,
    /// A form with bytes that are not UTF-8 after decoding.
    FormNotUtf8,
    Json,
    TextPlain,
    MultipartWithoutBoundary,
    NoContentType,
}

/// Who sends the case in the run without an admin session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sender {
    /// The run's own session (the admin's, or an anonymous one).
    Session,
    /// A client that has never had a cookie.
    Cookieless,
}

#[derive(Clone)]
struct Case {
    segment: Segment,
    pairs: Vec<(String, String)>,
    tail: Option<&'static str>,
    body: Body,
    csrf: bool,
    htmx: bool,
    sender: Sender,
    /// Every value valid but one: the request reaches the handler's queries.
    reaching: bool,
}

/// A value for a failure message: long ones cut, with their length.
struct Shown<'a>(&'a str);

impl std::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.0.chars().count();
        if count <= 120 {
            write!(f, "{:?}", self.0)
        } else {
            let head: String = self.0.chars().take(120).collect();
            write!(f, "{head:?}…({count} chars)")
        }
    }
}

impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Encoded(value) => f.debug_tuple("Encoded").field(&Shown(value)).finish(),
            Self::Raw(raw) => f.debug_tuple("Raw").field(raw).finish(),
        }
    }
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<(Shown<'_>, Shown<'_>)> = self
            .pairs
            .iter()
            .map(|(k, v)| (Shown(k), Shown(v)))
            .collect();
        f.debug_struct("Case")
            .field("segment", &self.segment)
            .field("pairs", &pairs)
            .field("tail", &self.tail)
            .field("body", &self.body)
            .field("csrf", &self.csrf)
            .field("htmx", &self.htmx)
            .field("sender", &self.sender)
            .field("reaching", &self.reaching)
            .finish()
    }
}

/// A case whose values are all valid but one, spoiled (or the path's id spoiled): sent as a
/// form with the token, in the run's session.
fn reaching_strategy(route: &Route, fuzzer: &Fuzzer<'_>) -> Option<BoxedStrategy<Case>> {
    let (pairs, segment, targets) = valid_request(route, fuzzer);
    if targets == 0 {
        return None;
    }
    let strategy = (0..targets).prop_flat_map(move |target| {
        let (pairs, segment) = (pairs.clone(), segment.clone());
        spoiled(target_value(&pairs, &segment, target))
            .prop_map(move |bad| reaching_case(&pairs, &segment, target, bad))
    });
    Some(strategy.boxed())
}

/// The route's parameters with valid values, its path's valid id, and how many values there
/// are to spoil.
fn valid_request(
    route: &Route,
    fuzzer: &Fuzzer<'_>,
) -> (Vec<(String, String)>, Option<String>, usize) {
    let pairs: Vec<(String, String)> = route
        .params
        .iter()
        .map(|p| ((*p).to_owned(), fuzzer.valid(p)))
        .collect();
    let segment = fuzzer.valid_segment(route);
    let targets = pairs.len() + usize::from(segment.is_some());
    (pairs, segment, targets)
}

/// The valid value of `target`: a parameter, or past the last one the path's id.
fn target_value(pairs: &[(String, String)], segment: &Option<String>, target: usize) -> String {
    pairs
        .get(target)
        .map(|(_, v)| v.clone())
        .or_else(|| segment.clone())
        .unwrap_or_default()
}

/// The valid case with `target` (see [`target_value`]) replaced by `bad`.
fn reaching_case(
    pairs: &[(String, String)],
    segment: &Option<String>,
    target: usize,
    bad: String,
) -> Case {
    let mut pairs = pairs.to_vec();
    let mut segment = segment.clone().unwrap_or_default();
    match pairs.get_mut(target) {
        Some((_, value)) => *value = bad,
        None => segment = bad,
    }
    Case {
        segment: Segment::Encoded(segment),
        pairs,
        tail: None,
        body: Body::Form,
        csrf: true,
        htmx: false,
        sender: Sender::Session,
        reaching: true,
    }
}

/// Besides the random cases, every parameter (and the path's id) of the route spoiled in turn
/// with a NUL in the middle, a 5,000-character tail and a 300-digit number: each bad value
/// certainly travels as far as it can.
fn sweep(route: &Route, fuzzer: &Fuzzer<'_>) -> Vec<Case> {
    let (pairs, segment, targets) = valid_request(route, fuzzer);
    let mut cases = vec![];
    for target in 0..targets {
        let valid = target_value(&pairs, &segment, target);
        let middle = valid.chars().count() / 2;
        let with_nul: String = valid
            .chars()
            .take(middle)
            .chain(['\0'])
            .chain(valid.chars().skip(middle))
            .collect();
        for bad in [
            with_nul,
            format!("{valid}{}", "ż".repeat(5_000)),
            "9".repeat(300),
        ] {
            cases.push(reaching_case(&pairs, &segment, target, bad));
        }
    }
    cases
}

fn case_strategy(route: &Route, known: &[String]) -> BoxedStrategy<Case> {
    let params: Vec<String> = route.params.iter().map(|p| (*p).to_owned()).collect();
    let odd_names = select(vec![
        "csrf_token",
        "",
        "q[]",
        "__proto__",
        "a\0b",
        "%",
        "ä",
        "💥",
    ])
    .prop_map(str::to_owned);
    let name = if params.is_empty() {
        prop_oneof![odd_names, "[a-z_]{1,12}"].boxed()
    } else {
        prop_oneof![6 => select(params), 1 => odd_names, 1 => "[a-z_]{1,12}"].boxed()
    };
    let segment = prop_oneof![
        3 => value(known).prop_map(Segment::Encoded),
        1 => select(RAW_SEGMENTS).prop_map(Segment::Raw),
    ];
    let body = select(vec![
        Body::Form,
        Body::Form,
        Body::Form,
        Body::Form,
        Body::FormWithCharset,
        Body::FormNotUtf8,
        Body::Json,
        Body::TextPlain,
        Body::MultipartWithoutBoundary,
        Body::NoContentType,
    ]);
    (
        segment,
        prop::collection::vec((name, value(known)), 0..6),
        prop::option::weighted(0.25, select(RAW_TAILS)),
        body,
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.7),
    )
        .prop_map(|(segment, pairs, tail, body, csrf, htmx, session)| Case {
            segment,
            pairs,
            tail,
            body,
            csrf,
            htmx,
            sender: if session {
                Sender::Session
            } else {
                Sender::Cookieless
            },
            reaching: false,
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Sending and checking

/// Never more than this many characters of a URL or body in a failure message.
const SHOWN_CHARS: usize = 300;

fn clip(text: &str) -> String {
    text.chars().take(SHOWN_CHARS).collect()
}

fn urlencoded(pairs: &[(String, String)], tail: Option<&str>) -> String {
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

fn path_of(route: &Route, segment: &Segment) -> String {
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
struct Fuzzer<'a> {
    app: &'a TestApp,
    /// The session every case but [`Sender::Cookieless`] ones is sent in.
    client: reqwest::Client,
    jar: Arc<Jar>,
    /// A client that never keeps a cookie (building a client per case would cost more than
    /// the case).
    bare: reqwest::Client,
    /// Values the app knows: ids, logins, enum names, a setup token.
    known: Vec<String>,
    /// Run-time values for [`VALID`]'s `{…}` and the settings form (name → value), and the
    /// ids of the path's `{id}` (`{order}`, `{view}`, `{account}`, `{user}`).
    runtime: std::collections::HashMap<String, String>,
    /// The admin running the cases (`None`: the run without a session).
    admin: Option<Admin>,
}

struct Admin {
    email: String,
    id: i64,
    /// Another user, targeted instead of the admin (disabling or demoting oneself is refused or
    /// would end the run's session, and is tested in `users`).
    other_id: i64,
}

/// A browser-like client (cookies, no redirects) that gives up on a hung answer, with its
/// cookie jar (read for requests sent without the client).
fn client() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = builder()
        .cookie_provider(jar.clone())
        .build()
        .expect("http client");
    (client, jar)
}

/// No redirects followed, a hung answer given up on, and a new connection per request: a
/// failed request is then the server's doing, never a race with a pooled connection it closed.
fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(0)
}

fn bare_client() -> reqwest::Client {
    builder().build().expect("http client")
}

/// Longest URL the HTTP client sends (the `http` crate caps a URI near 64 KiB); longer ones go
/// over a plain TCP connection.
const CLIENT_URL_MAX: usize = 60_000;

/// Sends `GET`/`HEAD` `target` (path and query) over a fresh TCP connection and returns the
/// status code; the way to send a URL longer than the HTTP client allows.
async fn send_raw(
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
    fn valid(&self, param: &str) -> String {
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
    fn valid_segment(&self, route: &Route) -> Option<String> {
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
    async fn run(&self, route: &Route) {
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
            && id.trim().parse::<i64>().ok() == Some(admin.id)
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
fn has_message(html: &str) -> bool {
    let doc = Html::parse_document(html);
    let messages =
        Selector::parse(".error-card, [role=alert], .flash-error, .error-text").expect("selector");
    doc.select(&messages)
        .any(|e| !e.text().collect::<String>().trim().is_empty())
}

/// Elements the probes would create if they were not escaped.
fn injected_markup(html: &str) -> Vec<String> {
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
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// A runner seeded from the route, so every run sends the same cases.
fn runner(route: &Route) -> TestRunner {
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

/// Enum names, formats and other values the handlers accept, so cases reach past the first
/// check.
fn accepted_values() -> Vec<String> {
    [
        "1",
        "2",
        "3",
        "admin",
        "operator",
        "viewer",
        "csv",
        "csv-items",
        "ndjson",
        "all",
        "some",
        "on",
        "yes",
        "no",
        "full",
        "incremental",
        "reconcile",
        "running",
        "failed",
        "BOUGHT",
        "SENT",
        "ONLINE",
        "PLN",
        "allegro-pl",
        "2026-01-31",
        "Europe/Warsaw",
        "30",
        "90",
        "signed_out",
        "/orders",
        "user_created",
        "fuzz.user@example.com",
        "Fuzzed user",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// An app where the admin runs cases; its throttle never blocks (the login form's cases would
/// otherwise lock out the fresh sign-ins of the session-ending routes).
async fn app_without_throttle() -> TestApp {
    spawn_app_with(|settings| {
        settings.throttle.free_failures_per_email = 1_000_000;
        settings.throttle.free_failures_per_ip = 1_000_000;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_from_a_signed_in_admin_never_causes_a_server_error() {
    let app = app_without_throttle().await;
    let email = "fuzz.admin@example.com";
    let admin_id = app.create_user(email, Role::Admin).await;
    let other_id = app
        .create_user("fuzz.other@example.com", Role::Operator)
        .await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let (client, jar) = client();
    let response = app.login_with(&client, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "admin sign-in");
    let response = app
        .post_form_with(
            &client,
            "/views",
            &[("name", "Fuzzed view"), ("query", "status=BOUGHT")],
        )
        .await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let view_id: i64 = saved_views::table
        .select(saved_views::id)
        .first(&mut app.db.connect())
        .expect("the saved view");
    let order_id = truth(&app).into_keys().next().expect("an order");
    let login = app.simulator.world().sellers()[0].login.clone();
    let mut runtime: std::collections::HashMap<String, String> = [
        ("account", account.to_string()),
        ("user", other_id.to_string()),
        ("view", view_id.to_string()),
        ("order", order_id.clone()),
        ("login", login.clone()),
        ("admin_password", PASSWORD.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let settings = Html::parse_document(
        &app.get_with(&client, "/settings")
            .await
            .text()
            .await
            .unwrap(),
    );
    for name in SETTINGS_FIELDS {
        let value =
            select_attr(&settings, &format!(r#"input[name="{name}"]"#), "value").or_else(|| {
                select_attr(
                    &settings,
                    &format!(r#"select[name="{name}"] option[selected]"#),
                    "value",
                )
            });
        runtime.insert(name.to_owned(), value.unwrap_or_default());
    }
    let mut known = accepted_values();
    known.extend([
        account.to_string(),
        other_id.to_string(),
        view_id.to_string(),
        order_id,
        login,
    ]);
    let fuzzer = Fuzzer {
        app: &app,
        client: client.clone(),
        jar,
        bare: bare_client(),
        known,
        runtime,
        admin: Some(Admin {
            email: email.to_owned(),
            id: admin_id,
            other_id,
        }),
    };
    for route in ROUTES.iter().filter(|r| !r.ends_session) {
        fuzzer.run(route).await;
        // The cases must have reached the handlers as the admin: the session is still there.
        let response = app.get_with(&client, "/account/password").await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the admin session did not survive {} {}",
            route.method,
            route.path
        );
    }
    for route in ROUTES.iter().filter(|r| r.ends_session) {
        fuzzer.run(route).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_without_a_session_or_csrf_token_never_causes_a_server_error() {
    let app = app_without_throttle().await;
    // No users yet: the setup form is live and its token is one of the values sent.
    let setup_token = app.setup_token();
    let (client, jar) = client();
    let mut known = accepted_values();
    known.push(setup_token.clone());
    let fuzzer = Fuzzer {
        app: &app,
        client,
        jar,
        bare: bare_client(),
        known,
        runtime: [("setup_token".to_owned(), setup_token)].into(),
        admin: None,
    };
    for route in ROUTES {
        fuzzer.run(route).await;
    }
}
