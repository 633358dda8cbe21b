//! Leave requests (verlof, issue #11, SPEC §7 and §12): guardians with parental authority ask,
//! the rules of the Leerplichtwet (`domain::leave`) weigh every request against the pupil's
//! earlier ones and the school's calendar, the director decides (or forwards to the attendance
//! officer), and granted leave becomes an absence of the pupil.
//!
//! Each function reaches the pupil through the caller's scope and the module gate (absence; 404
//! when off for them), checks `domain::leave::policy`, owns its transaction, records its audit
//! event and tells the guardians of decisions through the notification engine.

mod decide;
mod record;
mod submit;

use domain::absence::policy::PupilRef;
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::leave::{Issue, LeaveState, Rule, policy};
use domain::modules::{Capacity, Module};
use domain::school_year::SchoolYear;
use persistence::ids::uuid;
use persistence::leave::{self as leave, StoredLeave};
use persistence::modules::ModuleSchool;
use persistence::page::Page;
use persistence::pupils::{self, PupilRow};
use persistence::{AnyConnection, RepoError};

pub use decide::{decide, record_officer_decision, withdraw};
pub use record::DecidedBy;
pub use record::{DecisionRecord, record};
pub use submit::{NewLeaveRequest, may_submit, submit};

use super::{module_school_as, school_ref};
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum LeaveError {
    /// Out of reach, not the caller's to read, or the module is off for them: it does not exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Fields out of bounds, or a rule of the law broken: nothing stored.
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// The rules of the law the request breaks (nothing stored, or not approved).
    #[error("breaks the law")]
    BreaksLaw(Vec<Issue>),
    /// Not possible in the request's state (decided, withdrawn).
    #[error("the request is {}", .0.as_str())]
    NotOpen(LeaveState),
    /// Decided or withdrawn between reading and deciding.
    #[error("decided meanwhile")]
    DecidedMeanwhile,
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(LeaveError);

/// The field of the request a rule is about, for the problem's `errors`.
fn field_of(rule: Rule) -> &'static str {
    match rule {
        Rule::EmployerStatementMissing => "employer_statement",
        Rule::ReasonMissing => "reason",
        Rule::FiveYearOldTooManyHours { .. } => "minutes_per_week",
        Rule::HolidayTooManyDays { .. } | Rule::NoSchoolDays => "last_day",
        _ => "first_day",
    }
}

impl From<LeaveError> for ApiError {
    fn from(err: LeaveError) -> Self {
        match err {
            LeaveError::NotFound => ApiError::NotFound,
            LeaveError::Forbidden => ApiError::Forbidden,
            LeaveError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            LeaveError::BreaksLaw(issues) => ApiError::Validation(
                issues
                    .into_iter()
                    .map(|i| {
                        FieldError::new(
                            field_of(i.rule).to_owned(),
                            i.code(),
                            i.message(domain::mail::Language::English),
                        )
                    })
                    .collect(),
            ),
            LeaveError::NotOpen(state) => ApiError::Conflict(format!(
                "The request is {} and can no longer be changed.",
                state.as_str()
            )),
            LeaveError::DecidedMeanwhile => ApiError::Conflict(
                "The request was decided or withdrawn meanwhile; read it again.".to_owned(),
            ),
            LeaveError::Repo(err) => ApiError::from(err),
        }
    }
}

type Result<T, E = LeaveError> = std::result::Result<T, E>;

/// A pupil the caller reaches, at a school where absence is on for them.
pub(super) struct Pupil {
    row: PupilRow,
    school: ModuleSchool,
    groups: Vec<uuid::Uuid>,
}

impl Pupil {
    fn at(&self) -> PupilRef<'_> {
        PupilRef {
            school: school_ref(self.school.row()),
            pupil_id: uuid(&self.row.id),
            groups: &self.groups,
        }
    }

    fn name(&self) -> String {
        [
            Some(self.row.first_name.as_str()),
            self.row.name_prefix.as_deref(),
            Some(self.row.last_name.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

fn request_object(request: &StoredLeave) -> Object<'_> {
    Object {
        kind: "leave_request",
        id: Some(&request.id),
        school_id: Some(&request.school_id),
    }
}

/// The pupil in the caller's scope (404 otherwise), with absence on at the pupil's school for the
/// caller in the capacity they have towards the pupil: their guardian, or staff (404 otherwise).
fn reach(conn: &mut AnyConnection, actor: &Actor, audit: &Audit, pupil_id: &str) -> Result<Pupil> {
    let row = pupils::find(conn, &actor.pupil_scope(), pupil_id)?;
    let pupil = uuid(&row.id);
    let capacity = if actor.children().any(|c| c.pupil_id == pupil) {
        Capacity::Guardian
    } else {
        Capacity::Staff
    };
    let school = module_school_as(
        conn,
        actor,
        audit,
        &row.school_id,
        Module::Absence,
        capacity,
        None,
    )?;
    let groups = leave::pupil_groups(conn, &row.id)?
        .iter()
        .map(|g| uuid(g))
        .collect();
    Ok(Pupil {
        row,
        school,
        groups,
    })
}

/// A pupil whose leave the caller may read (404 for anyone else: seed 001).
fn readable(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
) -> Result<Pupil> {
    let pupil = reach(conn, actor, audit, pupil_id)?;
    if policy::may_read(actor, &pupil.at()) {
        Ok(pupil)
    } else {
        Err(LeaveError::NotFound)
    }
}

/// A request the caller may read, with its pupil; anyone else gets 404.
fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
) -> Result<(StoredLeave, Pupil)> {
    let request = leave::find(conn, id)?;
    let pupil = readable(conn, actor, audit, &request.pupil_id)?;
    Ok((request, pupil))
}

/// Records a refused action on a request and answers 403.
fn forbidden(
    conn: &mut AnyConnection,
    audit: &Audit,
    action: &str,
    request: &StoredLeave,
) -> Result<LeaveError> {
    audit.record(conn, action, request_object(request), "forbidden")?;
    Ok(LeaveError::Forbidden)
}

/// The school years from the one holding `first` to the one holding `last`.
fn years_between(first: chrono::NaiveDate, last: chrono::NaiveDate, years: &mut Vec<SchoolYear>) {
    let (mut year, end) = (SchoolYear::containing(first), SchoolYear::containing(last));
    while year <= end {
        if !years.contains(&year) {
            years.push(year);
        }
        year = year.next();
    }
}

/// One request, its read recorded (personal data of a child).
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
) -> Result<StoredLeave> {
    let (request, _) = visible(conn, actor, audit, id)?;
    audit.read(conn, request_object(&request))?;
    Ok(request)
}

/// A pupil's requests, newest first, for whoever may read the pupil's leave.
pub fn list_for_pupil(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<StoredLeave>> {
    let pupil = readable(conn, actor, audit, pupil_id)?;
    let page = leave::list_for_pupil(conn, &pupil.row.id, before, limit)?;
    let object = Object {
        kind: "pupil_leave_requests",
        id: Some(&pupil.row.id),
        school_id: Some(&pupil.row.school_id),
    };
    audit.record(conn, "list_leave_requests", object, "ok")?;
    Ok(page)
}

/// The school's requests (in one state, when given), newest first: the queue of the director and
/// the school admin (who records the attendance officer's decisions).
pub fn list_at_school(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    state: Option<LeaveState>,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<StoredLeave>> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Capacity::Staff,
        None,
    )?;
    let object = || Object {
        kind: "school_leave_requests",
        id: Some(school_id),
        school_id: Some(school_id),
    };
    if !policy::may_record_officer_decision(actor, school_ref(school.row())) {
        audit.record(conn, "list_leave_requests", object(), "forbidden")?;
        return Err(LeaveError::Forbidden);
    }
    let page = leave::list_at(conn, &school, state, before, limit)?;
    audit.record(conn, "list_leave_requests", object(), "ok")?;
    Ok(page)
}
