//! Groups (jaargroepen and combined groups) per school year.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::page::{Page, fetch_page};
use crate::schema::{school_groups, school_years};
use crate::schools::VisibleSchool;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = school_groups)]
pub struct GroupRow {
    pub id: String,
    pub school_id: String,
    pub school_year_id: String,
    pub las_key: String,
    pub name: String,
    pub year_group: Option<i32>,
    pub is_combined: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = school_years)]
pub struct SchoolYearRow {
    pub id: String,
    pub school_id: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A group with the name of its school year.
pub type GroupWithYear = (GroupRow, String);

/// The groups of a visible school, newest school year first within id order.
pub fn list_at(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<GroupWithYear>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = school_groups::table
                .inner_join(school_years::table)
                .filter(school_groups::school_id.eq(school.id().to_owned()))
                .select((GroupRow::as_select(), school_years::name))
                .order(school_groups::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(school_groups::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |(row, _)| row.id.clone(),
    )
}

/// The school a group belongs to; [`RepoError::NotFound`] for no such group. The caller then
/// reaches the school through its scope, so a group of a school out of reach stays unseen.
pub fn school_of(conn: &mut AnyConnection, group_id: &str) -> Result<String, RepoError> {
    Ok(school_groups::table
        .filter(school_groups::id.eq(group_id))
        .select(school_groups::school_id)
        .get_result(conn)?)
}
