//! Single-use links for activating an account and resetting a password, stored as hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::schema::account_tokens;

pub const ACTIVATION: &str = "activation";
pub const PASSWORD_RESET: &str = "password_reset";

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountTokenRow {
    pub id: String,
    pub account_id: String,
    pub purpose: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn create(
    conn: &mut AnyConnection,
    account_id: &str,
    purpose: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::id.eq(new_id()),
            account_tokens::account_id.eq(account_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(token_hash),
            account_tokens::created_at.eq(now()),
            account_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The unused, unexpired token of this purpose with this hash.
pub fn find_valid(
    conn: &mut AnyConnection,
    purpose: &str,
    token_hash: &str,
) -> Result<Option<AccountTokenRow>, RepoError> {
    Ok(account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now()))
        .select(AccountTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Uses a token up; `false` when a concurrent use came first.
pub fn mark_used(conn: &mut AnyConnection, id: &str) -> Result<bool, RepoError> {
    let updated = diesel::update(
        account_tokens::table
            .filter(account_tokens::id.eq(id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(updated == 1)
}
