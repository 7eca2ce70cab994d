//! No template writes text a person reads outside the translation calls: after the askama
//! tags and expressions are taken out, what is left between the HTML tags (and in the
//! attributes people read) is markup, symbols or an allowed name.

use std::{fs, path::Path};

/// Words that are the same in every language: the product's and Allegro's names, formats.
const ALLOWED_WORDS: [&str; 10] = [
    "ms",
    "allegro-backup",
    "Allegro",
    "CSV",
    "NDJSON",
    "JSON",
    "Excel",
    "htmx",
    "ID",
    "Smart!",
];

/// Attributes whose values people read (or hear).
const READ_ATTRIBUTES: [&str; 6] = [
    "title=\"",
    "placeholder=\"",
    "aria-label=\"",
    "alt=\"",
    "data-confirm=\"",
    "aria-description=\"",
];

/// Templates not yet translated (issue 16, in progress): each is listed with the reason, and
/// the test fails when a listed template has no literal text left, so the list only shrinks.
const NOT_YET_TRANSLATED: &[&str] = &[];

/// `source` without askama comments, tags and expressions (each replaced by a space), and
/// without the `body_class` block, whose words are CSS class names.
fn without_askama(source: &str) -> String {
    let source = match source.split_once("{% block body_class %}") {
        Some((before, after)) => {
            let rest = after.split_once("{% endblock %}").map_or("", |(_, r)| r);
            format!("{before}{rest}")
        }
        None => source.to_owned(),
    };
    let source = source.as_str();
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find(['{']) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let close = match after.get(..2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            Some("{#") => "#}",
            _ => {
                out.push('{');
                rest = &after[1..];
                continue;
            }
        };
        match after.find(close) {
            Some(end) => {
                out.push(' ');
                rest = &after[end + 2..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text of `html` a person reads: between tags (scripts and styles left out) and in the read
/// attributes.
fn read_text(html: &str) -> Vec<String> {
    let mut texts = vec![];
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        texts.push(rest[..open].to_owned());
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close + 1];
        for attribute in READ_ATTRIBUTES {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                texts.push(value[..value.find('"').unwrap_or(value.len())].to_owned());
            }
        }
        rest = &rest[open + close + 1..];
        for skipped in ["script", "style", "title"] {
            if tag.starts_with(&format!("<{skipped}")) {
                let end = format!("</{skipped}>");
                rest = rest.find(&end).map_or("", |at| &rest[at..]);
            }
        }
    }
    texts.push(rest.to_owned());
    texts
}

/// The words of `text` that would reach a reader untranslated.
fn literal_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|word| word.chars().any(char::is_alphabetic))
        .filter(|word| {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '!' && c != '-');
            !ALLOWED_WORDS.contains(&bare) && !word.starts_with("&") && !bare.is_empty()
        })
        .map(str::to_owned)
        .collect()
}

fn templates() -> Vec<std::path::PathBuf> {
    let mut found = vec![];
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn templates_carry_no_literal_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut failures = vec![];
    let mut listed_but_clean = vec![];
    for path in templates() {
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let source = fs::read_to_string(&path).unwrap();
        let words: Vec<String> = read_text(&without_askama(&source))
            .iter()
            .flat_map(|text| literal_words(text))
            .collect();
        match (
            words.is_empty(),
            NOT_YET_TRANSLATED.contains(&name.as_str()),
        ) {
            (false, false) => failures.push(format!("{name}: {}", words.join(" "))),
            (true, true) => listed_but_clean.push(name),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "literal text outside the translation calls:\n{}",
        failures.join("\n")
    );
    assert!(
        listed_but_clean.is_empty(),
        "translated now, remove from NOT_YET_TRANSLATED: {listed_but_clean:?}"
    );
}

#[test]
fn the_scan_sees_text_and_ignores_markup() {
    let source = r#"<p title="Hello">{{ page.t("x") }} · <b>Orders</b></p>
        {# a comment #}<script>let a = "text";</script><span aria-label="{{ x }}">×</span>"#;
    let words: Vec<String> = read_text(&without_askama(source))
        .iter()
        .flat_map(|t| literal_words(t))
        .collect();
    assert_eq!(words, ["Hello", "Orders"]);
}
