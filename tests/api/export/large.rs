//! Exports larger than one chunk of rows: every order once, and the same file whether the
//! rows are read on one connection or two.

use allegro_backup::domain::{Role, UserId};
use diesel::{PgConnection, RunQueryDsl, sql_query, sql_types::Text};

use super::{admin, export_csv, export_text, ids, insert_generated_orders};
use crate::helpers::{TestApp, seed::insert_account, spawn_app};

/// An app with account `login` holding `n` generated orders (see [`insert_generated_orders`]),
/// and a connection to its database.
async fn app_with_generated_orders(
    login: &str,
    n: i32,
    status_sql: &str,
    raw_sql: &str,
) -> (TestApp, PgConnection) {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let account = insert_account(&mut conn, login);
    insert_generated_orders(&mut conn, account, n, status_sql, raw_sql);
    (app, conn)
}
#[tokio::test]
async fn an_export_larger_than_a_chunk_streams_every_order_once() {
    let (app, _) = app_with_generated_orders(
        "duzy",
        2500,
        "'BOUGHT'",
        "jsonb_build_object('id', 'o-' || g)",
    )
    .await;
    let client = admin(&app).await;
    let rows = export_csv(&app, &client, "format=csv").await;
    assert_eq!(rows.len(), 2500);
    let unique: std::collections::HashSet<&str> = ids(&rows).into_iter().collect();
    assert_eq!(unique.len(), 2500);
    let body = export_text(&app, &client, "format=ndjson").await;
    assert_eq!(body.lines().count(), 2500);
}

#[tokio::test]
async fn ndjson_read_on_two_connections_is_the_same_file_as_on_one() {
    use allegro_backup::orders::{
        OrderFilter, OrderParams, Viewer,
        export::{ExportFormat, write_export},
    };
    // Every third order is cancelled, so the filtered chunks are not runs of consecutive ids.
    let (app, mut conn) = app_with_generated_orders(
        "rownolegle",
        4321,
        "CASE WHEN g % 3 = 0 THEN 'CANCELLED' ELSE 'READY_FOR_PROCESSING' END",
        "jsonb_build_object('id', 'o-' || g, 'note', 'line \"' || g || E'\"\\n')",
    )
    .await;
    let params = OrderParams {
        status: Some("READY_FOR_PROCESSING".into()),
        ..OrderParams::default()
    };
    let filter = OrderFilter::parse(&params, chrono_tz::UTC).unwrap();
    let viewer = Viewer::unrestricted(UserId(0), Role::Admin);
    let export_with = |helper: Option<&mut PgConnection>| {
        let mut file = Vec::new();
        let outcome = write_export(
            &mut app.db.connect(),
            helper,
            &viewer,
            &filter,
            ExportFormat::Ndjson,
            chrono_tz::UTC,
            |bytes| {
                file.extend_from_slice(&bytes);
                true
            },
        )
        .unwrap();
        (outcome.rows, String::from_utf8(file).unwrap())
    };
    let (rows_alone, alone) = export_with(None);
    let (rows_paired, paired) = export_with(Some(&mut app.db.connect()));

    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let expected: String = sql_query(
        "SELECT raw::text AS line FROM orders WHERE status = 'READY_FOR_PROCESSING' ORDER BY id",
    )
    .load::<Line>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|l| l.line + "\n")
    .collect();
    assert_eq!(rows_alone, 2881);
    assert_eq!(rows_paired, 2881);
    assert_eq!(alone, expected);
    assert_eq!(paired, expected);
}
