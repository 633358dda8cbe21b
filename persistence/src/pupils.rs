//! Pupils. Every read takes the caller's [`PupilScope`]; a pupil outside it is not found.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::scope::PupilScope;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::groups::GroupRow;
use crate::page::{Page, fetch_page};
use crate::schema::{enrolments, pupils, school_groups};
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

/// The pupil with this id if the scope reaches it.
pub fn find(conn: &mut AnyConnection, scope: &PupilScope, id: &str) -> Result<PupilRow, RepoError> {
    Ok(pupils::table
        .filter(pupils::id.eq(id))
        .filter(scoped::pupil_filter(scope))
        .select(PupilRow::as_select())
        .first(conn)?)
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

/// The groups of each of these pupils, in one query. Callers pass pupils they have already read
/// through a scope.
pub fn groups_of(
    conn: &mut AnyConnection,
    pupils: &[&PupilRow],
) -> Result<HashMap<String, Vec<GroupRow>>, RepoError> {
    let ids: Vec<&str> = pupils.iter().map(|p| p.id.as_str()).collect();
    let rows: Vec<(String, GroupRow)> = enrolments::table
        .inner_join(school_groups::table)
        .filter(enrolments::pupil_id.eq_any(&ids))
        .select((enrolments::pupil_id, GroupRow::as_select()))
        .order(school_groups::name.asc())
        .load(conn)?;
    let mut by_pupil: HashMap<String, Vec<GroupRow>> = HashMap::new();
    for (pupil_id, group) in rows {
        by_pupil.entry(pupil_id).or_default().push(group);
    }
    Ok(by_pupil)
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
