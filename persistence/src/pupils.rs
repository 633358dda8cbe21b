//! Pupils. Every read takes the caller's [`PupilScope`]; a pupil outside it is not found.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::scope::{PupilPlace, PupilScope};

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::uuid;
use crate::page::{Page, fetch_page};
use crate::schema::{enrolments, pupils, schools};
use crate::schools::VisibleSchool;
use crate::scoped;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = pupils)]
pub struct PupilRow {
    pub id: String,
    pub school_id: String,
    pub las_key: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub parents_separated: bool,
    pub left_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The current pupils of a visible school that the scope reaches (a teacher: their groups').
pub fn list_at(
    conn: &mut AnyConnection,
    scope: &PupilScope,
    school: &VisibleSchool,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<PupilRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = pupils::table
                .filter(pupils::school_id.eq(school.id().to_owned()))
                .filter(pupils::left_on.is_null())
                .filter(scoped::pupil_filter(scope))
                .select(PupilRow::as_select())
                .order(pupils::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(pupils::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}

/// The pupil with this id if the scope reaches it. Looked up by id with statements prepared once
/// (no scope-shaped SQL to parse per request), and the scope applied to where the pupil belongs:
/// the same rule as [`scoped::pupil_filter`] (see `PupilScope::reaches`); a pupil who left is in
/// no scope.
pub fn find(conn: &mut AnyConnection, scope: &PupilScope, id: &str) -> Result<PupilRow, RepoError> {
    if scope.is_empty() {
        return Err(RepoError::NotFound);
    }
    let (row, board_id): (PupilRow, String) = pupils::table
        .inner_join(schools::table)
        .filter(pupils::id.eq(id))
        .filter(pupils::left_on.is_null())
        .select((PupilRow::as_select(), schools::board_id))
        // One row by key. Not `first`: SQLite prepares a statement with a bound LIMIT again on
        // every run.
        .get_result(conn)?;
    // Only a teacher's scope counts groups: the others decide without reading them.
    let groups = if scope.groups.is_empty() {
        Vec::new()
    } else {
        enrolled_in(conn, id)?
    };
    let place = place_of(&row.id, &row.school_id, &board_id, groups.iter());
    if scope.reaches(&place) {
        Ok(row)
    } else {
        Err(RepoError::NotFound)
    }
}

/// Where a pupil belongs, from its stored ids, as the scopes judge it.
pub(crate) fn place_of<'a>(
    pupil_id: &str,
    school_id: &str,
    board_id: &str,
    groups: impl Iterator<Item = &'a String>,
) -> PupilPlace {
    PupilPlace {
        pupil_id: uuid(pupil_id),
        school_id: uuid(school_id),
        board_id: uuid(board_id),
        groups: groups.map(|g| uuid(g)).collect(),
    }
}

/// The ids of the groups a pupil is enrolled in.
fn enrolled_in(conn: &mut AnyConnection, pupil_id: &str) -> Result<Vec<String>, RepoError> {
    Ok(enrolments::table
        .filter(enrolments::pupil_id.eq(pupil_id))
        .select(enrolments::group_id)
        .load(conn)?)
}

/// The pupils with these ids that the scope reaches, in one query.
pub fn find_many(
    conn: &mut AnyConnection,
    scope: &PupilScope,
    ids: &[String],
) -> Result<Vec<PupilRow>, RepoError> {
    Ok(pupils::table
        .filter(pupils::id.eq_any(ids))
        .filter(scoped::pupil_filter(scope))
        .select(PupilRow::as_select())
        .order(pupils::id.asc())
        .load(conn)?)
}

/// Deregisters a pupil the caller has read (uitschrijving): they leave every list and their
/// guardians lose access through them; the record stays for the retention period.
pub fn deactivate(
    conn: &mut AnyConnection,
    pupil: &PupilRow,
    on: NaiveDate,
) -> Result<(), RepoError> {
    diesel::update(pupils::table.find(&pupil.id))
        .set((
            pupils::left_on.eq(Some(on)),
            pupils::updated_at.eq(crate::ids::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Serializes the writes about one pupil until the transaction ends (a check of what is stored
/// and the write that follows it: leave requests, absence reports): on PostgreSQL a row lock on
/// the pupil (`SELECT … FOR UPDATE`); SQLite's transactions hold the database's write lock from
/// their start (`crate::transaction`), which serializes them already.
pub fn lock(conn: &mut AnyConnection, pupil_id: &str) -> Result<(), RepoError> {
    if let AnyConnection::Postgresql(pg) = conn {
        pupils::table
            .filter(pupils::id.eq(pupil_id))
            .select(pupils::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}
