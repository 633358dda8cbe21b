//! Sessions, their rotating refresh tokens (stored as hashes only), and failed sign-ins.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::schema::{login_failures, refresh_tokens, sessions};

/// A refresh token as presented, with what decides its fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedToken {
    pub id: String,
    pub session_id: String,
    pub account_id: String,
    pub expires_at: NaiveDateTime,
    pub used: bool,
    pub session_revoked: bool,
}

/// Starts a session for an account; returns its id.
pub fn start(conn: &mut AnyConnection, account_id: &str) -> Result<String, RepoError> {
    let id = new_id();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&id),
            sessions::account_id.eq(account_id),
            sessions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn add_refresh_token(
    conn: &mut AnyConnection,
    session_id: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(now()),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The columns that decide a presented token's fate.
#[derive(Queryable)]
struct TokenColumns {
    id: String,
    session_id: String,
    account_id: String,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

pub fn find_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<PresentedToken>, RepoError> {
    let row: Option<TokenColumns> = refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::session_id,
            sessions::account_id,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            sessions::revoked_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|row| PresentedToken {
        id: row.id,
        session_id: row.session_id,
        account_id: row.account_id,
        expires_at: row.expires_at,
        used: row.used_at.is_some(),
        session_revoked: row.revoked_at.is_some(),
    }))
}

/// Marks a token used. Only one of two concurrent exchanges of the same token succeeds: the
/// update is conditional, and the loser sees `false` (and treats it as reuse).
pub fn mark_used(conn: &mut AnyConnection, token_id: &str) -> Result<bool, RepoError> {
    let updated = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(token_id))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Ends a session: its refresh tokens and access tokens stop working.
pub fn revoke(conn: &mut AnyConnection, session_id: &str) -> Result<(), RepoError> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// Ends every session of an account (its e-mail address or password changed).
pub fn revoke_all(conn: &mut AnyConnection, account_id: &str) -> Result<usize, RepoError> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(conn)?)
}

/// Whether the session exists, belongs to the account and has not ended.
pub fn is_active(
    conn: &mut AnyConnection,
    session_id: &str,
    account_id: &str,
) -> Result<bool, RepoError> {
    let found: i64 = sessions::table
        .filter(sessions::id.eq(session_id))
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .select(count_star())
        .first(conn)?;
    Ok(found > 0)
}

pub fn count_failures(
    conn: &mut AnyConnection,
    subject: &str,
    since: NaiveDateTime,
) -> Result<i64, RepoError> {
    Ok(login_failures::table
        .filter(login_failures::subject.eq(subject))
        .filter(login_failures::failed_at.gt(since))
        .select(count_star())
        .first(conn)?)
}

pub fn record_failure(conn: &mut AnyConnection, subject: &str) -> Result<(), RepoError> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(new_id()),
            login_failures::subject.eq(subject),
            login_failures::failed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn clear_failures(conn: &mut AnyConnection, subject: &str) -> Result<(), RepoError> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)?;
    Ok(())
}

/// Removes failures that no longer count.
pub fn prune_failures(conn: &mut AnyConnection, before: NaiveDateTime) -> Result<(), RepoError> {
    diesel::delete(login_failures::table.filter(login_failures::failed_at.le(before)))
        .execute(conn)?;
    Ok(())
}
