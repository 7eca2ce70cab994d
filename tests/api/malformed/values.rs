//! What is sent: markup probes, values that trip parsers, raw tails and path segments, huge
//! values, a valid value for each parameter and the ways a reaching case spoils it.

use proptest::{prelude::*, sample::select};

/// Markup that must come back escaped wherever input is echoed.
pub(super) const PROBES: [&str; 3] = [
    r#"<script>alert("xss-probe")</script>"#,
    r#""><img src=x onerror=xss_probe()>"#,
    r#"'><svg onload=xss_probe()>"#,
];

/// Values that trip parsers: numbers at and past their limits, dates that are not, injection
/// strings, unicode and control characters.
pub(super) const TRICKY: &[&str] = &[
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
pub(super) const RAW_TAILS: &[&str] = &[
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
pub(super) const RAW_SEGMENTS: &[&str] = &[
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
pub(super) fn huge() -> impl Strategy<Value = String> {
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
pub(super) const VALID: &[(&str, &str)] = &[
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
pub(super) fn spoiled(valid: String) -> BoxedStrategy<String> {
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
pub(super) fn value(known: &[String]) -> BoxedStrategy<String> {
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

/// Enum names, formats and other values the handlers accept, so cases reach past the first
/// check.
pub(super) fn accepted_values() -> Vec<String> {
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
