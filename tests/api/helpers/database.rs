//! Each test's own database: cloned from a migrated template (made once per machine and per
//! migrations' content), dropped when the test ends.

use std::{sync::OnceLock, time::Duration};

use allegro_backup::db::{self, quote_ident};
use diesel::{Connection, PgConnection, RunQueryDsl, sql_query};

/// The PostgreSQL server tests use (trust auth on this machine kind).
fn server_url() -> String {
    std::env::var("TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn admin_connection() -> PgConnection {
    let url = format!("{}/postgres", server_url());
    PgConnection::establish(&url)
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {url}: {e}"))
}

/// Name of the migrated template, keyed by the migrations' content so a change rebuilds it.
fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap_or_default());
    }
    format!("ab_template_{}", &hex::encode(hasher.finalize())[..16])
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Creates the template once per machine (an advisory lock guards concurrent test processes).
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = template_name();
        let mut conn = admin_connection();
        sql_query("SELECT pg_advisory_lock(724001)")
            .execute(&mut conn)
            .expect("lock");
        let exists: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM pg_database WHERE datname = '{name}')"
        )))
        .get_result(&mut conn)
        .expect("query templates");
        if exists == 0 {
            let wip = format!("{name}_wip");
            sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&wip)
            ))
            .execute(&mut conn)
            .expect("drop wip");
            sql_query(format!("CREATE DATABASE {}", quote_ident(&wip)))
                .execute(&mut conn)
                .expect("create template");
            {
                let mut tconn = PgConnection::establish(&format!("{}/{wip}", server_url()))
                    .expect("connect template");
                db::run_migrations(&mut tconn).expect("migrate template");
            }
            sql_query(format!(
                "ALTER DATABASE {} RENAME TO {}",
                quote_ident(&wip),
                quote_ident(&name)
            ))
            .execute(&mut conn)
            .expect("rename template");
        }
        sql_query("SELECT pg_advisory_unlock(724001)")
            .execute(&mut conn)
            .expect("unlock");
        name
    })
}

/// A fresh database cloned from the template; dropped on `Drop`.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> Self {
        let template = template();
        let name = format!("ab_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection();
        let sql = format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(template)
        );
        // Two CREATE DATABASE … TEMPLATE at the same instant may collide; retry briefly.
        let mut attempt = 0;
        while let Err(e) = sql_query(&sql).execute(&mut conn) {
            attempt += 1;
            assert!(attempt < 50, "cannot create test database: {e}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let url = format!("{}/{name}", server_url());
        Self { name, url }
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let mut conn = admin_connection();
        let _ = sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.name)
        ))
        .execute(&mut conn);
    }
}
