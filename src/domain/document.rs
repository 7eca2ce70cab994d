//! Canonical JSON and the content hash that decides whether a re-fetched order changed.

use std::{
    fmt,
    io::{self, Write},
};

use serde::{Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A JSON document as [`canonical_json`] text together with its [`content_hash`]: what the
/// backup stores and compares. A few KB of text instead of a `serde_json::Value` tree (several
/// times larger), so pages of checkout forms in flight stay small; built once, when the form
/// arrives.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    text: String,
    hash: String,
}

impl Document {
    pub fn new(value: &Value) -> Self {
        let text = canonical_json(value);
        let hash = hash_of_canonical(&text);
        Self { text, hash }
    }

    /// The canonical JSON text (valid JSON: what is stored as the document).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// sha256 (lowercase hex) of [`Self::text`].
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// True when a string of the document (a key or a value) holds a NUL character, which
    /// PostgreSQL's `text` and `jsonb` refuse. serde_json writes NUL as the escape `\u0000`;
    /// one preceded by an odd number of backslashes is typed text (`\\u0000`), not a NUL.
    pub fn holds_nul(&self) -> bool {
        const ESCAPE: &str = "\\u0000";
        let mut from = 0;
        while let Some(found) = self.text[from..].find(ESCAPE) {
            let at = from + found;
            let backslashes_before = self.text.as_bytes()[..at]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes_before % 2 == 0 {
                return true;
            }
            from = at + ESCAPE.len();
        }
        false
    }

    /// The document as a JSON tree again.
    pub fn to_value(&self) -> Value {
        // The text was written by serde_json from a Value: it always parses back.
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

impl From<&Value> for Document {
    fn from(value: &Value) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("bytes", &self.text.len())
            .field("hash", &self.hash)
            .finish()
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

/// The JSON text with object keys sorted at every level and no whitespace: equal documents give
/// equal text whatever order Allegro sent the keys in. Being valid JSON, it is also what
/// `upsert_orders` sends as the order's document.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::with_capacity(4096);
    // Writing into a Vec cannot fail, and serde_json writes valid UTF-8.
    let _ = write_canonical(value, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// sha256 (lowercase hex) of [`canonical_json`]: what decides whether a re-fetched order changed.
pub fn content_hash(value: &Value) -> String {
    hash_of_canonical(&canonical_json(value))
}

/// [`content_hash`] of a document whose [`canonical_json`] text is already at hand.
fn hash_of_canonical(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) -> io::Result<()> {
    match value {
        // serde_json's default map is already sorted: no copy of the entries to sort then.
        Value::Object(map) if map.keys().is_sorted() => write_object(map.iter(), out),
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            write_object(entries.into_iter(), out)
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.write_all(b"]")
        }
        // Strings, numbers, booleans and null print the same way whatever the map ordering.
        scalar => serde_json::to_writer(out, scalar).map_err(io::Error::from),
    }
}

fn write_object<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    out.push(b'{');
    for (i, (key, item)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key)?;
        out.push(b':');
        write_canonical(item, out)?;
    }
    out.write_all(b"}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_characters_are_found_and_typed_escapes_are_not() {
        assert!(Document::new(&json!({"a": "x\u{0}y"})).holds_nul());
        assert!(Document::new(&json!({"k\u{0}": 1})).holds_nul());
        assert!(Document::new(&json!({"a": "\\\u{0}"})).holds_nul());
        assert!(!Document::new(&json!({"a": "typed \\u0000"})).holds_nul());
        assert!(!Document::new(&json!({"a": "plain"})).holds_nul());
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = json!({"b": 1, "a": {"y": [1, {"d": null, "c": "x"}], "x": true}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"x":true,"y":[1,{"c":"x","d":null}]},"b":1}"#
        );
    }

    #[test]
    fn the_content_hash_ignores_key_order_but_not_values() {
        let a: Value = serde_json::from_str(r#"{"id":"1","total":"72.97","n":[1,2]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"n":[1,2],"total":"72.97","id":"1"}"#).unwrap();
        let c: Value = serde_json::from_str(r#"{"n":[2,1],"total":"72.97","id":"1"}"#).unwrap();
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_ne!(content_hash(&a), content_hash(&c));
        assert_eq!(content_hash(&a).len(), 64);
    }

    #[test]
    fn strings_are_escaped_as_json() {
        let v = json!({"k\"ey": "line\nbreak \u{017c}"});
        let text = canonical_json(&v);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }

    #[test]
    fn the_hash_of_a_known_document_is_stable() {
        // sha256 of `{"a":1}`.
        assert_eq!(
            content_hash(&json!({"a": 1})),
            "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
        );
    }

    #[test]
    fn a_document_holds_the_canonical_text_and_its_hash_and_reads_back() {
        let v = json!({"b": [1, {"z": "ż", "a": null}], "a": "72.97"});
        let doc = Document::new(&v);
        assert_eq!(doc.text(), canonical_json(&v));
        assert_eq!(doc.hash(), content_hash(&v));
        assert_eq!(doc.to_value(), v);
        assert_eq!(serde_json::to_value(&doc).unwrap(), v);
        assert!(!format!("{doc:?}").contains("72.97"), "Debug is a summary");
    }
}
