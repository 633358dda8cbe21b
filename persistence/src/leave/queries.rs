//! Reads of leave requests. A request by id or a pupil's requests are read for a pupil the service
//! has found in the caller's scope and checked `domain::leave::policy::may_read` for; a school's
//! queue takes a [`ModuleSchool`], which only the module gate makes.

use diesel::prelude::*;
use domain::leave::LeaveState;

use super::rows::{LeaveRow, StoredLeave};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::modules::ModuleSchool;
use crate::page::{Page, fetch_page};
use crate::schema::{enrolments, leave_requests, staff, staff_roles};

fn stored(rows: Vec<LeaveRow>) -> Result<Vec<StoredLeave>, RepoError> {
    rows.into_iter().map(StoredLeave::try_from).collect()
}

/// The request with this id; the service checks that its pupil is the caller's to read.
pub fn find(conn: &mut AnyConnection, id: &str) -> Result<StoredLeave, RepoError> {
    leave_requests::table
        .find(id)
        .select(LeaveRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// Every request of a pupil (the earlier requests the rules weigh), oldest first.
pub fn for_pupil(conn: &mut AnyConnection, pupil_id: &str) -> Result<Vec<StoredLeave>, RepoError> {
    stored(
        leave_requests::table
            .filter(leave_requests::pupil_id.eq(pupil_id))
            .select(LeaveRow::as_select())
            .order(leave_requests::id.asc())
            .load(conn)?,
    )
}

fn page(rows: Page<LeaveRow>) -> Result<Page<StoredLeave>, RepoError> {
    Ok(Page {
        items: stored(rows.items)?,
        next_cursor: rows.next_cursor,
    })
}

/// A page of a pupil's requests, newest first (ids are UUIDv7: by id is by time).
pub fn list_for_pupil(
    conn: &mut AnyConnection,
    pupil_id: &str,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<StoredLeave>, RepoError> {
    let rows = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = leave_requests::table
                .filter(leave_requests::pupil_id.eq(pupil_id))
                .select(LeaveRow::as_select())
                .order(leave_requests::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(leave_requests::id.lt(before.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    page(rows)
}

/// A page of a school's requests (in one state, when given), newest first: the director's queue.
pub fn list_at(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    state: Option<LeaveState>,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<StoredLeave>, RepoError> {
    let school_id = school.row().id.clone();
    let rows = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = leave_requests::table
                .filter(leave_requests::school_id.eq(school_id))
                .select(LeaveRow::as_select())
                .order(leave_requests::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(state) = state {
                query = query.filter(leave_requests::state.eq(state.as_str()));
            }
            if let Some(before) = before {
                query = query.filter(leave_requests::id.lt(before.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    page(rows)
}

/// The ids of the groups a pupil is enrolled in (a teacher reads the leave of their groups).
pub fn pupil_groups(conn: &mut AnyConnection, pupil_id: &str) -> Result<Vec<String>, RepoError> {
    Ok(enrolments::table
        .filter(enrolments::pupil_id.eq(pupil_id))
        .select(enrolments::group_id)
        .load(conn)?)
}

/// The name and roles of the staff member of the school with this account, for the decision
/// record ("by whom"); `None` when the account is no staff of the school (any more).
pub fn person_name(
    conn: &mut AnyConnection,
    school_id: &str,
    account_id: &str,
) -> Result<Option<(String, Vec<String>)>, RepoError> {
    let found: Option<(String, String, Option<String>, String)> = staff::table
        .filter(staff::school_id.eq(school_id))
        .filter(staff::account_id.eq(account_id))
        .select((
            staff::id,
            staff::first_name,
            staff::name_prefix,
            staff::last_name,
        ))
        .first(conn)
        .optional()?;
    let Some((staff_id, first, prefix, last)) = found else {
        return Ok(None);
    };
    let mut roles: Vec<String> = staff_roles::table
        .filter(staff_roles::staff_id.eq(staff_id))
        .select(staff_roles::role)
        .load(conn)?;
    roles.sort();
    let name = [Some(first), prefix, Some(last)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some((name, roles)))
}

/// The pupil a request of `school_id` is about; `None` for a request that is gone.
pub fn pupil_of(
    conn: &mut AnyConnection,
    school_id: &str,
    request_id: &str,
) -> Result<Option<String>, RepoError> {
    Ok(leave_requests::table
        .filter(leave_requests::id.eq(request_id))
        .filter(leave_requests::school_id.eq(school_id))
        .select(leave_requests::pupil_id)
        .first(conn)
        .optional()?)
}
