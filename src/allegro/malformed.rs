//! Property tests: whatever Allegro sends — arbitrary bytes, arbitrary JSON, or a real payload
//! with parts replaced, removed or spoiled — the client's parsing returns a value or an error and
//! never panics, and a checkout form that parses maps to its order row without panicking.
//!
//! The seed is fixed (the same cases on every run) unless `PROPTEST_RNG_SEED` is set; failing
//! seeds are kept under `proptest-regressions/`.

use proptest::{
    prelude::*,
    sample::{Index, select},
    test_runner::{Config, RngSeed},
};
use serde_json::Value;

use super::{
    CheckoutForm, CheckoutFormsPage, Me, RejectedForm, SNIPPET_MAX_CHARS, TokenSet,
    checkout_form::LineItem,
    error::{error_details, snippet},
    models::{Amount, EventStats, EventsPage},
    oauth::{DeviceWire, MAX_SECONDS, TokenWire},
    shipment::ShipmentsPage,
};
use crate::sync::map;

/// `cases` cases from a fixed seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override them.
fn config(cases: u32) -> Config {
    let default = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            default.cases
        } else {
            cases
        },
        rng_seed: match default.rng_seed {
            RngSeed::Random => RngSeed::Fixed(0x0061_6c6c_6567_726f),
            chosen => chosen,
        },
        ..default
    }
}

const CHECKOUT_FORM: &str = include_str!("../../tests/api/allegro_checkout_form.json");

const EVENTS: &str = r#"{"events":[{"id":"1784020205482913","occurredAt":"2026-07-14T09:10:05.481Z",
"type":"BOUGHT","order":{"seller":{"id":"437848322"},"buyer":{"id":"23123123","guest":false},
"lineItems":[{"id":"62ae358b-8f65-4fc4-9c77-bedf604a2e2b","offer":{"id":"17412345678"},
"quantity":2,"price":{"amount":"29.99","currency":"PLN"},"boughtAt":"2026-07-14T09:10:05.481Z"}],
"checkoutForm":{"id":"29738e61-7f6a-11e8-ac45-09db60ede9d6","revision":"4a1c09e2"},
"marketplace":{"id":"allegro-pl"}}}]}"#;

const EVENT_STATS: &str =
    r#"{"latestEvent":{"id":"1784020352561747","occurredAt":"2026-07-14T09:12:32Z"}}"#;

const SHIPMENTS: &str = r#"{"shipments":[{"id":"a1b2","waybill":"AB123","carrierId":"INPOST",
"carrierName":"InPost","lineItems":[{"id":"li-1"}],"createdAt":"2026-11-20T10:00:00.000Z"}]}"#;

const ME: &str = r#"{"id":"437848322","login":"sklep_kubki","firstName":"Anna",
"lastName":"Nowak","email":"anna@example.com","baseMarketplace":{"id":"allegro-pl"}}"#;

const DEVICE: &str = r#"{"device_code":"qeRK87eUwzFVT1AdEygGRxsFEO5ZDVXn","expires_in":3600,
"user_code":"bhmg4lm1i","interval":5,"verification_uri":"https://allegro.pl/skojarz-aplikacje",
"verification_uri_complete":"https://allegro.pl/skojarz-aplikacje?code=bhmg4lm1i"}"#;

const TOKEN: &str = r#"{"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX25hbWUiOiIxMDQ4MjI0NDQifQ.c2ln",
"token_type":"bearer","refresh_token":"eyJhbGciOiJSUzI1NiJ9.eyJ9.cmVmcmVzaA","expires_in":43199,
"scope":"allegro:api:orders:read allegro:api:profile:read","allegro_api":true,"jti":"5d2e7a1c"}"#;

const ERRORS: &str = r#"{"errors":[{"code":"VALIDATION_ERROR","message":"Offset too big",
"details":null,"path":null,"userMessage":"Za duzo"}],"error":"invalid_grant",
"error_description":"Invalid refresh token"}"#;

/// Every example payload, each a JSON document Allegro could send.
const EXAMPLES: [&str; 8] = [
    CHECKOUT_FORM,
    EVENTS,
    EVENT_STATS,
    SHIPMENTS,
    ME,
    DEVICE,
    TOKEN,
    ERRORS,
];

/// Strings that stress the typed fields: amounts, timestamps, ids, counts.
const WEIRD: &[&str] = &[
    "",
    " ",
    "-0",
    "-",
    ".",
    "0.",
    ".5",
    "1e400",
    "-1e400",
    "1E5",
    "NaN",
    "Infinity",
    "0x1F",
    "١٢٣",
    "１２３",
    "72,97",
    " 72.97",
    "72.97 ",
    "--1",
    "+1",
    "18446744073709551616",
    "-9223372036854775809",
    "2026-07-14T09:12:32.321Z",
    "2026-07-14T09:12:32Z",
    "2026-07-14T09:12:32+0100",
    "2026-07-14T09:12:32",
    "2026-07-14T09:12:60Z",
    "2026-02-30T00:00:00Z",
    "+262143-12-31T23:59:59Z",
    "-262144-01-01T00:00:00Z",
    "2026-07-14T09:12:32.99999999999999999999Z",
    "2026-07-14T09:12:32+99:99",
    "9999999999-01-01T00:00:00Z",
    "\0",
    "a\0b",
    "\u{202e}",
    "Zażółć gęślą jaźń",
    "🦀",
    "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX25hbWUiOjF9.c2ln",
    "a.%%%.c",
    "a..c",
];

/// Field names the DTOs read, so random objects hit them.
const KEYS: &[&str] = &[
    "id",
    "status",
    "buyer",
    "payment",
    "delivery",
    "invoice",
    "required",
    "marketplace",
    "summary",
    "totalToPay",
    "amount",
    "currency",
    "paidAmount",
    "lineItems",
    "surcharges",
    "offer",
    "external",
    "quantity",
    "price",
    "originalPrice",
    "boughtAt",
    "updatedAt",
    "revision",
    "fulfillment",
    "guest",
    "method",
    "pickupPoint",
    "cost",
    "finishedAt",
    "checkoutForms",
    "count",
    "totalCount",
    "events",
    "type",
    "occurredAt",
    "order",
    "checkoutForm",
    "latestEvent",
    "shipments",
    "waybill",
    "createdAt",
    "login",
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
    "expires_in",
    "interval",
    "access_token",
    "refresh_token",
    "scope",
    "errors",
    "error",
    "error_description",
    "userMessage",
    "message",
    "code",
];

fn weird_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(WEIRD).prop_map(str::to_owned),
        3 => any::<String>(),
        1 => Just("9".repeat(100_000)),
        1 => Just("ż".repeat(50_000)),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => any::<i128>().prop_map(|n| n.to_string()),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        select(vec![0.0, -0.0, 1e300, -1e300, 5e-324, 1.5, 43199.0])
            .prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
                .map(Value::Number)),
    ]
    .boxed()
}

/// Arbitrary JSON whose object keys are mostly the names the DTOs read.
fn json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        weird_string().prop_map(Value::String),
    ];
    let key = prop_oneof![4 => select(KEYS).prop_map(str::to_owned), 1 => any::<String>()];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
    .boxed()
}

/// One change to a document at the node an [`Index`] picks.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    Remove,
    /// The node twice over (an array of itself).
    Wrap,
}

fn mutation() -> impl Strategy<Value = (Index, Mutation)> {
    let change = prop_oneof![
        3 => weird_string().prop_map(|s| Mutation::Replace(Value::String(s))),
        2 => json().prop_map(Mutation::Replace),
        1 => number().prop_map(Mutation::Replace),
        1 => Just(Mutation::Replace(Value::Null)),
        2 => Just(Mutation::Remove),
        1 => Just(Mutation::Wrap),
    ];
    (any::<Index>(), change)
}

/// JSON pointers of every node of `value`, the root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn mutate(mut doc: Value, mutations: &[(Index, Mutation)]) -> Value {
    for (index, change) in mutations {
        let mut all = vec![];
        pointers(&doc, String::new(), &mut all);
        let pointer = index.get(&all).clone();
        match change {
            Mutation::Replace(new) => {
                if let Some(node) = doc.pointer_mut(&pointer) {
                    *node = new.clone();
                }
            }
            Mutation::Wrap => {
                if let Some(node) = doc.pointer_mut(&pointer) {
                    *node = Value::Array(vec![node.clone(), node.clone()]);
                }
            }
            Mutation::Remove => {
                let Some((parent, last)) = pointer.rsplit_once('/') else {
                    continue;
                };
                let last = last.replace("~1", "/").replace("~0", "~");
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&last);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    doc
}

/// A checkout form that parsed maps to its row: the JSON kept whole, the counts and amounts
/// as the form has them.
fn check_form(form: &CheckoutForm) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        serde_json::to_value(form).expect("serialize"),
        form.document.to_value()
    );
    let order = map::new_order(form);
    prop_assert_eq!(&order.document, &form.document);
    prop_assert_eq!(order.line_items.len(), form.line_items.len());
    prop_assert_eq!(
        order.columns.line_item_count as usize,
        form.line_items.len()
    );
    for amount in order
        .columns
        .total_amount
        .iter()
        .chain(order.columns.paid_amount.iter())
        .chain(order.line_items.iter().map(|i| &i.price))
    {
        prop_assert!(
            amount.parse::<Amount>().is_ok(),
            "{amount:?} is not an amount"
        );
    }
    for (row, item) in order.line_items.iter().zip(&form.line_items) {
        check_item(row.quantity, item)?;
    }
    Ok(())
}

fn check_item(quantity: i32, item: &LineItem) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        i64::from(quantity),
        i64::from(item.quantity).min(i64::from(i32::MAX))
    );
    Ok(())
}

/// Runs every parser on `body`; each returns a value or an error, and what parses holds up.
fn parse_everything(body: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(page) = serde_json::from_slice::<CheckoutFormsPage>(body) {
        for form in page.checkout_forms() {
            check_form(form)?;
        }
        for rejected in page.rejected() {
            prop_assert!(!rejected.error.is_empty());
            prop_assert!(RejectedForm::parse(rejected.raw.clone()).is_err());
        }
    }
    if let Ok(form) = serde_json::from_slice::<CheckoutForm>(body) {
        check_form(&form)?;
    }
    if let Ok(page) = serde_json::from_slice::<EventsPage>(body) {
        for event in &page.events {
            let row = map::new_event(event);
            prop_assert!(!row.raw.to_string().contains("\\u0000"));
            prop_assert_eq!(row.event_id.as_str(), event.id.as_str());
        }
    }
    let _ = serde_json::from_slice::<EventStats>(body);
    let _ = serde_json::from_slice::<ShipmentsPage>(body);
    let _ = serde_json::from_slice::<Me>(body);
    if let Ok(device) = serde_json::from_slice::<DeviceWire>(body) {
        prop_assert!(device.expires_in.as_secs() <= MAX_SECONDS);
        prop_assert!(device.interval.is_none_or(|i| i.as_secs() <= MAX_SECONDS));
    }
    if let Ok(token) = serde_json::from_slice::<TokenWire>(body) {
        let tokens = TokenSet::from(token);
        prop_assert!(tokens.expires_in.as_secs() <= MAX_SECONDS);
    }
    if let Some((_, message)) = error_details(body) {
        prop_assert!(message.len() <= body.len() + "[redacted]".len());
    }
    prop_assert!(snippet(body).chars().count() <= SNIPPET_MAX_CHARS);
    Ok(())
}

/// An example document with 1–4 mutations, as bytes.
fn mutated_example() -> impl Strategy<Value = Vec<u8>> {
    (
        select(EXAMPLES.to_vec()),
        prop::collection::vec(mutation(), 1..5),
    )
        .prop_map(|(example, mutations)| {
            let doc: Value = serde_json::from_str(example).expect("example JSON");
            serde_json::to_vec(&mutate(doc, &mutations)).expect("serialize")
        })
}

/// Paths of the typed checkout form fields, to aim spoiled values at.
const FORM_FIELDS: &[&str] = &[
    "/id",
    "/status",
    "/buyer",
    "/buyer/id",
    "/buyer/guest",
    "/summary/totalToPay/amount",
    "/summary/totalToPay/currency",
    "/payment/paidAmount/amount",
    "/payment/finishedAt",
    "/delivery/cost/amount",
    "/lineItems",
    "/lineItems/0/quantity",
    "/lineItems/0/price/amount",
    "/lineItems/0/originalPrice/amount",
    "/lineItems/0/boughtAt",
    "/lineItems/0/offer/id",
    "/surcharges",
    "/invoice/required",
    "/updatedAt",
    "/revision",
];

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_parsers(body in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_everything(&body)?;
    }

    #[test]
    fn arbitrary_json_never_panics_the_parsers(doc in json()) {
        parse_everything(&serde_json::to_vec(&doc).expect("serialize"))?;
    }

    #[test]
    fn spoiled_example_payloads_never_panic_the_parsers(body in mutated_example()) {
        parse_everything(&body)?;
    }

    #[test]
    fn truncated_example_payloads_are_errors(
        example in select(EXAMPLES.to_vec()),
        cut in any::<Index>(),
    ) {
        let example = example.trim_end().as_bytes();
        let cut = &example[..cut.index(example.len())];
        parse_everything(cut)?;
        prop_assert!(serde_json::from_slice::<Value>(cut).is_err());
    }

    #[test]
    fn a_checkout_form_with_spoiled_typed_fields_parses_or_is_rejected_and_maps(
        spoils in prop::collection::vec(
            (select(FORM_FIELDS), prop_oneof![
                3 => weird_string().prop_map(Value::String),
                1 => number(),
                1 => Just(Value::Null),
                1 => json(),
            ]),
            1..4,
        ),
        remove in prop::option::of(select(FORM_FIELDS)),
    ) {
        let mut raw: Value = serde_json::from_str(CHECKOUT_FORM).expect("fixture");
        for (pointer, value) in spoils {
            if let Some(node) = raw.pointer_mut(pointer) {
                *node = value;
            }
        }
        if let Some((parent, key)) = remove.and_then(|p| p.rsplit_once('/'))
            && let Some(Value::Object(map)) = raw.pointer_mut(parent)
        {
            map.remove(key);
        }
        match RejectedForm::parse(raw.clone()) {
            Ok(form) => check_form(&form)?,
            Err(rejected) => {
                prop_assert!(!rejected.error.is_empty());
                prop_assert_eq!(&rejected.raw, &raw);
            }
        }
        let page = serde_json::json!({ "checkoutForms": [raw.clone(), raw], "count": 2 });
        let page: CheckoutFormsPage = serde_json::from_value(page).expect("a page always parses");
        prop_assert_eq!(page.checkout_forms().len() + page.rejected().len(), 2);
    }
}

#[test]
fn every_example_parses_as_what_it_is() {
    let form: CheckoutForm = serde_json::from_str(CHECKOUT_FORM).expect("checkout form");
    assert_eq!(
        form.line_items.len(),
        map::new_order(&form).line_items.len()
    );
    let events: EventsPage = serde_json::from_str(EVENTS).expect("events");
    assert_eq!(events.events.len(), 1);
    let stats: EventStats = serde_json::from_str(EVENT_STATS).expect("event stats");
    assert!(stats.latest_event.is_some());
    let shipments: ShipmentsPage = serde_json::from_str(SHIPMENTS).expect("shipments");
    assert_eq!(shipments.shipments.len(), 1);
    let me: Me = serde_json::from_str(ME).expect("me");
    assert_eq!(me.login, "sklep_kubki");
    let device: DeviceWire = serde_json::from_str(DEVICE).expect("device");
    assert_eq!(device.expires_in.as_secs(), 3600);
    let token = TokenSet::from(serde_json::from_str::<TokenWire>(TOKEN).expect("token"));
    assert_eq!(token.allegro_user_id.as_deref(), Some("104822444"));
    assert_eq!(
        error_details(ERRORS.as_bytes()),
        Some((Some("VALIDATION_ERROR".into()), "Za duzo".into()))
    );
}

#[test]
fn lifetimes_past_the_sane_limit_are_errors() {
    for expires_in in [
        "1e13",
        "10000000000000",
        "18446744073709551615",
        "\"99999999999\"",
    ] {
        let body = DEVICE.replace("3600", expires_in);
        assert!(
            serde_json::from_str::<DeviceWire>(&body).is_err(),
            "{expires_in} accepted"
        );
        let body = TOKEN.replace("43199", expires_in);
        assert!(
            serde_json::from_str::<TokenWire>(&body).is_err(),
            "{expires_in} accepted"
        );
    }
}
