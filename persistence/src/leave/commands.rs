//! Writes of leave requests: the insert after the rules, the guarded decision, and the absence a
//! granted request becomes. Every write of a pupil's leave first takes [`lock_pupil`], so the
//! rules weigh the pupil's requests as they are (no two requests pass "once per school year"
//! side by side).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::leave::{Decider, LeaveKind, LeaveState};

use super::rows::{LeaveRow, StoredLeave, Warning, warning_columns};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{absences, leave_requests};

pub use crate::pupils::lock as lock_pupil;

/// A request that passed the rules, to store.
#[derive(Debug, Clone)]
pub struct NewLeave<'a> {
    pub school_id: &'a str,
    pub pupil_id: &'a str,
    /// The requesting guardian's account.
    pub requested_by: Option<&'a str>,
    pub kind: LeaveKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub submitted_on: NaiveDate,
    pub reason: Option<&'a str>,
    pub employer_statement: Option<&'a str>,
    pub minutes_per_week: Option<u32>,
    pub school_days: u32,
    pub decider: Decider,
    pub warnings: &'a [Warning],
    pub state: LeaveState,
}

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub fn insert(
    conn: &mut AnyConnection,
    new: &NewLeave<'_>,
    now: NaiveDateTime,
) -> Result<StoredLeave, RepoError> {
    let (issues, issue_messages) = warning_columns(new.warnings);
    let row = LeaveRow {
        id: new_id(),
        school_id: new.school_id.to_owned(),
        pupil_id: new.pupil_id.to_owned(),
        requested_by: new.requested_by.map(str::to_owned),
        kind: new.kind.as_str().to_owned(),
        first_day: new.first_day,
        last_day: new.last_day,
        submitted_on: new.submitted_on,
        reason: new.reason.map(str::to_owned),
        employer_statement: new.employer_statement.map(str::to_owned),
        minutes_per_week: new.minutes_per_week.map(int),
        school_days: int(new.school_days),
        decider: new.decider.as_str().to_owned(),
        issues,
        issue_messages,
        state: new.state.as_str().to_owned(),
        decided_by: None,
        decided_at: None,
        decision_reason: None,
        officer_recorded_by: None,
        officer_recorded_at: None,
        officer_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(leave_requests::table)
        .values(&row)
        .execute(conn)?;
    row.try_into()
}

/// A decision to record on a request.
#[derive(Debug, Clone)]
pub enum Decided<'a> {
    /// The director's decision (approved, rejected, forwarded) or the guardian's withdrawal.
    ByDirector {
        by: &'a str,
        reason: Option<&'a str>,
    },
    /// The attendance officer's decision, recorded by the school.
    ByOfficer {
        by: &'a str,
        reason: Option<&'a str>,
    },
}

/// Moves the request from the state and version it was read in to `to`; `false` when it changed
/// meanwhile (another decision came first), and then nothing is written.
pub fn record_decision(
    conn: &mut AnyConnection,
    request: &StoredLeave,
    to: LeaveState,
    decided: &Decided<'_>,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let target = leave_requests::table
        .filter(leave_requests::id.eq(&request.id))
        .filter(leave_requests::version.eq(request.version))
        .filter(leave_requests::state.eq(request.state.as_str()));
    let common = (
        leave_requests::state.eq(to.as_str()),
        leave_requests::version.eq(request.version + 1),
        leave_requests::updated_at.eq(now),
    );
    let updated = match decided {
        Decided::ByDirector { by, reason } => diesel::update(target)
            .set((
                common,
                leave_requests::decided_by.eq(Some(*by)),
                leave_requests::decided_at.eq(Some(now)),
                leave_requests::decision_reason.eq(*reason),
            ))
            .execute(conn)?,
        Decided::ByOfficer { by, reason } => diesel::update(target)
            .set((
                common,
                leave_requests::officer_recorded_by.eq(Some(*by)),
                leave_requests::officer_recorded_at.eq(Some(now)),
                leave_requests::officer_reason.eq(*reason),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// The absence a granted request becomes: one row over its days, of kind leave, linked to it.
pub fn insert_absence(
    conn: &mut AnyConnection,
    request: &StoredLeave,
    by: &str,
    now: NaiveDateTime,
) -> Result<String, RepoError> {
    let id = new_id();
    diesel::insert_into(absences::table)
        .values((
            absences::id.eq(&id),
            absences::school_id.eq(&request.school_id),
            absences::pupil_id.eq(&request.pupil_id),
            absences::source.eq("leave"),
            absences::reported_by.eq(Some(by)),
            absences::reason.eq("leave"),
            absences::kind.eq("leave"),
            absences::first_day.eq(request.first_day),
            absences::last_day.eq(Some(request.last_day)),
            absences::late.eq(false),
            absences::leave_request_id.eq(Some(&request.id)),
            absences::version.eq(1),
            absences::created_at.eq(now),
            absences::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}
