//! Connections and pools for both backends behind one type.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection};
use diesel::{PgConnection, SqliteConnection};

use crate::error::RepoError;

/// One connection type for both backends, so one binary and one set of repositories serve both.
/// PostgreSQL is listed first: SQLite accepts any string as a file name.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager<AnyConnection>>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager<AnyConnection>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// PostgreSQL for `postgres://` and `postgresql://` URLs, SQLite (a file path) otherwise.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// How to reach the database and how long to wait for it.
#[derive(Debug, Clone)]
pub struct DbSettings {
    pub url: String,
    pub pool_size: u32,
    /// How long a request waits for a pooled connection before it fails (503).
    pub connect_timeout: Duration,
    /// PostgreSQL's `statement_timeout`; on SQLite the lock wait (`busy_timeout`).
    pub statement_timeout: Duration,
}

impl DbSettings {
    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.url)
    }

    /// The URL diesel understands: SQLite takes a plain path, so a `sqlite://` prefix is dropped.
    fn connection_url(&self) -> String {
        match self.url.strip_prefix("sqlite://") {
            Some(path) => path.to_owned(),
            None => self.url.clone(),
        }
    }
}

/// Session settings applied to every new pooled connection.
#[derive(Debug)]
struct SessionSetup {
    statement_timeout_ms: u128,
}

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SessionSetup {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        let ms = self.statement_timeout_ms;
        let sql = match conn {
            // Only settings of the connection itself: none of them reads the file, so opening a
            // connection never waits for (or fails on) a lock. WAL is the file's and is set once,
            // in `Database::connect`. NORMAL sync is durable in WAL mode except for the last
            // transactions on power loss, the usual trade for an embedded server.
            AnyConnection::Sqlite(_) => format!(
                "PRAGMA busy_timeout = {ms}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
            ),
            // Statements diesel keeps prepared are lookups by key and scope: one generic plan each
            // suits every value, and planning them anew per run (custom plans, which PostgreSQL
            // may keep choosing) was a visible share of its CPU. One-off statements are unaffected.
            AnyConnection::Postgresql(_) => format!(
                "SET statement_timeout = {ms}; SET TIME ZONE 'UTC'; \
                 SET plan_cache_mode = force_generic_plan;"
            ),
        };
        conn.batch_execute(&sql)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Puts an SQLite file in WAL mode (readers work while one writer commits). The mode is stored in
/// the file, so it is set once here rather than on every pooled connection: a new connection that
/// set it read the file under a lock, and under load that failed with "database is locked" (SQLite
/// returns BUSY there without waiting, e.g. while another connection recovers the WAL index).
fn use_write_ahead_log(settings: &DbSettings) -> Result<(), RepoError> {
    let mut conn = <AnyConnection as diesel::Connection>::establish(&settings.connection_url())?;
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL;",
        settings.statement_timeout.as_millis()
    ))?;
    Ok(())
}

/// The pool and what it was built from. Cheap to clone: the pool is reference counted.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    backend: Backend,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("state", &self.pool.state())
            .finish()
    }
}

impl Database {
    /// Builds the pool and checks that one connection can be made, so a wrong URL fails at start.
    pub fn connect(settings: &DbSettings) -> Result<Database, RepoError> {
        if settings.backend() == Backend::Sqlite {
            use_write_ahead_log(settings)?;
        }
        let manager = ConnectionManager::<AnyConnection>::new(settings.connection_url());
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(settings.pool_size.min(2)))
            .connection_timeout(settings.connect_timeout)
            .test_on_check_out(false)
            .connection_customizer(Box::new(SessionSetup {
                statement_timeout_ms: settings.statement_timeout.as_millis(),
            }))
            .build(manager)?;
        Ok(Database {
            pool,
            backend: settings.backend(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection; blocks up to the connect timeout. Call only off the async executor.
    pub fn get(&self) -> Result<PooledConnection, RepoError> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` in one transaction on a pooled connection: committed when it returns `Ok`,
    /// rolled back otherwise.
    pub fn transaction<T>(
        &self,
        work: impl FnOnce(&mut AnyConnection) -> Result<T, RepoError>,
    ) -> Result<T, RepoError> {
        let mut conn = self.get()?;
        transaction(&mut conn, work)
    }

    /// Refreshes PostgreSQL's planner statistics after a bulk load (demo data): autovacuum would,
    /// but only minutes later, and until then the planner takes the new tables for empty and scans
    /// them. SQLite plans by its indexes and needs nothing.
    pub fn refresh_statistics(&self) -> Result<(), RepoError> {
        if self.backend == Backend::Postgres {
            self.get()?.batch_execute("ANALYZE")?;
        }
        Ok(())
    }

    /// A cheap round trip, for the readiness probe.
    pub fn ping(&self) -> Result<(), RepoError> {
        let mut conn = self.get()?;
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }
}

/// Runs `work` in one transaction: committed when it returns `Ok`, rolled back otherwise. The
/// error type is the caller's, so a handler can fail with its own errors inside.
pub fn transaction<T, E>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<RepoError>,
{
    enum Failure<E> {
        Database(diesel::result::Error),
        Work(E),
    }
    impl<E> From<diesel::result::Error> for Failure<E> {
        fn from(err: diesel::result::Error) -> Self {
            Failure::Database(err)
        }
    }
    diesel::Connection::transaction(conn, |conn| {
        // On SQLite, as BEGIN IMMEDIATE: see `lock_for_write`. A transaction that read first and
        // wrote after failed at once when another connection (the audit writer, a worker) wrote.
        lock_for_write(conn).map_err(|err| Failure::Work(E::from(err)))?;
        work(conn).map_err(Failure::Work)
    })
    .map_err(|failure| match failure {
        Failure::Database(err) => E::from(RepoError::from(err)),
        Failure::Work(err) => err,
    })
}

/// Takes SQLite's write lock at the start of a transaction that reads before it writes. A deferred
/// transaction that upgrades its read lock while another connection writes fails at once with
/// "database is locked" (SQLite will not wait there, to avoid deadlock); a transaction that writes
/// first waits its turn (`busy_timeout`) like any writer. A write that matches no row is enough.
/// PostgreSQL locks rows, not the database: nothing to do. Every [`transaction`] begins with it.
fn lock_for_write(conn: &mut AnyConnection) -> Result<(), RepoError> {
    if let AnyConnection::Sqlite(lite) = conn {
        lite.batch_execute("UPDATE outbox SET id = id WHERE 0")?;
    }
    Ok(())
}

/// Runs a multi-row INSERT on the concrete backend: diesel's `MultiConnection` does not support
/// batch inserts, and one statement per row would make bulk writes hundreds of times slower.
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $values:expr) => {
        match $conn {
            $crate::connection::AnyConnection::Postgresql(c) => {
                diesel::insert_into($table).values($values).execute(c)
            }
            $crate::connection::AnyConnection::Sqlite(c) => {
                diesel::insert_into($table).values($values).execute(c)
            }
        }
    };
}
pub(crate) use batch_insert;

/// Runs a query on the concrete backend's connection. Through `MultiConnection` a query loses its
/// static query id, so diesel writes out its SQL on every run just to find the cached statement
/// (13 % of a pupil read's CPU on SQLite, in a profile); on the concrete connection the statement
/// is found by the query's type. For the statements of the hot request path.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::connection::AnyConnection::Postgresql($c) => $body,
            $crate::connection::AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }

    fn journal_mode(conn: &mut AnyConnection) -> String {
        let AnyConnection::Sqlite(sqlite) = conn else {
            panic!("a file path is SQLite")
        };
        let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
            .get_result(sqlite)
            .unwrap();
        mode.journal_mode
    }

    #[test]
    fn the_file_is_put_in_wal_mode_once_and_a_new_connection_takes_no_file_lock() {
        let dir = tempfile::tempdir().unwrap();
        // A new connection's setup leaves the file's journal mode alone: changing it reads the
        // file under a lock, which failed with "database is locked" under load.
        let plain = dir
            .path()
            .join("plain.sqlite")
            .to_string_lossy()
            .into_owned();
        let mut conn = <AnyConnection as diesel::Connection>::establish(&plain).unwrap();
        let setup = SessionSetup {
            statement_timeout_ms: 5000,
        };
        setup.on_acquire(&mut conn).unwrap();
        assert_eq!(journal_mode(&mut conn), "delete");
        // Connecting the pool sets WAL on the file, once.
        let settings = DbSettings {
            url: dir.path().join("db.sqlite").to_string_lossy().into_owned(),
            pool_size: 2,
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(5),
        };
        let db = Database::connect(&settings).unwrap();
        assert_eq!(journal_mode(&mut db.get().unwrap()), "wal");
    }
}
