//! Canonical JSON and the content hash that decides whether a re-fetched order changed.

use std::io::{self, Write};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The JSON text with object keys sorted at every level and no whitespace: equal documents give
/// equal text whatever order Allegro sent the keys in.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and serde_json writes valid UTF-8.
    let _ = write_canonical(value, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// sha256 (lowercase hex) of [`canonical_json`]: what decides whether a re-fetched order changed.
/// The canonical text is streamed into the hasher, never built as a whole.
pub fn content_hash(value: &Value) -> String {
    let mut hasher = HashWriter(Sha256::new());
    // The hasher's writer cannot fail.
    let _ = write_canonical(value, &mut hasher);
    hex::encode(hasher.0.finalize())
}

struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn write_canonical(value: &Value, out: &mut impl Write) -> io::Result<()> {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.write_all(b"{")?;
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key)?;
                out.write_all(b":")?;
                write_canonical(item, out)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_canonical(item, out)?;
            }
            out.write_all(b"]")
        }
        // Strings, numbers, booleans and null print the same way whatever the map ordering.
        scalar => serde_json::to_writer(out, scalar).map_err(io::Error::from),
    }
}
