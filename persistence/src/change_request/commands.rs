//! Writes of change requests. State changes are guarded updates (`... WHERE status = 'open'`), so
//! two admins deciding at once, or a decision racing a sync, cannot both take effect.

use std::collections::BTreeSet;

use diesel::prelude::*;
use domain::change_request::{
    Change, ChangeRequest, Decision, Field, Outcome, Status, SubjectKind, applied_by_sync,
    field_list, status_of,
};

use super::queries::{complete, open_at};
use super::rows::{FieldRow, RequestRow, outcome};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::modules::ModuleSchool;
use crate::schema::{change_request_fields, change_requests};

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

pub fn submit(conn: &mut AnyConnection, new: &NewRequest<'_>) -> Result<ChangeRequest, RepoError> {
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
    complete(conn, vec![row])?.pop().ok_or(RepoError::NotFound)
}

/// Records staff decisions on pending fields and the status that follows. `None` when the request
/// is no longer open or a field was decided (or resolved by a sync) since it was read: the caller
/// rolls back.
pub fn decide(
    conn: &mut AnyConnection,
    request_id: &str,
    decisions: &[Decision],
    account_id: &str,
) -> Result<Option<Status>, RepoError> {
    let at = now();
    // Still open? Taking the row here also serialises two admins deciding at once.
    let open = diesel::update(
        change_requests::table
            .filter(change_requests::id.eq(request_id))
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
                .filter(change_request_fields::request_id.eq(request_id))
                .filter(change_request_fields::field.eq(field.as_str()))
                .filter(change_request_fields::outcome.eq(Outcome::Pending.as_str())),
        )
        .set((
            change_request_fields::outcome.eq(outcome.as_str()),
            change_request_fields::reason.eq(reason),
        ))
        .execute(conn)?;
        if decided == 0 {
            return Ok(None);
        }
    }
    let outcomes = change_request_fields::table
        .filter(change_request_fields::request_id.eq(request_id))
        .select(change_request_fields::outcome)
        .load::<String>(conn)?
        .iter()
        .map(|o| outcome(o))
        .collect::<Result<Vec<_>, _>>()?;
    let status = status_of(&outcomes);
    let decided = status != Status::Open;
    diesel::update(change_requests::table.find(request_id))
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
/// requests with nothing left pending get their final status. Returns the requests closed this
/// way (with their new status), for telling the requesters.
pub fn resolve_by_sync(
    conn: &mut AnyConnection,
    school_id: &str,
) -> Result<Vec<ChangeRequest>, RepoError> {
    let at = now();
    let mut closed = Vec::new();
    for mut request in open_at(conn, school_id)? {
        let mut outcomes = Vec::new();
        for field in &request.fields {
            let mut outcome = field.outcome;
            if outcome == Outcome::Pending
                && applied_by_sync(
                    field.field,
                    field.proposed.as_deref(),
                    request.held_now(field.field),
                )
            {
                outcome = Outcome::AppliedBySync;
                // Only if still pending: a staff decision made meanwhile stands.
                diesel::update(
                    change_request_fields::table
                        .filter(change_request_fields::request_id.eq(&request.id))
                        .filter(change_request_fields::field.eq(field.field.as_str()))
                        .filter(change_request_fields::outcome.eq(Outcome::Pending.as_str())),
                )
                .set(change_request_fields::outcome.eq(outcome.as_str()))
                .execute(conn)?;
            }
            outcomes.push(outcome);
        }
        let status = status_of(&outcomes);
        if status == Status::Open {
            continue;
        }
        let closed_now = diesel::update(
            change_requests::table
                .filter(change_requests::id.eq(&request.id))
                .filter(change_requests::status.eq(Status::Open.as_str())),
        )
        .set((
            change_requests::status.eq(status.as_str()),
            change_requests::updated_at.eq(at),
            change_requests::decided_at.eq(Some(at)),
        ))
        .execute(conn)?;
        if closed_now == 1 {
            request.status = status;
            closed.push(request);
        }
    }
    Ok(closed)
}

pub fn set_requestable_fields(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    fields: &BTreeSet<Field>,
) -> Result<(), RepoError> {
    use crate::schema::schools;
    diesel::update(schools::table.find(school.id()))
        .set((
            schools::requestable_fields.eq(Some(field_list(fields))),
            schools::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
