//! The cases sent to a route: random ones, reaching ones (every value valid but one) and the
//! sweep that spoils each parameter in turn.

use proptest::{prelude::*, sample::select};

use super::{
    Route,
    fuzzer::Fuzzer,
    values::{RAW_SEGMENTS, RAW_TAILS, spoiled, value},
};

#[derive(Clone)]
pub(super) enum Segment {
    /// Percent-encoded from a value.
    Encoded(String),
    Raw(&'static str),
}

/// How a POST body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
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
pub(super) enum Sender {
    /// The run's own session (the admin's, or an anonymous one).
    Session,
    /// A client that has never had a cookie.
    Cookieless,
}

#[derive(Clone)]
pub(super) struct Case {
    pub(super) segment: Segment,
    pub(super) pairs: Vec<(String, String)>,
    pub(super) tail: Option<&'static str>,
    pub(super) body: Body,
    pub(super) csrf: bool,
    pub(super) htmx: bool,
    pub(super) sender: Sender,
    /// Every value valid but one: the request reaches the handler's queries.
    pub(super) reaching: bool,
}

/// A value for a failure message: long ones cut, with their length.
pub(super) struct Shown<'a>(&'a str);

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
pub(super) fn reaching_strategy(route: &Route, fuzzer: &Fuzzer<'_>) -> Option<BoxedStrategy<Case>> {
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
pub(super) fn valid_request(
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
pub(super) fn target_value(
    pairs: &[(String, String)],
    segment: &Option<String>,
    target: usize,
) -> String {
    pairs
        .get(target)
        .map(|(_, v)| v.clone())
        .or_else(|| segment.clone())
        .unwrap_or_default()
}

/// The valid case with `target` (see [`target_value`]) replaced by `bad`.
pub(super) fn reaching_case(
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
pub(super) fn sweep(route: &Route, fuzzer: &Fuzzer<'_>) -> Vec<Case> {
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

pub(super) fn case_strategy(route: &Route, known: &[String]) -> BoxedStrategy<Case> {
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
