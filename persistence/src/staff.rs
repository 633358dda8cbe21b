//! Staff of a school with their roles. Listed only for a [`VisibleSchool`].

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::page::{Page, fetch_page};
use crate::schema::{staff, staff_roles};
use crate::schools::VisibleSchool;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: String,
    pub school_id: String,
    pub las_key: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub account_id: Option<String>,
    pub deactivated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The active staff of a visible school with their role names: two queries per page.
pub fn list_at(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<(StaffRow, Vec<String>)>, RepoError> {
    let page: Page<StaffRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = staff::table
                .filter(staff::school_id.eq(school.id().to_owned()))
                .filter(staff::deactivated_at.is_null())
                .select(StaffRow::as_select())
                .order(staff::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(staff::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    let ids: Vec<&str> = page.items.iter().map(|s| s.id.as_str()).collect();
    let mut roles: HashMap<String, Vec<String>> = HashMap::new();
    for (staff_id, role) in staff_roles::table
        .filter(staff_roles::staff_id.eq_any(&ids))
        .select((staff_roles::staff_id, staff_roles::role))
        .order(staff_roles::role.asc())
        .load::<(String, String)>(conn)?
    {
        roles.entry(staff_id).or_default().push(role);
    }
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|row| {
                let names = roles.remove(&row.id).unwrap_or_default();
                (row, names)
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// The active staff member with this id, if their school is in the caller's scope.
pub fn find_visible(
    conn: &mut AnyConnection,
    scope: &domain::scope::SchoolScope,
    id: &str,
) -> Result<(StaffRow, VisibleSchool), RepoError> {
    let row = staff::table
        .filter(staff::id.eq(id))
        .filter(staff::deactivated_at.is_null())
        .select(StaffRow::as_select())
        .first(conn)?;
    // Out of scope is not found, the same as not existing.
    let school = crate::schools::find_visible(conn, scope, &row.school_id)?;
    Ok((row, school))
}
