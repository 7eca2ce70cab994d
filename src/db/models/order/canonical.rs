//! Canonical JSON and the content hash that decides whether a re-fetched order changed.

use std::io::{self, Write};

use serde_json::Value;
use sha2::{Digest, Sha256};

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
pub(super) fn hash_of_canonical(text: &str) -> String {
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
