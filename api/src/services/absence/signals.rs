//! The signals for a school's admins: the DUO report of 16 hours of unauthorized absence within 4
//! school weeks (Leerplichtwet art. 21a) and long absence, recomputed for a pupil in the
//! transaction that changes their unauthorized absence; listed and marked reported by the
//! director and the school admin (`domain::absence::policy::may_handle_signals`).

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::absence::{
    CountedAbsence, duo_signals, long_absences, policy, suspected_luxury_absence,
};
use domain::actor::Actor;
use domain::calendar::{SchoolCalendar, dates};
use domain::modules::{Capacity, Module};
use domain::school_year::SchoolYear;
use persistence::absence::signals::{self as store, Raise, SignalItem};
use persistence::absence::{PupilAt, for_signals};
use persistence::modules::ModuleSchool;
use persistence::page::Page;
use persistence::{AnyConnection, RepoError};

use super::{AbsenceError, object};
use crate::audit::Audit;
use crate::services::{module_school_as, school_ref};

pub const DUO: &str = "duo_16_hours";
pub const LONG: &str = "long_absence";
pub const LUXURY: &str = "luxury_absence";

/// How far back an unreported pupil's absence is read: the window is 4 school weeks, so a year
/// holds every window that can still be reported (our bound).
const LOOK_BACK_DAYS: u64 = 366;

/// Recomputes the pupil's signals from their unauthorized absence and raises the new ones (a
/// signal raised before is not raised again: the table's unique key).
pub fn refresh(
    conn: &mut AnyConnection,
    pupil: &PupilAt,
    now: DateTime<Utc>,
) -> Result<usize, RepoError> {
    let today = domain::schedule::school_date(now);
    let reported = store::last_reported(conn, &pupil.id, DUO)?;
    let from = reported.unwrap_or(today - Days::new(LOOK_BACK_DAYS));
    let rows = for_signals(conn, &pupil.id, from)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let first = rows.iter().map(|r| r.first_day).min().unwrap_or(today);
    let last = rows
        .iter()
        .map(|r| r.last_day.unwrap_or(today))
        .max()
        .unwrap_or(today);
    let mut years = Vec::new();
    let mut year = SchoolYear::containing(first.min(from.max(first)));
    while year.starts_on() <= last {
        years.push(year);
        year = year.next();
    }
    let calendars = crate::services::calendar::calendars(conn, &pupil.school_id, &years)?;
    let group = pupil.group_on.as_deref().map(persistence::ids::uuid);
    let calendar_of =
        |day: NaiveDate| -> Option<&SchoolCalendar> { calendars.iter().find(|c| c.contains(day)) };
    let mut counted = Vec::new();
    let mut sick = Vec::new();
    for row in &rows {
        let unauthorized = row.kind.as_deref() == Some("unauthorized");
        let last_day = row.last_day.unwrap_or(today);
        let single = last_day == row.first_day;
        for day in dates(row.first_day, last_day) {
            let Some(calendar) = calendar_of(day) else {
                continue;
            };
            if !calendar.is_school_day(day) {
                continue;
            }
            let minutes = match (single, row.given_minutes()) {
                (true, Some(given)) => given,
                _ => calendar.teaching_minutes(group, day),
            };
            if unauthorized {
                counted.push(CountedAbsence { date: day, minutes });
            } else {
                sick.push(CountedAbsence { date: day, minutes });
            }
        }
    }
    let mut raise: Vec<Raise> = duo_signals(&calendars, &counted, reported)
        .into_iter()
        .map(|s| Raise {
            kind: DUO,
            first_day: s.days.first().map_or(s.window_first, |d| d.date),
            last_day: s.reached_on,
            minutes: s.total_minutes,
        })
        .collect();
    let absent: Vec<NaiveDate> = counted.iter().map(|c| c.date).collect();
    raise.extend(
        long_absences(&calendars, &absent)
            .into_iter()
            .map(|l| Raise {
                kind: LONG,
                first_day: l.first_day,
                last_day: l.reached_on,
                minutes: 0,
            }),
    );
    // Sick or unauthorized on the school day right before or after a holiday of a week or more:
    // a question for the school, not a report (our heuristic, `domain::absence::signals`).
    let both: Vec<CountedAbsence> = counted.iter().chain(&sick).copied().collect();
    let days: Vec<NaiveDate> = both.iter().map(|c| c.date).collect();
    raise.extend(
        suspected_luxury_absence(&calendars, &days)
            .into_iter()
            .map(|day| Raise {
                kind: LUXURY,
                first_day: day,
                last_day: day,
                minutes: both
                    .iter()
                    .filter(|c| c.date == day)
                    .map(|c| c.minutes)
                    .sum(),
            }),
    );
    store::raise(conn, &pupil.school_id, &pupil.id, &raise, now.naive_utc())
}

/// The school for its signal handlers (absence on for staff: 404 otherwise; the director or
/// school admin: 403, recorded).
fn handler_school(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<ModuleSchool, AbsenceError> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Capacity::Staff,
        None,
    )?;
    if !policy::may_handle_signals(actor, school_ref(school.row())) {
        audit.record(
            conn,
            "handle_absence_signals",
            object("school", school_id, school_id),
            "forbidden",
        )?;
        return Err(AbsenceError::Forbidden);
    }
    Ok(school)
}

/// The school's signals (only those not reported yet when `open`).
pub fn list(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    open: bool,
    cursor: Option<&str>,
    limit: u16,
) -> Result<Page<SignalItem>, AbsenceError> {
    let school = handler_school(conn, actor, audit, school_id)?;
    let page = store::list(conn, &school, open, cursor, limit)?;
    audit.read(conn, object("absence_signals", school_id, school_id))?;
    Ok(page)
}

/// Marks a signal reported to DUO (once: 409 when it already was); counting starts again after
/// its window.
pub fn mark_reported(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<SignalItem, AbsenceError> {
    let school_id = store::school_of(conn, id)?;
    // Out of the caller's schools, or absence off for them: the signal does not exist.
    let school = handler_school(conn, actor, audit, &school_id)?;
    let by = actor.account_id.to_string();
    if !store::mark_reported(conn, &school, id, &by, now.naive_utc())? {
        return Err(AbsenceError::Conflict(
            "The signal was already marked reported.",
        ));
    }
    audit.record(
        conn,
        "report_absence_signal",
        object("absence_signal", id, &school_id),
        "ok",
    )?;
    Ok(store::find(conn, &school_id, id)?)
}
