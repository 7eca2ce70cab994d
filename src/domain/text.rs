//! Control characters in text: what user input may hold, and what stored text keeps.
//!
//! PostgreSQL refuses NUL in `text` and `jsonb`, terminals and spreadsheets act on other
//! control characters, and no field of this product needs them, except line breaks and tabs
//! in multi-line text (a note).

use std::borrow::Cow;

use serde_json::Value;

/// Whether a text may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no control character at all.
    Single,
    /// Several lines: tab, line feed and carriage return are allowed.
    Multi,
}

/// True when `c` is a control character `lines` does not allow.
fn is_refused(c: char, lines: Lines) -> bool {
    c.is_control() && !(lines == Lines::Multi && matches!(c, '\t' | '\n' | '\r'))
}

/// True when `text` holds a control character `lines` does not allow.
pub fn has_control_chars(text: &str, lines: Lines) -> bool {
    text.chars().any(|c| is_refused(c, lines))
}

/// `text` without the control characters of multi-line text (NUL, escape, DEL, C1 ...); line
/// breaks and tabs stay. For text stored as received from someone else, e.g. in the audit log.
pub fn strip_control_chars(text: &str) -> Cow<'_, str> {
    if has_control_chars(text, Lines::Multi) {
        Cow::Owned(
            text.chars()
                .filter(|&c| !is_refused(c, Lines::Multi))
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Rewrites every string of `value`, object keys included, that `rewrite` returns a new text
/// for.
pub fn rewrite_json_strings(value: &mut Value, rewrite: &impl Fn(&str) -> Option<String>) {
    match value {
        Value::String(s) => {
            if let Some(new) = rewrite(s) {
                *s = new;
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_json_strings(v, rewrite)),
        Value::Object(map) => {
            let renamed: Vec<(String, String)> = map
                .keys()
                .filter_map(|k| rewrite(k).map(|new| (k.clone(), new)))
                .collect();
            for (old, new) in renamed {
                if let Some(v) = map.remove(&old) {
                    map.insert(new, v);
                }
            }
            map.values_mut()
                .for_each(|v| rewrite_json_strings(v, rewrite));
        }
        _ => {}
    }
}

/// [`strip_control_chars`] on every string of `value`.
pub fn strip_control_chars_in_json(value: &mut Value) {
    rewrite_json_strings(value, &|s| match strip_control_chars(s) {
        Cow::Owned(clean) => Some(clean),
        Cow::Borrowed(_) => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_text_refuses_every_control_character() {
        for bad in ["a\0b", "\t", "x\n", "\r", "\u{1b}[31m", "\u{7f}", "\u{85}"] {
            assert!(has_control_chars(bad, Lines::Single), "{bad:?}");
        }
        assert!(!has_control_chars("Zażółć gęślą jaźń 🦀", Lines::Single));
    }

    #[test]
    fn multi_line_text_allows_line_breaks_and_tabs_only() {
        assert!(!has_control_chars("a\r\nb\tc", Lines::Multi));
        assert!(has_control_chars("a\0b", Lines::Multi));
        assert!(has_control_chars("a\u{1b}b", Lines::Multi));
    }

    #[test]
    fn stripping_keeps_line_breaks_and_drops_the_rest() {
        assert_eq!(strip_control_chars("a\0b\u{1b}\nc\u{7f}"), "ab\nc");
        assert!(matches!(strip_control_chars("plain"), Cow::Borrowed(_)));
        let mut json = serde_json::json!({"k\u{0}": ["a\u{0}b", {"c": "\u{1b}x\n"}], "n": 1});
        strip_control_chars_in_json(&mut json);
        assert_eq!(json, serde_json::json!({"k": ["ab", {"c": "x\n"}], "n": 1}));
    }
}
