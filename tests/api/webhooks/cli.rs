//! `allegro-backup webhook add | list | remove`.

use crate::helpers::{
    TestDatabase,
    process::{binary, stdout_of},
};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn webhook(db: &TestDatabase, args: &[&str], allow_private: bool) -> std::process::Output {
    binary(&db.url, KEY)
        .arg("webhook")
        .args(args)
        .env("RUST_LOG", "warn")
        .env("WEBHOOK_ALLOW_PRIVATE", allow_private.to_string())
        .output()
        .unwrap()
}

#[test]
fn webhooks_added_on_the_command_line_print_id_and_secret_last_and_can_be_listed_and_removed() {
    let db = TestDatabase::create();
    let url = "http://127.0.0.1:9/hooks";
    let refused = webhook(
        &db,
        &["add", "--url", url, "--events", "order.created"],
        false,
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("127.0.0.1"));
    let unknown = webhook(
        &db,
        &["add", "--url", url, "--events", "order.deleted"],
        true,
    );
    assert!(!unknown.status.success());

    let added = stdout_of(&webhook(
        &db,
        &["add", "--url", url, "--events", "order.created,sync.failed"],
        true,
    ));
    let last = added.lines().last().unwrap();
    let (id, secret) = last.split_once(' ').unwrap();
    assert!(id.parse::<i64>().is_ok(), "{last}");
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{last}");
    assert_eq!(added.matches(secret).count(), 1, "printed once");

    let listed = stdout_of(&webhook(&db, &["list"], true));
    let line = listed
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(
        line.contains(url) && line.contains("order.created,sync.failed"),
        "{line}"
    );
    assert!(line.contains("active"), "{line}");
    assert!(!listed.contains(secret));

    let removed = stdout_of(&webhook(&db, &["remove", "--id", id], true));
    assert!(removed.contains("removed"), "{removed}");
    assert!(!webhook(&db, &["remove", "--id", id], true).status.success());
    let mut conn = db.connect();
    let audits = crate::helpers::seed::count(
        &mut conn,
        "SELECT count(*) AS n FROM audit_log WHERE actor_email = 'cli' \
         AND action IN ('webhook_created', 'webhook_removed')",
    );
    assert_eq!(audits, 2);
    let unsealed = crate::helpers::seed::count(
        &mut conn,
        "SELECT count(*) AS n FROM webhook_endpoints WHERE secret_encrypted LIKE '%whsec%'",
    );
    assert_eq!(unsealed, 0);
}
