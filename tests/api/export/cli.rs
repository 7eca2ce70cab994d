//! `allegro-backup export`: the same data as the web export, written to stdout.

use super::{cli_export, ids, ndjson, parse_csv, seed, stored_raw};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_command_line_export_writes_the_same_data_to_stdout() {
    let app = spawn_app().await;
    seed(&app);
    let output = cli_export(&app, &["--format", "ndjson"]);
    assert!(output.status.success(), "{output:?}");
    let body = String::from_utf8(output.stdout).unwrap();
    assert_eq!(ndjson(&body), stored_raw(&app, false));

    let output = cli_export(
        &app,
        &[
            "--format",
            "csv",
            "--account",
            "sklep_a",
            "--since",
            "2026-11-03",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(ids(&parse_csv(&output.stdout)), ["a-2"]);

    let output = cli_export(&app, &["--format", "csv-items"]);
    assert_eq!(parse_csv(&output.stdout).len(), 4);

    let output = cli_export(&app, &["--format", "csv", "--since", "yesterday"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--since"));
    let output = cli_export(&app, &["--format", "csv", "--account", "nobody"]);
    assert!(!output.status.success());
    let output = cli_export(&app, &["--format", "xml"]);
    assert!(!output.status.success());
}
