//! Schools. Reads go through the caller's [`SchoolScope`]; what is found comes back as a
//! [`VisibleSchool`], the only way into the per-school lists of people.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::scope::SchoolScope;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::page::{Page, fetch_page};
use crate::schema::schools;
use crate::scoped;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = schools)]
pub struct SchoolRow {
    pub id: String,
    pub board_id: String,
    pub name: String,
    pub brin: String,
    pub admin_email: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The share of current pupils (percent) a sync may deactivate without being held.
    pub sync_hold_percent: i32,
}

/// A school the caller's scope reaches. Only this module makes one, so holding one proves the
/// scope was applied.
#[derive(Debug, Clone)]
pub struct VisibleSchool(SchoolRow);

impl VisibleSchool {
    pub fn row(&self) -> &SchoolRow {
        &self.0
    }

    pub fn into_row(self) -> SchoolRow {
        self.0
    }

    pub fn id(&self) -> &str {
        &self.0.id
    }
}

pub struct NewSchool<'a> {
    pub board_id: &'a str,
    pub name: &'a str,
    pub brin: &'a str,
    pub admin_email: Option<&'a str>,
}

/// Where a school belongs, for the policy.
pub fn school_ref(school: &SchoolRow) -> domain::policy::SchoolRef {
    domain::policy::SchoolRef {
        board_id: crate::ids::uuid(&school.board_id),
        school_id: crate::ids::uuid(&school.id),
    }
}

pub fn insert(conn: &mut AnyConnection, new: &NewSchool<'_>) -> Result<SchoolRow, RepoError> {
    let at = now();
    let row = SchoolRow {
        id: new_id(),
        board_id: new.board_id.to_owned(),
        name: new.name.to_owned(),
        brin: new.brin.to_owned(),
        admin_email: new.admin_email.map(str::to_owned),
        created_at: at,
        updated_at: at,
        sync_hold_percent: i32::from(domain::sync_hold::DEFAULT_HOLD_PERCENT),
    };
    diesel::insert_into(schools::table)
        .values(&row)
        .execute(conn)?;
    // A new school starts with every module on; it switches off what it does not use.
    crate::modules::replace(conn, &row.id, &domain::modules::ModuleSettings::all_on())?;
    // And with the default consent purposes (SPEC §10), so parents can be asked from day one.
    crate::consent::insert_defaults(conn, &row.id, at.and_utc())?;
    Ok(row)
}

/// The school with this id if the scope reaches it; [`RepoError::NotFound`] otherwise, so a school
/// out of scope cannot be told from one that does not exist.
pub fn find_visible(
    conn: &mut AnyConnection,
    scope: &SchoolScope,
    id: &str,
) -> Result<VisibleSchool, RepoError> {
    let row = schools::table
        .filter(schools::id.eq(id))
        .filter(scoped::school_filter(scope))
        .select(SchoolRow::as_select())
        .first(conn)?;
    Ok(VisibleSchool(row))
}

/// The schools the scope reaches, by id, a page at a time.
pub fn list_visible(
    conn: &mut AnyConnection,
    scope: &SchoolScope,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<SchoolRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = schools::table
                .filter(scoped::school_filter(scope))
                .select(SchoolRow::as_select())
                .order(schools::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(schools::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}

/// The schools of one board (names and codes are not personal data): for tenant set-up.
pub fn list_in_board(
    conn: &mut AnyConnection,
    board_id: &str,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<SchoolRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = schools::table
                .filter(schools::board_id.eq(board_id.to_owned()))
                .select(SchoolRow::as_select())
                .order(schools::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(schools::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}

/// Whether the school belongs to the board (tenant set-up, no personal data).
pub fn is_in_board(
    conn: &mut AnyConnection,
    board_id: &str,
    school_id: &str,
) -> Result<bool, RepoError> {
    match find_in_board(conn, board_id, school_id) {
        Ok(_) => Ok(true),
        Err(RepoError::NotFound) => Ok(false),
        Err(other) => Err(other),
    }
}

/// A school of the given board (an integration client's reach), or `NotFound`.
pub fn find_in_board(
    conn: &mut AnyConnection,
    board_id: &str,
    school_id: &str,
) -> Result<SchoolRow, RepoError> {
    Ok(schools::table
        .filter(schools::id.eq(school_id))
        .filter(schools::board_id.eq(board_id))
        .select(SchoolRow::as_select())
        .first(conn)?)
}

/// A school by id, for background work that acts for the school itself (the nightly roster
/// fetch), never for a caller: callers go through [`find_visible`] or [`find_in_board`].
pub fn find_for_system(conn: &mut AnyConnection, id: &str) -> Result<SchoolRow, RepoError> {
    Ok(schools::table
        .find(id)
        .select(SchoolRow::as_select())
        .first(conn)?)
}

/// The ids of the schools of these boards (a board admin's schools), in one query.
pub fn ids_in_boards(
    conn: &mut AnyConnection,
    boards: &[String],
) -> Result<Vec<String>, RepoError> {
    if boards.is_empty() {
        return Ok(Vec::new());
    }
    Ok(schools::table
        .filter(schools::board_id.eq_any(boards))
        .select(schools::id)
        .load(conn)?)
}

/// Where the schools of `boards` and the schools `ids` belong, for asking the policy about each.
pub fn refs(
    conn: &mut AnyConnection,
    boards: &[String],
    ids: &[String],
) -> Result<Vec<domain::policy::SchoolRef>, RepoError> {
    if boards.is_empty() && ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(String, String)> = schools::table
        .filter(schools::board_id.eq_any(boards).or(schools::id.eq_any(ids)))
        .select((schools::id, schools::board_id))
        .load(conn)?;
    Ok(found
        .iter()
        .map(|(id, board)| domain::policy::SchoolRef {
            board_id: crate::ids::uuid(board),
            school_id: crate::ids::uuid(id),
        })
        .collect())
}

/// Takes the school's row for the rest of the transaction, so that two syncs of one school (the
/// nightly fetch and a vendor's push, or two instances) run one after the other. On SQLite the
/// write also takes the database's write lock up front, waiting for it instead of failing later.
pub fn lock_for_sync(conn: &mut AnyConnection, id: &str) -> Result<(), RepoError> {
    diesel::update(schools::table.find(id))
        .set(schools::updated_at.eq(schools::updated_at))
        .execute(conn)?;
    Ok(())
}

/// Sets the share of current pupils a sync may deactivate without being held, for a school the
/// caller has read and may manage.
pub fn set_sync_hold_percent(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    percent: u8,
) -> Result<(), RepoError> {
    diesel::update(schools::table.find(school.id()))
        .set((
            schools::sync_hold_percent.eq(i32::from(percent)),
            schools::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
