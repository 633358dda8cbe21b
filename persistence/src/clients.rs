//! Integration clients (LAS vendors).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::page::{Page, fetch_page};
use crate::schema::integration_clients;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = integration_clients)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub board_id: String,
    pub school_id: Option<String>,
    /// Space-separated, as in OAuth2.
    pub scopes: String,
    pub secret_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub struct NewClient<'a> {
    pub name: &'a str,
    pub board_id: &'a str,
    pub school_id: Option<&'a str>,
    pub scopes: &'a str,
    pub secret_hash: &'a str,
}

pub fn insert(conn: &mut AnyConnection, new: &NewClient<'_>) -> Result<ClientRow, RepoError> {
    let row = ClientRow {
        id: new_id(),
        name: new.name.to_owned(),
        board_id: new.board_id.to_owned(),
        school_id: new.school_id.map(str::to_owned),
        scopes: new.scopes.to_owned(),
        secret_hash: new.secret_hash.to_owned(),
        created_at: now(),
        revoked_at: None,
    };
    diesel::insert_into(integration_clients::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// A board's clients that are not revoked, oldest first.
pub fn list_for_board(
    conn: &mut AnyConnection,
    board_id: &str,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<ClientRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = integration_clients::table
                .filter(integration_clients::board_id.eq(board_id.to_owned()))
                .filter(integration_clients::revoked_at.is_null())
                .select(ClientRow::as_select())
                .order(integration_clients::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(integration_clients::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}

/// The active client with this id (for the token endpoint).
pub fn find_active(conn: &mut AnyConnection, id: &str) -> Result<Option<ClientRow>, RepoError> {
    Ok(integration_clients::table
        .find(id)
        .filter(integration_clients::revoked_at.is_null())
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes a board's client; `NotFound` when the board has no such active client.
pub fn revoke(conn: &mut AnyConnection, board_id: &str, id: &str) -> Result<(), RepoError> {
    let updated = diesel::update(
        integration_clients::table
            .filter(integration_clients::id.eq(id))
            .filter(integration_clients::board_id.eq(board_id))
            .filter(integration_clients::revoked_at.is_null()),
    )
    .set(integration_clients::revoked_at.eq(now()))
    .execute(conn)?;
    if updated == 0 {
        Err(RepoError::NotFound)
    } else {
        Ok(())
    }
}

/// The active client with this name (demo data).
pub fn find_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<ClientRow>, RepoError> {
    Ok(integration_clients::table
        .filter(integration_clients::name.eq(name))
        .filter(integration_clients::revoked_at.is_null())
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?)
}
