//! The e-mail outbox. Messages are enqueued on the caller's connection (inside its transaction) and
//! claimed by workers with a lease: on PostgreSQL the claim skips rows another worker has locked, so
//! with several instances each message goes to one worker.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::schema::outbox;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

pub fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<String, RepoError> {
    let id = new_id();
    let at = now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::created_at.eq(at),
            outbox::kind.eq(kind),
            outbox::to_address.eq(to),
            outbox::subject.eq(subject),
            outbox::body.eq(body),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

const CLAIM_POSTGRES: &str = "UPDATE outbox SET lock_owner = $1, locked_until = $2 \
     WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $3 \
     AND (locked_until IS NULL OR locked_until < $3) ORDER BY next_attempt_at LIMIT $4 \
     FOR UPDATE SKIP LOCKED)";
// SQLite has one writer at a time, so the UPDATE alone is atomic.
const CLAIM_SQLITE: &str = "UPDATE outbox SET lock_owner = ?, locked_until = ? \
     WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? \
     AND (locked_until IS NULL OR locked_until < ?) ORDER BY next_attempt_at LIMIT ?)";

/// Claims up to `limit` due messages for `owner` until `lease_until`, and returns them.
pub fn claim(
    conn: &mut AnyConnection,
    owner: &str,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<OutboxRow>, RepoError> {
    let at = now();
    match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::sql_query(CLAIM_POSTGRES)
                .bind::<Text, _>(owner)
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .execute(pg)?;
        }
        AnyConnection::Sqlite(lite) => {
            diesel::sql_query(CLAIM_SQLITE)
                .bind::<Text, _>(owner)
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(at)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .execute(lite)?;
        }
    }
    Ok(outbox::table
        .filter(outbox::lock_owner.eq(owner))
        .filter(outbox::sent_at.is_null())
        .select(OutboxRow::as_select())
        .order(outbox::next_attempt_at.asc())
        .load(conn)?)
}

/// Marks a claimed message sent and releases it.
pub fn mark_sent(conn: &mut AnyConnection, id: &str, owner: &str) -> Result<(), RepoError> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::lock_owner.eq(owner)),
    )
    .set((
        outbox::sent_at.eq(now()),
        outbox::lock_owner.eq(None::<String>),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Records a failed delivery of a claimed message and when to try again.
pub fn mark_failed(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> Result<(), RepoError> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::lock_owner.eq(owner)),
    )
    .set((
        outbox::attempts.eq(attempts),
        outbox::next_attempt_at.eq(next_attempt_at),
        outbox::lock_owner.eq(None::<String>),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(Some(error)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Messages not yet sent, oldest first (for operations and tests).
pub fn pending(conn: &mut AnyConnection) -> Result<Vec<OutboxRow>, RepoError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .select(OutboxRow::as_select())
        .order(outbox::created_at.asc())
        .load(conn)?)
}

/// Makes every pending message due now (an operator's "retry now"; tests).
pub fn make_due(conn: &mut AnyConnection) -> Result<(), RepoError> {
    conn.batch_execute("UPDATE outbox SET next_attempt_at = created_at WHERE sent_at IS NULL")?;
    Ok(())
}
