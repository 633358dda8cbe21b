//! Sessions, their rotating refresh tokens (stored as hashes only), and sign-in attempts.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::schema::{accounts, login_attempts, refresh_tokens, sessions};

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

/// Whether the session exists, belongs to the account and has not ended, and the account is not
/// disabled: one query, on every authenticated request.
pub fn is_active(
    conn: &mut AnyConnection,
    session_id: &str,
    account_id: &str,
) -> Result<bool, RepoError> {
    let query = sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .filter(accounts::disabled_at.is_null())
        .select(count_star());
    // Not `first`: its bound LIMIT makes SQLite prepare the statement again on every run.
    let found: i64 = on_backend!(conn, c => query.get_result(c))?;
    Ok(found > 0)
}

/// Reserves one sign-in attempt for `subject` before its password is checked: true when the
/// attempt may go ahead, false when `limit` attempts were already made since the window began.
/// Each reservation is one conditional UPDATE, atomic on both backends (PostgreSQL re-checks the
/// condition on the locked row; SQLite has one writer), so N parallel attempts can never reserve
/// more than `limit`. A window older than `window_cutoff` starts again at `now`.
pub fn reserve_attempt(
    conn: &mut AnyConnection,
    subject: &str,
    limit: i32,
    now: NaiveDateTime,
    window_cutoff: NaiveDateTime,
) -> Result<bool, RepoError> {
    let fresh = (
        login_attempts::subject.eq(subject),
        login_attempts::attempts.eq(0),
        login_attempts::window_start.eq(now),
    );
    // MultiConnection has no upsert: the insert-if-absent runs on the concrete backend.
    match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(login_attempts::table)
            .values(fresh)
            .on_conflict_do_nothing()
            .execute(c)?,
        AnyConnection::Sqlite(c) => diesel::insert_into(login_attempts::table)
            .values(fresh)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    let this = login_attempts::table.filter(login_attempts::subject.eq(subject));
    let restarted = diesel::update(this.filter(login_attempts::window_start.le(window_cutoff)))
        .set((
            login_attempts::attempts.eq(1),
            login_attempts::window_start.eq(now),
        ))
        .execute(conn)?;
    if restarted == 1 {
        return Ok(true);
    }
    let counted = diesel::update(
        this.filter(login_attempts::window_start.gt(window_cutoff))
            .filter(login_attempts::attempts.lt(limit)),
    )
    .set(login_attempts::attempts.eq(login_attempts::attempts + 1))
    .execute(conn)?;
    Ok(counted == 1)
}

/// Gives a reserved attempt back (the password was right: a school network full of parents
/// signing in must not throttle itself).
pub fn release_attempt(conn: &mut AnyConnection, subject: &str) -> Result<(), RepoError> {
    diesel::update(
        login_attempts::table
            .filter(login_attempts::subject.eq(subject))
            .filter(login_attempts::attempts.gt(0)),
    )
    .set(login_attempts::attempts.eq(login_attempts::attempts - 1))
    .execute(conn)?;
    Ok(())
}

/// Forgets a subject's attempts (a successful sign-in clears its account's count).
pub fn clear_attempts(conn: &mut AnyConnection, subject: &str) -> Result<(), RepoError> {
    diesel::delete(login_attempts::table.filter(login_attempts::subject.eq(subject)))
        .execute(conn)?;
    Ok(())
}

/// Removes windows that no longer count.
pub fn prune_attempts(
    conn: &mut AnyConnection,
    window_cutoff: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::delete(login_attempts::table.filter(login_attempts::window_start.le(window_cutoff)))
        .execute(conn)?;
    Ok(())
}
