//! Reads of change requests. Every read of requests by id or for a person takes a
//! [`RequestScope`]; its filter is built here, once. A school's queue and settings take a
//! [`ModuleSchool`], which only the module gate makes.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use domain::change_request::{
    ChangeRequest, Field, FieldChange, RequestScope, Status, SubjectKind, parse_field_list,
};

use super::rows::{FieldRow, RequestRow};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::guardians::GuardianNameAndContact;
use crate::modules::ModuleSchool;
use crate::page::{Page, fetch_page};
use crate::schema::{change_request_fields, change_requests, guardians, pupils};

type Db = crate::scoped::Db;
type Filter =
    Box<dyn BoxableExpression<change_requests::table, Db, SqlType = diesel::sql_types::Bool>>;

/// The one filter for "requests this scope sees": a queue the caller works, or, at a school where
/// the module is on for guardians, their own requests and those about their children (per
/// household for separated parents).
fn scope_filter(scope: &RequestScope) -> Filter {
    let about_child = change_requests::subject_kind.eq(SubjectKind::Pupil.as_str());
    let mut as_guardian: Filter = Box::new(
        change_requests::requested_by
            .eq_any(scope.guardians.clone())
            .or(about_child.and(
                change_requests::pupil_id
                    .assume_not_null()
                    .eq_any(scope.children.clone()),
            )),
    );
    for (pupil, household) in &scope.children_of_household {
        as_guardian = Box::new(
            as_guardian.or(about_child
                .and(
                    change_requests::pupil_id
                        .assume_not_null()
                        .eq(pupil.clone()),
                )
                .and(
                    change_requests::household
                        .assume_not_null()
                        .eq(household.clone()),
                )),
        );
    }
    Box::new(
        change_requests::school_id
            .eq_any(scope.admin_schools.clone())
            .or(change_requests::school_id
                .eq_any(scope.guardian_schools.clone())
                .and(as_guardian)),
    )
}

/// What the portal holds now for each subject, in two queries.
fn held_values(
    conn: &mut AnyConnection,
    requests: &[ChangeRequest],
) -> Result<HashMap<String, HashMap<Field, Option<String>>>, RepoError> {
    let ids = |kind: SubjectKind| -> Vec<String> {
        requests
            .iter()
            .filter(|r| r.subject_kind == kind)
            .map(|r| r.subject_id.clone())
            .collect()
    };
    let mut held = HashMap::new();
    let guardian_ids = ids(SubjectKind::Guardian);
    if !guardian_ids.is_empty() {
        let found: Vec<GuardianNameAndContact> = guardians::table
            .filter(guardians::id.eq_any(&guardian_ids))
            .select((
                guardians::id,
                guardians::first_name,
                guardians::name_prefix,
                guardians::last_name,
                guardians::email,
                guardians::phone,
            ))
            .load(conn)?;
        for (id, first, prefix, last, email, phone) in found {
            held.insert(
                id,
                HashMap::from([
                    (Field::FirstName, Some(first)),
                    (Field::NamePrefix, prefix),
                    (Field::LastName, Some(last)),
                    (Field::Email, email),
                    (Field::Phone, phone),
                ]),
            );
        }
    }
    let pupil_ids = ids(SubjectKind::Pupil);
    if !pupil_ids.is_empty() {
        let found: Vec<(String, String, Option<String>, String)> = pupils::table
            .filter(pupils::id.eq_any(&pupil_ids))
            .select((
                pupils::id,
                pupils::first_name,
                pupils::name_prefix,
                pupils::last_name,
            ))
            .load(conn)?;
        for (id, first, prefix, last) in found {
            held.insert(
                id,
                HashMap::from([
                    (Field::FirstName, Some(first)),
                    (Field::NamePrefix, prefix),
                    (Field::LastName, Some(last)),
                ]),
            );
        }
    }
    Ok(held)
}

/// Rows as domain requests with their fields and held values: three queries for any number.
pub(super) fn complete(
    conn: &mut AnyConnection,
    rows: Vec<RequestRow>,
) -> Result<Vec<ChangeRequest>, RepoError> {
    let mut requests = rows
        .into_iter()
        .map(ChangeRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<&str> = requests.iter().map(|r| r.id.as_str()).collect();
    let mut fields: HashMap<String, Vec<FieldChange>> = HashMap::new();
    for row in change_request_fields::table
        .filter(change_request_fields::request_id.eq_any(&ids))
        .select(FieldRow::as_select())
        .order((
            change_request_fields::request_id,
            change_request_fields::field,
        ))
        .load(conn)?
    {
        let request_id = row.request_id.clone();
        fields
            .entry(request_id)
            .or_default()
            .push(FieldChange::try_from(row)?);
    }
    let held = held_values(conn, &requests)?;
    for request in &mut requests {
        request.fields = fields.remove(&request.id).unwrap_or_default();
        request.held_now = held.get(&request.subject_id).cloned().unwrap_or_default();
    }
    Ok(requests)
}

fn complete_page(
    conn: &mut AnyConnection,
    page: Page<RequestRow>,
) -> Result<Page<ChangeRequest>, RepoError> {
    Ok(Page {
        items: complete(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &RequestScope,
    id: &str,
) -> Result<ChangeRequest, RepoError> {
    let row = change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(scope_filter(scope))
        .select(RequestRow::as_select())
        .first(conn)?;
    complete(conn, vec![row])?.pop().ok_or(RepoError::NotFound)
}

/// A visible school's requests, optionally of one status, oldest first (a queue).
pub fn list_at(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    status: Option<Status>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<ChangeRequest>, RepoError> {
    let page: Page<RequestRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = change_requests::table
                .filter(change_requests::school_id.eq(school.id().to_owned()))
                .select(RequestRow::as_select())
                .order(change_requests::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(status) = status {
                query = query.filter(change_requests::status.eq(status.as_str()));
            }
            if let Some(after) = after {
                query = query.filter(change_requests::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    complete_page(conn, page)
}

/// The requests a guardian may see (their own, and about their children as the scope says),
/// newest first. A scope's queues do not count here.
pub fn list_for_guardian(
    conn: &mut AnyConnection,
    scope: &RequestScope,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<ChangeRequest>, RepoError> {
    let guardian_only = scope.as_guardian();
    let page: Page<RequestRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = change_requests::table
                .filter(scope_filter(&guardian_only))
                .select(RequestRow::as_select())
                .order(change_requests::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(change_requests::id.lt(before.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    complete_page(conn, page)
}

/// A school's open requests, for resolving them after its sync.
pub(super) fn open_at(
    conn: &mut AnyConnection,
    school_id: &str,
) -> Result<Vec<ChangeRequest>, RepoError> {
    let rows = change_requests::table
        .filter(change_requests::school_id.eq(school_id))
        .filter(change_requests::status.eq(Status::Open.as_str()))
        .select(RequestRow::as_select())
        .load(conn)?;
    complete(conn, rows)
}

/// The fields the school lets guardians request (all, until it chose).
pub fn requestable_fields(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
) -> Result<BTreeSet<Field>, RepoError> {
    use crate::schema::schools;
    let stored: Option<String> = schools::table
        .find(school.id())
        .select(schools::requestable_fields)
        .first(conn)?;
    Ok(parse_field_list(stored.as_deref()))
}
