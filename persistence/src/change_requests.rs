//! Change requests and their fields. Reads take a [`RequestScope`]: the schools whose queue the
//! caller works, and the caller's own guardian records and children. A request outside it is not
//! found.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::change_request::{
    Change, Field, Outcome, Status, SubjectKind, applied_by_sync, status_of,
};

use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::page::{Page, fetch_page};
use crate::schema::{change_request_fields, change_requests, guardians, pupils};
use crate::schools::VisibleSchool;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_requests)]
pub struct RequestRow {
    pub id: String,
    pub school_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    /// Set when the subject is a pupil, for the foreign key and the guardians' scope.
    pub pupil_id: Option<String>,
    pub requested_by: String,
    /// The requester's household with the pupil, for separated parents.
    pub household: Option<String>,
    pub status: String,
    pub remark: Option<String>,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_request_fields)]
pub struct FieldRow {
    pub request_id: String,
    pub field: String,
    pub current_value: Option<String>,
    pub proposed_value: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
}

/// A request with its fields and what the portal holds for its subject now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub row: RequestRow,
    pub fields: Vec<FieldRow>,
    /// The subject's values now, by field (for the stale check).
    pub held_now: HashMap<Field, Option<String>>,
}

/// What a caller may see: the queues of `admin_schools`; requests made by `guardians` (the
/// caller's own guardian records); every request about `children`; and requests about a child
/// made from one household (`(pupil, household)`, for separated parents).
#[derive(Debug, Clone, Default)]
pub struct RequestScope {
    /// Schools whose queue the actor works (the module on for their admins there).
    pub admin_schools: Vec<String>,
    /// Schools where the module is on for guardians: the guardian parts below count there only.
    pub guardian_schools: Vec<String>,
    pub guardians: Vec<String>,
    pub children: Vec<String>,
    pub children_of_household: Vec<(String, String)>,
}

type Db = crate::scoped::Db;
type Filter =
    Box<dyn BoxableExpression<change_requests::table, Db, SqlType = diesel::sql_types::Bool>>;

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

/// id, first name, prefix, last name, e-mail, phone.
type GuardianValues = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

/// What the portal holds now for each subject, in two queries.
fn held_values(
    conn: &mut AnyConnection,
    rows: &[RequestRow],
) -> Result<HashMap<String, HashMap<Field, Option<String>>>, RepoError> {
    let ids = |kind: SubjectKind| -> Vec<String> {
        rows.iter()
            .filter(|r| r.subject_kind == kind.as_str())
            .map(|r| r.subject_id.clone())
            .collect()
    };
    let mut held = HashMap::new();
    let guardian_ids = ids(SubjectKind::Guardian);
    if !guardian_ids.is_empty() {
        let found: Vec<GuardianValues> = guardians::table
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

/// Rows with their fields and held values: three queries for any number of rows.
fn complete(conn: &mut AnyConnection, rows: Vec<RequestRow>) -> Result<Vec<Request>, RepoError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut fields: HashMap<String, Vec<FieldRow>> = HashMap::new();
    for field in change_request_fields::table
        .filter(change_request_fields::request_id.eq_any(&ids))
        .select(FieldRow::as_select())
        .order((
            change_request_fields::request_id,
            change_request_fields::field,
        ))
        .load(conn)?
    {
        fields
            .entry(field.request_id.clone())
            .or_default()
            .push(field);
    }
    let held = held_values(conn, &rows)?;
    Ok(rows
        .into_iter()
        .map(|row| Request {
            fields: fields.remove(&row.id).unwrap_or_default(),
            held_now: held.get(&row.subject_id).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &RequestScope,
    id: &str,
) -> Result<Request, RepoError> {
    let row = change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(scope_filter(scope))
        .select(RequestRow::as_select())
        .first(conn)?;
    let mut all = complete(conn, vec![row])?;
    all.pop().ok_or(RepoError::NotFound)
}

/// A visible school's requests, optionally of one status, oldest first (a queue).
pub fn list_at(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    status: Option<Status>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<Request>, RepoError> {
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
    Ok(Page {
        items: complete(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// The requests a guardian may see (their own, and about their children as the scope says),
/// newest first.
pub fn list_for_guardian(
    conn: &mut AnyConnection,
    scope: &RequestScope,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<Request>, RepoError> {
    let guardian_only = RequestScope {
        admin_schools: Vec::new(),
        ..scope.clone()
    };
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
    Ok(Page {
        items: complete(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// A new request. An open request of the same requester about the same subject is replaced
/// (marked so, in the same transaction as the caller's).
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub school_id: &'a str,
    pub kind: SubjectKind,
    pub subject_id: &'a str,
    pub requested_by: &'a str,
    pub household: Option<&'a str>,
    pub remark: Option<&'a str>,
    pub language: &'a str,
    pub changes: &'a [Change],
}

pub fn submit(conn: &mut AnyConnection, new: &NewRequest<'_>) -> Result<Request, RepoError> {
    let at = now();
    diesel::update(
        change_requests::table
            .filter(change_requests::subject_kind.eq(new.kind.as_str()))
            .filter(change_requests::subject_id.eq(new.subject_id))
            .filter(change_requests::requested_by.eq(new.requested_by))
            .filter(change_requests::status.eq(Status::Open.as_str())),
    )
    .set((
        change_requests::status.eq(Status::Replaced.as_str()),
        change_requests::updated_at.eq(at),
    ))
    .execute(conn)?;
    let row = RequestRow {
        id: new_id(),
        school_id: new.school_id.to_owned(),
        subject_kind: new.kind.as_str().to_owned(),
        subject_id: new.subject_id.to_owned(),
        pupil_id: (new.kind == SubjectKind::Pupil).then(|| new.subject_id.to_owned()),
        requested_by: new.requested_by.to_owned(),
        household: new.household.map(str::to_owned),
        status: Status::Open.as_str().to_owned(),
        remark: new.remark.map(str::to_owned),
        language: new.language.to_owned(),
        created_at: at,
        updated_at: at,
        decided_at: None,
        decided_by: None,
    };
    diesel::insert_into(change_requests::table)
        .values(&row)
        .execute(conn)?;
    let fields: Vec<FieldRow> = new
        .changes
        .iter()
        .map(|c| FieldRow {
            request_id: row.id.clone(),
            field: c.field.as_str().to_owned(),
            current_value: c.current.clone(),
            proposed_value: c.proposed.clone(),
            outcome: Outcome::Pending.as_str().to_owned(),
            reason: None,
        })
        .collect();
    batch_insert!(conn, change_request_fields::table, &fields)?;
    let mut all = complete(conn, vec![row])?;
    all.pop().ok_or(RepoError::NotFound)
}

/// Records staff decisions on pending fields and the status that follows. Fields already decided
/// keep their outcome. Returns the new status.
pub fn decide(
    conn: &mut AnyConnection,
    request: &Request,
    decisions: &[(Field, Outcome, Option<String>)],
    account_id: &str,
) -> Result<Option<Status>, RepoError> {
    let at = now();
    // Still open? Taking the row here also serialises two admins deciding at once.
    let open = diesel::update(
        change_requests::table
            .filter(change_requests::id.eq(&request.row.id))
            .filter(change_requests::status.eq(Status::Open.as_str())),
    )
    .set(change_requests::updated_at.eq(at))
    .execute(conn)?;
    if open == 0 {
        return Ok(None);
    }
    for (field, outcome, reason) in decisions {
        let decided = diesel::update(
            change_request_fields::table
                .filter(change_request_fields::request_id.eq(&request.row.id))
                .filter(change_request_fields::field.eq(field.as_str()))
                .filter(change_request_fields::outcome.eq(Outcome::Pending.as_str())),
        )
        .set((
            change_request_fields::outcome.eq(outcome.as_str()),
            change_request_fields::reason.eq(reason),
        ))
        .execute(conn)?;
        if decided == 0 {
            // Decided (or resolved by a sync) since it was read: the caller rolls back.
            return Ok(None);
        }
    }
    let outcomes: Vec<Outcome> = change_request_fields::table
        .filter(change_request_fields::request_id.eq(&request.row.id))
        .select(change_request_fields::outcome)
        .load::<String>(conn)?
        .iter()
        .filter_map(|o| Outcome::parse(o))
        .collect();
    let status = status_of(&outcomes);
    let decided = status != Status::Open;
    diesel::update(change_requests::table.find(&request.row.id))
        .set((
            change_requests::status.eq(status.as_str()),
            change_requests::updated_at.eq(at),
            change_requests::decided_at.eq(decided.then_some(at)),
            change_requests::decided_by.eq(Some(account_id)),
        ))
        .execute(conn)?;
    Ok(Some(status))
}

/// After a sync: pending fields whose proposed value the LAS now holds are marked applied, and
/// requests with nothing left pending get their final status. Returns the requests that were
/// closed this way (with their new status), for notifying the requesters.
pub fn resolve_by_sync(
    conn: &mut AnyConnection,
    school_id: &str,
) -> Result<Vec<(RequestRow, Status)>, RepoError> {
    let open: Vec<RequestRow> = change_requests::table
        .filter(change_requests::school_id.eq(school_id))
        .filter(change_requests::status.eq(Status::Open.as_str()))
        .select(RequestRow::as_select())
        .load(conn)?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let mut closed = Vec::new();
    for request in complete(conn, open)? {
        let mut outcomes = Vec::new();
        for field in &request.fields {
            let mut outcome = Outcome::parse(&field.outcome).unwrap_or(Outcome::Pending);
            if outcome == Outcome::Pending
                && let Some(f) = Field::parse(&field.field)
                && applied_by_sync(
                    f,
                    field.proposed_value.as_deref(),
                    request.held_now.get(&f).cloned().flatten().as_deref(),
                )
            {
                outcome = Outcome::AppliedBySync;
                // Only if still pending: a staff decision made meanwhile stands.
                diesel::update(
                    change_request_fields::table
                        .filter(change_request_fields::request_id.eq(&request.row.id))
                        .filter(change_request_fields::field.eq(&field.field))
                        .filter(change_request_fields::outcome.eq(Outcome::Pending.as_str())),
                )
                .set(change_request_fields::outcome.eq(outcome.as_str()))
                .execute(conn)?;
            }
            outcomes.push(outcome);
        }
        let status = status_of(&outcomes);
        if status != Status::Open {
            let closed_now = diesel::update(
                change_requests::table
                    .filter(change_requests::id.eq(&request.row.id))
                    .filter(change_requests::status.eq(Status::Open.as_str())),
            )
            .set((
                change_requests::status.eq(status.as_str()),
                change_requests::updated_at.eq(at),
                change_requests::decided_at.eq(Some(at)),
            ))
            .execute(conn)?;
            if closed_now == 1 {
                closed.push((request.row, status));
            }
        }
    }
    Ok(closed)
}

/// The school's allowed fields as stored (`None`: all).
pub fn requestable_fields(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
) -> Result<Option<String>, RepoError> {
    use crate::schema::schools;
    Ok(schools::table
        .find(school.id())
        .select(schools::requestable_fields)
        .first(conn)?)
}

pub fn set_requestable_fields(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    fields: &str,
) -> Result<(), RepoError> {
    use crate::schema::schools;
    diesel::update(schools::table.find(school.id()))
        .set((
            schools::requestable_fields.eq(Some(fields)),
            schools::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
