//! Reading absence: one absence with its history, a pupil's absences, and a school's day as its
//! staff see it (teachers: their groups). Every read of a pupil's absence is audited.

use chrono::{DateTime, NaiveDate, Utc};
use domain::absence::policy::{self, DayList};
use domain::absence::{AbsenceKind, AbsenceReason, ReportState, Source};
use domain::actor::Actor;
use domain::modules::{Capacity, Module};
use persistence::absence::{self as store, AbsenceRow, DayItem, HistoryRow};
use persistence::page::Page;
use persistence::{AnyConnection, RepoError};
use uuid::Uuid;

use super::{AbsenceError, Need, Pupil, object, pupil, today};
use crate::audit::Audit;
use crate::services::{module_school_as, school_ref};

/// An absence as answered to one reader.
#[derive(Debug, Clone)]
pub struct AbsenceView {
    pub row: AbsenceRow,
    pub source: Source,
    /// `None` for granted leave.
    pub reason: Option<AbsenceReason>,
    pub kind: Option<AbsenceKind>,
    pub state: ReportState,
    /// Whether the note was left out: medical detail this reader may not see.
    pub note_withheld: bool,
    pub pupil_name: (String, Option<String>, String),
    pub history: Vec<HistoryRow>,
}

/// The absence as `actor` may see it: the note of a sick report only for those the policy gives
/// medical detail (history entries of the note likewise).
pub(super) fn view(
    actor: &Actor,
    pupil: &Pupil,
    row: AbsenceRow,
    history: Vec<HistoryRow>,
) -> Result<AbsenceView, RepoError> {
    let medical = policy::may_read_medical_detail(actor, &pupil.as_ref());
    let names = (
        pupil.at.first_name.clone(),
        pupil.at.name_prefix.clone(),
        pupil.at.last_name.clone(),
    );
    shaped(row, medical, names, history)
}

fn shaped(
    mut row: AbsenceRow,
    medical: bool,
    pupil_name: (String, Option<String>, String),
    mut history: Vec<HistoryRow>,
) -> Result<AbsenceView, RepoError> {
    let mut reason = row.reason()?;
    let withheld = reason.as_ref().is_some_and(AbsenceReason::note_is_medical) && !medical;
    if withheld {
        row.note = None;
        if let Some(reason) = reason.as_mut() {
            reason.note = None;
        }
        for entry in history.iter_mut().filter(|e| e.field == "note") {
            entry.from_value = None;
            entry.to_value = None;
        }
    }
    Ok(AbsenceView {
        source: row.source()?,
        kind: row.kind()?,
        state: row.state(),
        reason,
        note_withheld: withheld,
        pupil_name,
        history,
        row,
    })
}

/// The capacity a reader of a pupil's absence reads in: a guardian of the pupil as guardian.
fn capacity(actor: &Actor, pupil_id: &str) -> Capacity {
    if actor.is_guardian_of(persistence::ids::uuid(pupil_id)) {
        Capacity::Guardian
    } else {
        Capacity::Staff
    }
}

/// One absence with its history.
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    let (row, at) = store::find(conn, &actor.pupil_scope(), id, today(now))?;
    let capacity = capacity(actor, &at.id);
    let pupil = pupil(
        conn,
        actor,
        audit,
        &at.id,
        today(now),
        Need {
            capacity,
            action: "read_absence",
            allowed: policy::may_read,
        },
    )?;
    audit.read(conn, object("absence", id, &row.school_id))?;
    let history = store::history(conn, id)?;
    Ok(view(actor, &pupil, row, history)?)
}

pub type PupilPage = Page<AbsenceView>;

/// A pupil's absences, newest first.
pub fn of_pupil(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    cursor: Option<&str>,
    limit: u16,
    now: DateTime<Utc>,
) -> Result<PupilPage, AbsenceError> {
    let capacity = capacity(actor, pupil_id);
    let pupil = pupil(
        conn,
        actor,
        audit,
        pupil_id,
        today(now),
        Need {
            capacity,
            action: "read_absence",
            allowed: policy::may_read,
        },
    )?;
    let page = store::of_pupil(conn, &pupil.at, cursor, limit)?;
    audit.read(
        conn,
        object("pupil_absences", pupil_id, &pupil.at.school_id),
    )?;
    let items = page
        .items
        .into_iter()
        .map(|row| view(actor, &pupil, row, Vec::new()))
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub type DayPage = Page<AbsenceView>;

/// Which day of a school's absences, and which page of it.
#[derive(Debug, Clone)]
pub struct DayQuery {
    /// Today (Amsterdam) when `None`.
    pub day: Option<NaiveDate>,
    pub cursor: Option<String>,
    pub limit: u16,
}

/// The absences of a school on `day` for its staff: teachers see their groups' pupils; the
/// director, school admin and care staff the whole school (SPEC §7). Others: 403.
pub fn day(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    query: DayQuery,
    now: DateTime<Utc>,
) -> Result<DayPage, AbsenceError> {
    let DayQuery { day, cursor, limit } = query;
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Capacity::Staff,
        None,
    )?;
    let at = school_ref(school.row());
    let taught = policy::taught_groups(actor, at);
    let groups = match policy::day_list(actor, at) {
        DayList::WholeSchool => None,
        DayList::Groups(groups) => Some(groups.iter().map(Uuid::to_string).collect::<Vec<_>>()),
        DayList::Refused => {
            audit.record(
                conn,
                "read_absence",
                object("school", school_id, school_id),
                "forbidden",
            )?;
            return Err(AbsenceError::Forbidden);
        }
    };
    let day = day.unwrap_or_else(|| today(now));
    let page = store::of_school_on(
        conn,
        &school,
        day,
        groups.as_deref(),
        cursor.as_deref(),
        limit,
    )?;
    audit.read(conn, object("absence_day", school_id, school_id))?;
    // Every pupil of a teacher's list is in one of their groups, so the policy answers the same
    // for each of them. The whole school's list is judged as of a pupil of none of the caller's
    // groups (a director who also teaches sees medical detail of their own groups per pupil).
    let reader = policy::PupilRef {
        school: at,
        pupil_id: Uuid::nil(),
        groups: if groups.is_some() { &taught } else { &[] },
    };
    let medical = policy::may_read_medical_detail(actor, &reader);
    let items = page
        .items
        .into_iter()
        .map(
            |DayItem {
                 absence,
                 first_name,
                 name_prefix,
                 last_name,
             }| {
                shaped(
                    absence,
                    medical,
                    (first_name, name_prefix, last_name),
                    Vec::new(),
                )
            },
        )
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
