//! Single-use links mailed to an address, stored as hashes: activating an account, resetting a
//! password, and confirming that an existing account is the person a school holds this address
//! for. Activation and confirmation links name the person record they attach.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::schema::account_tokens;

pub const ACTIVATION: &str = "activation";
pub const PASSWORD_RESET: &str = "password_reset";
/// An account that exists already: its holder confirms being this school's guardian or staff.
pub const LINK: &str = "link";

/// The person record a link attaches to its account when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record<'a> {
    Guardian(&'a str),
    Staff(&'a str),
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountTokenRow {
    pub id: String,
    pub account_id: String,
    pub purpose: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub guardian_id: Option<String>,
    pub staff_id: Option<String>,
}

impl AccountTokenRow {
    pub fn record(&self) -> Option<Record<'_>> {
        match (&self.guardian_id, &self.staff_id) {
            (Some(id), _) => Some(Record::Guardian(id)),
            (None, Some(id)) => Some(Record::Staff(id)),
            (None, None) => None,
        }
    }
}

pub fn create(
    conn: &mut AnyConnection,
    account_id: &str,
    purpose: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
    record: Option<Record<'_>>,
) -> Result<(), RepoError> {
    let (guardian_id, staff_id) = match record {
        Some(Record::Guardian(id)) => (Some(id), None),
        Some(Record::Staff(id)) => (None, Some(id)),
        None => (None, None),
    };
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::id.eq(new_id()),
            account_tokens::account_id.eq(account_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(token_hash),
            account_tokens::created_at.eq(now()),
            account_tokens::expires_at.eq(expires_at),
            account_tokens::guardian_id.eq(guardian_id),
            account_tokens::staff_id.eq(staff_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The unused, unexpired token of this purpose with this hash (a look without using it up).
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

/// Uses up the unused, unexpired token of this purpose with this hash and returns it; `None` when
/// there is none (or a concurrent use came first). The write comes first: on SQLite a transaction
/// that reads before it writes fails when another write commits in between.
pub fn take_valid(
    conn: &mut AnyConnection,
    purpose: &str,
    token_hash: &str,
) -> Result<Option<AccountTokenRow>, RepoError> {
    let at = now();
    let taken = diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(token_hash))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::expires_at.gt(at)),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)?;
    if taken != 1 {
        return Ok(None);
    }
    Ok(account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .select(AccountTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Ends the unused links that name this guardian record (its address changed: they went to the
/// old one).
pub fn expire_for_guardian(conn: &mut AnyConnection, guardian_id: &str) -> Result<(), RepoError> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::guardian_id.eq(guardian_id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// Ends the account's unused links of this purpose for this record (a new one replaces them).
pub fn expire_for_record(
    conn: &mut AnyConnection,
    account_id: &str,
    purpose: &str,
    record: Record<'_>,
) -> Result<(), RepoError> {
    let unused = account_tokens::table
        .filter(account_tokens::account_id.eq(account_id))
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::used_at.is_null());
    let at = account_tokens::used_at.eq(Some(now()));
    match record {
        Record::Guardian(id) => diesel::update(unused.filter(account_tokens::guardian_id.eq(id)))
            .set(at)
            .execute(conn)?,
        Record::Staff(id) => diesel::update(unused.filter(account_tokens::staff_id.eq(id)))
            .set(at)
            .execute(conn)?,
    };
    Ok(())
}

/// How many links of this purpose were made for the account since `since`.
pub fn count_since(
    conn: &mut AnyConnection,
    account_id: &str,
    purpose: &str,
    since: NaiveDateTime,
) -> Result<i64, RepoError> {
    Ok(account_tokens::table
        .filter(account_tokens::account_id.eq(account_id))
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::created_at.gt(since))
        .select(count_star())
        .first(conn)?)
}

/// Ends the account's unused links of this purpose (a newer one replaces them).
pub fn expire_unused(
    conn: &mut AnyConnection,
    account_id: &str,
    purpose: &str,
) -> Result<(), RepoError> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::account_id.eq(account_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(())
}
