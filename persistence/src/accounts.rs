//! Accounts: the people who sign in. The person behind an account (guardian, staff) is linked
//! elsewhere; an account itself holds only the login e-mail and the password hash.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::schema::accounts;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub is_platform_operator: bool,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

/// A platform operator account with a password already hashed by the caller.
pub fn insert_operator(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &str,
) -> Result<AccountRow, RepoError> {
    insert(conn, email, Some(password_hash), true)
}

/// An account for a person (guardian, staff, board admin); what they may do comes from the records
/// linked to it. Without a hash the account exists but cannot sign in until activated.
pub fn insert_person(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: Option<&str>,
) -> Result<AccountRow, RepoError> {
    insert(conn, email, password_hash, false)
}

fn insert(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: Option<&str>,
    is_platform_operator: bool,
) -> Result<AccountRow, RepoError> {
    let row = AccountRow {
        id: new_id(),
        email: email.to_owned(),
        password_hash: password_hash.map(str::to_owned),
        is_platform_operator,
        created_at: now(),
        disabled_at: None,
    };
    diesel::insert_into(accounts::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// The enabled account with this (normalised) e-mail address, if any.
pub fn find_active_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<AccountRow>, RepoError> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .filter(accounts::disabled_at.is_null())
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// The account with this (normalised) e-mail address, enabled or not.
pub fn find_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<AccountRow>, RepoError> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the row lock of the account with this address for the rest of the transaction (the
/// write lock on SQLite), so that a count and the write that depends on it cannot interleave with
/// another request's.
pub fn lock_by_email(conn: &mut AnyConnection, email: &str) -> Result<(), RepoError> {
    diesel::update(accounts::table.filter(accounts::email.eq(email)))
        .set(accounts::email.eq(accounts::email))
        .execute(conn)?;
    Ok(())
}

pub fn find_active(conn: &mut AnyConnection, id: &str) -> Result<AccountRow, RepoError> {
    Ok(accounts::table
        .find(id)
        .filter(accounts::disabled_at.is_null())
        .select(AccountRow::as_select())
        .first(conn)?)
}

/// Sets the password hash (activation, reset).
pub fn set_password(
    conn: &mut AnyConnection,
    id: &str,
    password_hash: &str,
) -> Result<(), RepoError> {
    diesel::update(accounts::table.find(id))
        .set(accounts::password_hash.eq(Some(password_hash)))
        .execute(conn)?;
    Ok(())
}
