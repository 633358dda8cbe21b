//! Submitting a leave request (or notification): the rules weigh it against the pupil's earlier
//! requests and the calendars of the school years it touches, under the pupil's write lock, and
//! it is stored only when it breaks no rule of the law.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use domain::actor::Actor;
use domain::leave::{
    LeaveKind, LeaveRequest, LeaveSettings, LeaveState, PupilFacts, Severity, check, evaluate,
    policy,
};
use domain::mail::Language;
use domain::schedule::school_date;
use persistence::leave::{self as leave, NewLeave, StoredLeave, Warning};
use persistence::{AnyConnection, RepoError};

use super::{LeaveError, Pupil, Result, reach, request_object, years_between};
use crate::audit::{Audit, Object};
use crate::services::calendar::calendars;

/// What a guardian asks, as the contract's body gives it.
#[derive(Debug, Clone)]
pub struct NewLeaveRequest {
    pub kind: LeaveKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub reason: Option<String>,
    pub employer_statement: Option<String>,
    pub minutes_per_week: Option<u32>,
}

fn trimmed(text: Option<&String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The pupil, if the caller may request leave for them: in their scope and absence on (404), a
/// guardian with parental authority (403 otherwise, recorded).
fn requestable(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
) -> Result<Pupil> {
    let pupil = reach(conn, actor, audit, pupil_id)?;
    if policy::may_request(actor, &pupil.at()) {
        return Ok(pupil);
    }
    let object = Object {
        kind: "pupil",
        id: Some(&pupil.row.id),
        school_id: Some(&pupil.row.school_id),
    };
    audit.record(conn, "create_leave_request", object, "forbidden")?;
    Err(LeaveError::Forbidden)
}

/// Whether the caller may request leave for the pupil (404/403), before the body is read.
pub fn may_submit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
) -> Result<()> {
    requestable(conn, actor, audit, pupil_id).map(drop)
}

/// Submits a request at `now`, on its date in Amsterdam: refused (nothing stored) when a field is out of
/// bounds or a rule of the law is broken; stored otherwise with the practice and routing rules as
/// warnings, pending for the director (or the attendance officer), or noted when it is a
/// notification. `answer` runs in the transaction (an idempotent create remembers its answer).
pub fn submit<T, E>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    asked: &NewLeaveRequest,
    now: DateTime<Utc>,
    answer: impl FnOnce(&mut AnyConnection, StoredLeave) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<LeaveError> + From<RepoError>,
{
    let pupil = requestable(conn, actor, audit, pupil_id)?;
    let (today, now) = (school_date(now), now.naive_utc().trunc_subsecs(6));
    let request = LeaveRequest {
        kind: asked.kind,
        first_day: asked.first_day,
        last_day: asked.last_day,
        submitted_on: today,
        reason: trimmed(asked.reason.as_ref()),
        employer_statement: trimmed(asked.employer_statement.as_ref()),
        minutes_per_week: asked.minutes_per_week,
    };
    check(&request).map_err(LeaveError::Refused)?;
    let account = actor.account_id.to_string();
    persistence::transaction(conn, |conn| {
        // The rules read the pupil's requests: nobody else writes them until this commits.
        leave::lock_pupil(conn, &pupil.row.id)?;
        let earlier: Vec<_> = leave::for_pupil(conn, &pupil.row.id)?
            .iter()
            .map(StoredLeave::earlier)
            .collect();
        let mut years = Vec::new();
        years_between(request.first_day, request.last_day, &mut years);
        for e in &earlier {
            years_between(e.first_day, e.last_day, &mut years);
        }
        let calendars = calendars(conn, &pupil.row.school_id, &years)?;
        let facts = PupilFacts {
            birth_date: pupil.row.date_of_birth,
        };
        let settings = LeaveSettings {
            advance_weeks: persistence::absence::settings::get(conn, &pupil.row.school_id)?
                .leave_notice_weeks,
        };
        let verdict = evaluate(&request, &calendars, &earlier, &facts, &settings);
        if verdict.breaks_law() {
            let law = verdict
                .issues
                .iter()
                .copied()
                .filter(|i| i.severity == Severity::Law)
                .collect();
            return Err(E::from(LeaveError::BreaksLaw(law)));
        }
        let warnings: Vec<Warning> = verdict
            .issues
            .iter()
            .map(|i| Warning {
                code: i.code().to_owned(),
                nl: i.message(Language::Dutch),
                en: i.message(Language::English),
            })
            .collect();
        let stored = leave::insert(
            conn,
            &NewLeave {
                school_id: &pupil.row.school_id,
                pupil_id: &pupil.row.id,
                requested_by: Some(&account),
                kind: request.kind,
                first_day: request.first_day,
                last_day: request.last_day,
                submitted_on: request.submitted_on,
                reason: request.reason.as_deref(),
                employer_statement: request.employer_statement.as_deref(),
                minutes_per_week: request.minutes_per_week,
                school_days: verdict.total_days(),
                decider: verdict.decider,
                warnings: &warnings,
                state: LeaveState::initial(verdict.decider),
            },
            now,
        )?;
        audit.record(conn, "create_leave_request", request_object(&stored), "ok")?;
        answer(conn, stored)
    })
}
