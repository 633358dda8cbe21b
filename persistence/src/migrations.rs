//! Embedded migrations, one directory per backend (their SQL differs in details such as booleans).

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::AnyConnection;
use crate::error::RepoError;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// An arbitrary constant that names the migration lock among PostgreSQL advisory locks.
const MIGRATION_LOCK: i64 = 0x6f75_6465_7270_6f72; // "ouderpor"

/// Runs the migrations not yet applied and returns their names. Safe to run again and from several
/// instances at once: on PostgreSQL an advisory lock lets one instance migrate while the others wait.
pub fn run_pending(conn: &mut AnyConnection) -> Result<Vec<String>, RepoError> {
    let applied = match conn {
        AnyConnection::Postgresql(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let result = pg.run_pending_migrations(POSTGRES).map(names);
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            result
        }
        AnyConnection::Sqlite(lite) => lite.run_pending_migrations(SQLITE).map(names),
    };
    applied.map_err(|err| RepoError::Migration(err.to_string()))
}

fn names(versions: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    versions.iter().map(ToString::to_string).collect()
}
