//! Boards (besturen): the root of tenancy. A board's name is not personal data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::page::{Page, fetch_page};
use crate::schema::boards;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = boards)]
pub struct BoardRow {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Creates a board. A name that is taken fails with [`RepoError::Conflict`].
pub fn insert(conn: &mut AnyConnection, name: &str) -> Result<BoardRow, RepoError> {
    let at = now();
    let row = BoardRow {
        id: new_id(),
        name: name.to_owned(),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(boards::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<BoardRow, RepoError> {
    Ok(boards::table
        .find(id)
        .select(BoardRow::as_select())
        .first(conn)?)
}

/// All boards in creation order, a page at a time. For the platform operator, who manages tenants.
pub fn list(
    conn: &mut AnyConnection,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<BoardRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = boards::table
                .select(BoardRow::as_select())
                .order(boards::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(boards::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}
