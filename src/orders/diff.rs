//! A readable diff between two revisions of an order: both JSON documents are flattened to
//! leaf paths (`delivery.address.city`, `lineItems[0].quantity`) and compared path by path.
//! Empty objects and arrays count as leaves, so `[]` → `[1]` shows as the new element.

use std::collections::BTreeMap;

use serde_json::Value;

/// How one path differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    /// The message naming this kind of change (`locales/*/order.ftl`).
    pub fn message_key(&self) -> &'static str {
        match self {
            ChangeKind::Added => "diff-added",
            ChangeKind::Removed => "diff-removed",
            ChangeKind::Changed => "diff-changed",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One changed leaf; values are compact JSON (strings with their quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The leaves of `value`: path → compact JSON, in path order.
pub fn flatten(value: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

fn walk(value: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, child_path, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                walk(child, format!("{path}[{i}]"), out);
            }
        }
        leaf => {
            let path = if path.is_empty() {
                "(root)".into()
            } else {
                path
            };
            out.insert(path, leaf.to_string());
        }
    }
}

/// What changed from `before` to `after`, in path order; empty when they are equal.
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let (old, new) = (flatten(before), flatten(after));
    let mut changes = vec![];
    for (path, old_value) in &old {
        match new.get(path) {
            None => changes.push(Change {
                path: path.clone(),
                kind: ChangeKind::Removed,
                before: Some(old_value.clone()),
                after: None,
            }),
            Some(new_value) if new_value != old_value => changes.push(Change {
                path: path.clone(),
                kind: ChangeKind::Changed,
                before: Some(old_value.clone()),
                after: Some(new_value.clone()),
            }),
            Some(_) => {}
        }
    }
    for (path, new_value) in &new {
        if !old.contains_key(path) {
            changes.push(Change {
                path: path.clone(),
                kind: ChangeKind::Added,
                before: None,
                after: Some(new_value.clone()),
            });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(changes: &[Change]) -> Vec<(&str, &str)> {
        changes
            .iter()
            .map(|c| (c.path.as_str(), c.kind.as_str()))
            .collect()
    }

    #[test]
    fn equal_documents_have_no_changes() {
        let doc = json!({"a": {"b": [1, {"c": null}]}, "d": []});
        assert!(diff(&doc, &doc.clone()).is_empty());
    }

    #[test]
    fn nested_objects_show_full_paths() {
        let before = json!({"delivery": {"address": {"city": "Poznań", "zipCode": "60-166"}}});
        let after = json!({"delivery": {"address": {"city": "Łódź", "zipCode": "60-166"}}});
        let changes = diff(&before, &after);
        assert_eq!(
            changes,
            vec![Change {
                path: "delivery.address.city".into(),
                kind: ChangeKind::Changed,
                before: Some("\"Poznań\"".into()),
                after: Some("\"Łódź\"".into()),
            }]
        );
    }

    #[test]
    fn array_elements_are_indexed_and_added_or_removed() {
        let before = json!({"lineItems": [{"quantity": 1}], "surcharges": []});
        let after =
            json!({"lineItems": [{"quantity": 2}, {"quantity": 5}], "surcharges": [{"id": "s"}]});
        assert_eq!(
            paths(&diff(&before, &after)),
            [
                ("lineItems[0].quantity", "changed"),
                ("lineItems[1].quantity", "added"),
                ("surcharges", "removed"),
                ("surcharges[0].id", "added"),
            ]
        );
        assert_eq!(
            paths(&diff(&after, &before)),
            [
                ("lineItems[0].quantity", "changed"),
                ("lineItems[1].quantity", "removed"),
                ("surcharges", "added"),
                ("surcharges[0].id", "removed"),
            ]
        );
    }

    #[test]
    fn a_type_change_is_a_change_of_the_leaf_or_of_its_children() {
        let before = json!({"a": "1", "b": {"x": 1}, "c": null});
        let after = json!({"a": 1, "b": "gone", "c": {"y": true}});
        assert_eq!(
            paths(&diff(&before, &after)),
            [
                ("a", "changed"),
                ("b", "added"),
                ("b.x", "removed"),
                ("c", "removed"),
                ("c.y", "added"),
            ]
        );
        let change = &diff(&before, &after)[0];
        assert_eq!(change.before.as_deref(), Some("\"1\""));
        assert_eq!(change.after.as_deref(), Some("1"));
    }
}
