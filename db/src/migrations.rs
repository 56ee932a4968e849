//! Embedded migrations, one set per backend, applied on start.

use diesel::connection::SimpleConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::DbConnection;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// An arbitrary constant that names the advisory lock held while PostgreSQL migrates, so that API nodes starting
/// together do not migrate the same database at once.
const MIGRATION_LOCK: i64 = 0x4852_435f_4d49_4752;

/// Applies the pending migrations of the connection's backend and returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>> {
    match conn {
        DbConnection::Pg(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = pg.run_pending_migrations(POSTGRES).map(|v| v.iter().map(ToString::to_string).collect());
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied
        }
        DbConnection::Sqlite(lite) => {
            lite.run_pending_migrations(SQLITE).map(|v| v.iter().map(ToString::to_string).collect())
        }
    }
}

/// Whether the connection's database has migrations not yet applied.
pub fn has_pending(conn: &mut DbConnection) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    Ok(match conn {
        DbConnection::Pg(pg) => pg.has_pending_migration(POSTGRES)?,
        DbConnection::Sqlite(lite) => lite.has_pending_migration(SQLITE)?,
    })
}
