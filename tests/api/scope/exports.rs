//! What a masked user is told and offered about exports.

use std::collections::{HashMap, HashSet};

use reqwest::StatusCode;

use super::world;
use crate::{export::csv_table, helpers::text_of};

/// What a masked user is told and offered about exports: no NDJSON link, a refusal that names
/// personal data, CSV with no buyer ids and fixed-length masks.
#[tokio::test]
async fn a_masked_user_gets_masked_csv_and_a_refusal_naming_personal_data_for_ndjson() {
    let world = world().await;
    let (masked, _) = world.operator("masked@example.com", true, true).await;
    let list = text_of(masked.get(world.app.url("/orders"))).await;
    assert!(list.contains("format=csv"), "the CSV export is offered");
    assert!(
        list.contains("dialect=excel"),
        "the CSV for Excel is offered"
    );
    assert!(
        !list.contains("format=ndjson"),
        "no NDJSON link for a masked user"
    );
    let response = masked
        .get(world.app.url("/orders/export?format=ndjson"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = response.text().await.unwrap();
    assert!(body.contains("personal data is hidden for you"), "{body}");
    assert!(
        !body.contains("role"),
        "the refusal blames the role: {body}"
    );

    let csv = text_of(masked.get(world.app.url("/orders/export?format=csv"))).await;
    let (header, rows) = csv_table(csv.as_bytes());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert!(!rows.is_empty());
    let mut masks: HashMap<usize, HashSet<usize>> = HashMap::new();
    for row in &rows {
        assert_eq!(&row[column("account")], world.a_login(), "A's orders only");
        assert_eq!(&row[column("buyer_id")], "", "buyer ids are hidden");
        for name in ["buyer_first_name", "buyer_last_name"] {
            let value = &row[column(name)];
            if !value.is_empty() {
                masks
                    .entry(column(name))
                    .or_default()
                    .insert(value.chars().count());
            }
        }
        let email = &row[column("buyer_email")];
        assert!(email.is_empty() || email.contains("***@***."), "{email}");
    }
    assert!(!masks.is_empty(), "names are exported, masked");
    for (column, lengths) in masks {
        assert!(
            lengths.len() <= 1,
            "masks of column {column} vary in length: {lengths:?}"
        );
    }
}
