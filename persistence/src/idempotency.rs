//! Stored first answers to creates made with an `Idempotency-Key`, per account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::idempotency_keys;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredAnswer {
    pub account_id: String,
    pub key: String,
    /// What the request was (method, path, body), hashed: the same key with another request is
    /// a client error, not a replay.
    pub fingerprint: String,
    pub status: i32,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// The stored answer for this account's key, if it is newer than `since`.
pub fn find(
    conn: &mut AnyConnection,
    account_id: &str,
    key: &str,
    since: NaiveDateTime,
) -> Result<Option<StoredAnswer>, RepoError> {
    Ok(idempotency_keys::table
        .find((account_id, key))
        .filter(idempotency_keys::created_at.ge(since))
        .select(StoredAnswer::as_select())
        .first(conn)
        .optional()?)
}

/// Stores an answer, in the transaction of the create it answers (so a key is stored exactly when
/// its object exists), dropping answers older than `expired_before`. A concurrent request with the
/// same key fails on the primary key (409).
pub fn store(
    conn: &mut AnyConnection,
    answer: &StoredAnswer,
    expired_before: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(expired_before)))
        .execute(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values(answer)
        .execute(conn)?;
    Ok(())
}
