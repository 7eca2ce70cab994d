//! What the System page reports about the database: the migrations applied.

use diesel::{migration::MigrationSource, pg::Pg, pg::PgConnection};
use diesel_migrations::MigrationHarness;

use super::{DbError, MIGRATIONS};

/// The migrations applied to the database against those compiled into this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Migrations recorded as applied in the database.
    pub applied: usize,
    /// Migrations compiled into this binary.
    pub embedded: usize,
    /// The latest applied migration: its folder name when this binary knows it, else its
    /// version (a newer binary migrated the database).
    pub latest: Option<String>,
    /// Compiled-in migrations the database has not applied yet.
    pub pending: usize,
}

/// Reads the applied migrations.
pub fn migration_status(conn: &mut PgConnection) -> Result<MigrationStatus, DbError> {
    let migration_error =
        |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    let applied = conn.applied_migrations().map_err(migration_error)?;
    let embedded = MigrationSource::<Pg>::migrations(&MIGRATIONS).map_err(migration_error)?;
    let latest = applied.iter().max().map(|version| {
        embedded
            .iter()
            .find(|m| m.name().version() == *version)
            .map_or_else(|| version.to_string(), |m| m.name().to_string())
    });
    let pending = embedded
        .iter()
        .filter(|m| !applied.contains(&m.name().version()))
        .count();
    Ok(MigrationStatus {
        applied: applied.len(),
        embedded: embedded.len(),
        latest,
        pending,
    })
}
