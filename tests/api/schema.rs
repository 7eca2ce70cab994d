//! `src/db/schema.rs` must be what `diesel print-schema` makes of the migrations, and every
//! migration must revert cleanly.

use allegro_backup::db::MIGRATIONS;
use diesel_migrations::MigrationHarness;

use crate::helpers::TestDatabase;

#[test]
fn schema_rs_matches_the_migrations() {
    let db = TestDatabase::create();
    let output = std::process::Command::new("diesel")
        .args(["print-schema", "--database-url", &db.url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("diesel CLI not found: install it with `cargo install diesel_cli --no-default-features --features postgres` (scripts/test does this)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let generated = String::from_utf8(output.stdout).unwrap();
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    assert_eq!(
        generated.trim(),
        checked_in.trim(),
        "src/db/schema.rs drifted: run `diesel print-schema > src/db/schema.rs`"
    );
}

#[test]
fn migrations_go_down_and_up_again() {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    let reverted = conn
        .revert_all_migrations(MIGRATIONS)
        .expect("revert")
        .len();
    assert!(reverted > 0);
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .expect("re-apply")
        .len();
    assert_eq!(applied, reverted);
}
