//! The feed of sessions that ended and accounts that were disabled (`session_ends`, written by
//! triggers). API instances read its recent part to drop the callers they keep in memory.
//!
//! The feed is read by time on the database's own clock, not by sequence number: on PostgreSQL a
//! transaction can take a lower number and commit after a higher one was read, so a cursor on the
//! number could skip it. Reading a window (a minute) that is much longer than the poll interval
//! sees every end that committed within a minute of being written.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::connection::AnyConnection;
use crate::error::RepoError;

/// Sessions ended and accounts disabled within the window.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ended {
    pub sessions: Vec<String>,
    /// Accounts disabled (all their sessions end).
    pub accounts: Vec<String>,
}

#[derive(QueryableByName)]
struct EndRow {
    #[diesel(sql_type = Nullable<Text>)]
    session_id: Option<String>,
    #[diesel(sql_type = Text)]
    account_id: String,
}

const RECENT_POSTGRES: &str = "SELECT session_id, account_id FROM session_ends \
     WHERE ended_at > (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => $1)";
const RECENT_SQLITE: &str = "SELECT session_id, account_id FROM session_ends \
     WHERE ended_at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ? || ' seconds')";

/// What ended within `window` before now (the database's clock).
pub fn recent(conn: &mut AnyConnection, window: Duration) -> Result<Ended, RepoError> {
    let seconds = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    let rows: Vec<EndRow> = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(RECENT_POSTGRES)
            .bind::<BigInt, _>(seconds)
            .load(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(RECENT_SQLITE)
            .bind::<BigInt, _>(seconds)
            .load(lite)?,
    };
    let mut ended = Ended::default();
    for row in rows {
        match row.session_id {
            Some(session) => ended.sessions.push(session),
            None => ended.accounts.push(row.account_id),
        }
    }
    Ok(ended)
}

const PRUNE_POSTGRES: &str = "DELETE FROM session_ends \
     WHERE ended_at < (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => $1)";
const PRUNE_SQLITE: &str = "DELETE FROM session_ends \
     WHERE ended_at < strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ? || ' seconds')";

/// Forgets ends older than `age`: no instance reads them any more.
pub fn prune(conn: &mut AnyConnection, age: Duration) -> Result<usize, RepoError> {
    let seconds = i64::try_from(age.as_secs()).unwrap_or(i64::MAX);
    Ok(match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(PRUNE_POSTGRES)
            .bind::<BigInt, _>(seconds)
            .execute(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(PRUNE_SQLITE)
            .bind::<BigInt, _>(seconds)
            .execute(lite)?,
    })
}
