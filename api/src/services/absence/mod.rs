//! Absence (SPEC §7, seeds 001 and 003): guardians report their child absent, staff register
//! absence with its kind, teachers see their groups' day, the school's admins get the DUO signal.
//!
//! Every function finds the pupil through the caller's pupil scope (out of reach: it does not
//! exist), then the school through the module gate (absence switched off for the caller's
//! capacity there: it does not exist either), then asks `domain::absence::policy` (403,
//! recorded). Medical detail (the note of a sick report) is left out for readers the policy does
//! not give it to.

use chrono::{DateTime, NaiveDate, Utc};
use domain::absence::policy::PupilRef;
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::{Capacity, Module};
use domain::school_year::SchoolYear;
use persistence::absence::{self as store, PupilAt};
use persistence::modules::ModuleSchool;
use persistence::{AnyConnection, RepoError};
use uuid::Uuid;

use super::{Denied, module_school, module_school_as};
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

mod edit;
mod read;
mod register;
mod report;
pub mod settings;
pub mod signals;

pub use edit::{ReportChange, change, return_back, withdraw};
pub use read::{AbsenceView, DayPage, DayQuery, PupilPage, day, get, of_pupil};
pub use register::{Registration, StaffChange, amend, may_register_at, register};
pub use report::{Report, may_report, report};

#[derive(Debug, thiserror::Error)]
pub enum AbsenceError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// Not possible now (changed meanwhile, already started, withdrawn); the text says why.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(AbsenceError);

impl From<AbsenceError> for ApiError {
    fn from(err: AbsenceError) -> Self {
        match err {
            AbsenceError::NotFound => ApiError::NotFound,
            AbsenceError::Forbidden => ApiError::Forbidden,
            AbsenceError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            AbsenceError::Conflict(why) => ApiError::Conflict(why.to_owned()),
            AbsenceError::Repo(err) => ApiError::from(err),
        }
    }
}

/// The pupil as the policy sees it.
struct Pupil {
    at: PupilAt,
    school: ModuleSchool,
    groups: Vec<Uuid>,
}

impl Pupil {
    fn as_ref(&self) -> PupilRef<'_> {
        PupilRef {
            school: super::school_ref(self.school.row()),
            pupil_id: persistence::ids::uuid(&self.at.id),
            groups: &self.groups,
        }
    }

    fn group_on(&self) -> Option<Uuid> {
        self.at.group_on.as_deref().map(persistence::ids::uuid)
    }
}

/// What an action on a pupil's absence needs: absence on for the caller in `capacity`, and the
/// policy's yes (`allowed`; 403 recorded as `action` otherwise).
struct Need {
    capacity: Capacity,
    action: &'static str,
    allowed: fn(&Actor, &PupilRef) -> bool,
}

/// The pupil `pupil_id` in the caller's reach (on `today`'s groups) with what `need` asks.
fn pupil(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    today: NaiveDate,
    need: Need,
) -> Result<Pupil, AbsenceError> {
    let Need {
        capacity,
        action,
        allowed,
    } = need;
    let at = store::pupil_at(conn, &actor.pupil_scope(), pupil_id, today)?;
    let gated = module_school_as(
        conn,
        actor,
        audit,
        &at.school_id,
        Module::Absence,
        capacity,
        None,
    );
    let school = match gated {
        Ok(school) => school,
        // Absence exists for them at the school in their other capacity (staff reporting as a
        // parent, say): the pupil is visible, the action is not theirs.
        Err(Denied::NotFound)
            if module_school(conn, actor, audit, &at.school_id, Module::Absence, None).is_ok() =>
        {
            audit.record(
                conn,
                action,
                object("pupil", pupil_id, &at.school_id),
                "forbidden",
            )?;
            return Err(AbsenceError::Forbidden);
        }
        Err(denied) => return Err(denied.into()),
    };
    let groups = at.place.groups.clone();
    let pupil = Pupil { at, school, groups };
    if !allowed(actor, &pupil.as_ref()) {
        audit.record(
            conn,
            action,
            object("pupil", pupil_id, &pupil.at.school_id),
            "forbidden",
        )?;
        return Err(AbsenceError::Forbidden);
    }
    Ok(pupil)
}

fn object<'a>(kind: &'static str, id: &'a str, school_id: &'a str) -> Object<'a> {
    Object {
        kind,
        id: Some(id),
        school_id: Some(school_id),
    }
}

/// The calendar of the school year `day` falls in (stored or default).
fn calendar_of(
    conn: &mut AnyConnection,
    school_id: &str,
    day: NaiveDate,
) -> Result<domain::calendar::SchoolCalendar, RepoError> {
    let mut calendars =
        super::calendar::calendars(conn, school_id, &[SchoolYear::containing(day)])?;
    Ok(calendars.remove(0))
}

/// Today in Amsterdam, the school's date.
fn today(now: DateTime<Utc>) -> NaiveDate {
    domain::schedule::school_date(now)
}

fn refused(field: &str, code: &'static str, message: &str) -> AbsenceError {
    AbsenceError::Refused(vec![Refusal {
        field: field.to_owned(),
        reason: domain::Invalid::new(code, message),
    }])
}

/// A change of an absence as sent: a guardian of the pupil changes their report, staff register
/// the school's view; a field of the other side is refused, named.
#[derive(Debug, Clone, Default)]
pub struct AbsenceEdit {
    pub version: i32,
    pub reason: Option<domain::absence::ReasonKind>,
    pub note: Option<String>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub kind: Option<domain::absence::AbsenceKind>,
    pub minutes: Option<u32>,
}

fn reads_as_guardian(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, AbsenceError> {
    let (_, at) = store::find(conn, &actor.pupil_scope(), id, today(now))?;
    Ok(actor.is_guardian_of(persistence::ids::uuid(&at.id)))
}

/// Whether the absence exists for the caller and is theirs to change at all (before the body is
/// read): a guardian of its pupil, or staff who register the pupil's absence.
pub fn may_edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AbsenceError> {
    let (_, at) = store::find(conn, &actor.pupil_scope(), id, today(now))?;
    let guardian = actor.is_guardian_of(persistence::ids::uuid(&at.id));
    let need = Need {
        capacity: if guardian {
            Capacity::Guardian
        } else {
            Capacity::Staff
        },
        action: "change_absence",
        allowed: if guardian {
            domain::absence::policy::may_report
        } else {
            domain::absence::policy::may_register
        },
    };
    pupil(conn, actor, audit, &at.id, today(now), need).map(drop)
}

/// Applies a change: as the pupil's guardian to their report, else as staff.
pub fn edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    edit: AbsenceEdit,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    if reads_as_guardian(conn, actor, id, now)? {
        if edit.kind.is_some() {
            return Err(refused(
                "kind",
                "staff_only",
                "the school registers the kind",
            ));
        }
        if edit.minutes.is_some() {
            return Err(refused(
                "minutes",
                "staff_only",
                "the school registers the minutes",
            ));
        }
        let change = ReportChange {
            version: edit.version,
            reason: edit.reason,
            note: edit.note,
            first_day: edit.first_day,
            last_day: edit.last_day,
            expected_return: edit.expected_return,
        };
        edit::change(conn, actor, audit, id, change, now)
    } else {
        for (field, given) in [
            ("reason", edit.reason.is_some()),
            ("note", edit.note.is_some()),
            ("first_day", edit.first_day.is_some()),
            ("expected_return", edit.expected_return.is_some()),
        ] {
            if given {
                return Err(refused(
                    field,
                    "guardian_only",
                    "is the guardian's to change",
                ));
            }
        }
        let change = StaffChange {
            version: edit.version,
            kind: edit.kind,
            minutes: edit.minutes,
            last_day: edit.last_day,
        };
        amend(conn, actor, audit, id, change, now)
    }
}
