//! `allegro-backup export`: the same data as the web export, written to stdout.

use allegro_backup::{
    domain::Lang,
    orders::export::{ITEM_COLUMNS, ORDER_COLUMNS},
};

use super::{cli_export, ids, ndjson, parse_csv, parse_excel, seed, stored_raw};
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

#[tokio::test]
async fn the_command_line_writes_the_excel_dialect_when_asked() {
    let app = spawn_app().await;
    seed(&app);
    let output = cli_export(&app, &["--format", "csv", "--dialect", "excel"]);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stdout.ends_with(b"\r\n"));
    let rows = parse_excel(&output.stdout, &ORDER_COLUMNS, Lang::En);
    assert_eq!(ids(&rows), ["a-2", "b-1", "a-1"]);
    assert_eq!(rows[2]["total_amount"], "1234,50");
    assert_eq!(rows[2]["bought_at"], "2026-11-01 11:00");

    let output = cli_export(&app, &["--format", "csv-items", "--dialect", "excel"]);
    assert!(output.status.success(), "{output:?}");
    let items = parse_excel(&output.stdout, &ITEM_COLUMNS, Lang::En);
    assert_eq!(items.len(), 4);
    assert!(items.iter().any(|i| i["price"] == "617,25"), "{items:?}");

    // Asked for Polish (or with LANG=pl_PL.UTF-8), the columns and yes/no are named in Polish.
    let output = cli_export(
        &app,
        &["--format", "csv", "--dialect", "excel", "--lang", "pl"],
    );
    assert!(output.status.success(), "{output:?}");
    let rows = parse_excel(&output.stdout, &ORDER_COLUMNS, Lang::Pl);
    assert_eq!(rows[2]["buyer_guest"], "nie");
    let polish = binary_with_lang(&app, "pl_PL.UTF-8");
    assert_eq!(polish, output.stdout, "LANG picks the language");

    // The default is plain; excel is refused for NDJSON, and an unknown dialect too.
    let output = cli_export(&app, &["--format", "csv", "--dialect", "plain"]);
    assert_eq!(
        output.stdout,
        cli_export(&app, &["--format", "csv"]).stdout,
        "plain is the default"
    );
    for args in [
        ["--format", "ndjson", "--dialect", "excel"],
        ["--format", "csv", "--dialect", "xls"],
    ] {
        let output = cli_export(&app, &args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--dialect"), "{args:?}: {stderr}");
    }
}

/// The excel CSV the command writes when the machine's `LANG` is `lang`.
fn binary_with_lang(app: &crate::helpers::TestApp, lang: &str) -> Vec<u8> {
    let output = crate::helpers::process::binary(&app.db.url, super::SECRET_KEY)
        .env("LANG", lang)
        .args(["export", "--format", "csv", "--dialect", "excel"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    output.stdout
}
