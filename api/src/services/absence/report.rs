//! Guardians report their child absent (seed 003: same-day reports before 08:00; later ones are
//! accepted and flagged late so that the school calls). Changes afterwards: [`super::edit`].

use chrono::{DateTime, NaiveDate, Utc};
use domain::absence::{
    self as rules, AbsenceKind, AbsenceReason, ReportAbsence, Reporter, Source, policy,
};
use domain::actor::Actor;
use domain::modules::Capacity;
use persistence::absence::{self as store, NewAbsence};
use persistence::{AnyConnection, RepoError, transaction};

use super::read::view;
use super::{AbsenceError, AbsenceView, Need, Pupil, calendar_of, object, pupil, refused, today};
use crate::audit::Audit;

/// A guardian's report, as sent.
#[derive(Debug, Clone)]
pub struct Report {
    pub reason: AbsenceReason,
    /// `None`: today before the cut-off, else the next school day.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub minutes: Option<u32>,
}

pub(super) fn reporter(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    now: DateTime<Utc>,
) -> Result<Pupil, AbsenceError> {
    let need = Need {
        capacity: Capacity::Guardian,
        action: "report_absence",
        allowed: policy::may_report,
    };
    pupil(conn, actor, audit, pupil_id, today(now), need)
}

/// Whether the caller may report this pupil absent (before the body is read).
pub fn may_report(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AbsenceError> {
    reporter(conn, actor, audit, pupil_id, now).map(drop)
}

/// Reports the pupil absent; `finish` runs in the same transaction with the stored report (the
/// idempotency key's answer is remembered there).
pub fn report<T, E>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    report: Report,
    now: DateTime<Utc>,
    finish: impl FnOnce(&mut AnyConnection, &AbsenceView) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<AbsenceError> + From<RepoError>,
{
    let pupil = reporter(conn, actor, audit, pupil_id, now)?;
    let school_id = pupil.at.school_id.clone();
    let settings = store::settings::get(conn, &school_id)?;
    let cutoff = settings.absence.cutoff;
    let first_day = match report.first_day {
        Some(day) => day,
        None => {
            let calendar = calendar_of(conn, &school_id, today(now))?;
            rules::default_first_day(&calendar, now, cutoff).ok_or_else(|| {
                refused(
                    "first_day",
                    "no_school_days",
                    "no school day follows in this school year",
                )
            })?
        }
    };
    let calendar = calendar_of(conn, &school_id, first_day)?;
    let assessed = rules::assess(
        &ReportAbsence {
            pupil_id: persistence::ids::uuid(&pupil.at.id),
            group_id: pupil.group_on(),
            reason: report.reason,
            first_day,
            last_day: report.last_day,
            minutes: report.minutes,
        },
        Reporter::Guardian,
        &calendar,
        &settings.absence,
        now,
    )
    .map_err(AbsenceError::Refused)?;
    if report.expected_return.is_some_and(|back| back <= first_day) {
        return Err(refused(
            "expected_return",
            "before_first_day",
            "must lie after the first day",
        )
        .into());
    }
    let new = NewAbsence {
        school_id: school_id.clone(),
        pupil_id: pupil.at.id.clone(),
        source: Source::Guardian.as_str(),
        reported_by: Some(actor.account_id.to_string()),
        reason: assessed.reason.kind.as_str(),
        kind: AbsenceKind::from_report(assessed.reason.kind).map(AbsenceKind::as_str),
        note: assessed.reason.note.clone(),
        first_day,
        last_day: assessed.last_day,
        expected_return: report.expected_return,
        minutes: report.minutes,
        late: assessed.late,
    };
    let naive = now.naive_utc();
    transaction(conn, |conn| {
        // One report per day: the other parent's second report of the same days is refused, also
        // when both come in at once (checked under the pupil's lock).
        persistence::pupils::lock(conn, &new.pupil_id)?;
        let last = assessed.last_day.unwrap_or(first_day);
        if store::reported_between(conn, &new.pupil_id, first_day, last)? {
            return Err(AbsenceError::Conflict(
                "The child is already reported absent for these days; change that report instead.",
            )
            .into());
        }
        let row = store::insert(conn, std::slice::from_ref(&new), naive)?.remove(0);
        audit.record(
            conn,
            "report_absence",
            object("absence", &row.id, &school_id),
            "ok",
        )?;
        // Sick right before or after a holiday: the signal is the school's question. Only then
        // are the pupil's signals read again (not on every morning's report).
        let days: Vec<NaiveDate> = domain::calendar::dates(first_day, last).collect();
        if !rules::suspected_luxury_absence(std::slice::from_ref(&calendar), &days).is_empty() {
            super::signals::refresh(conn, &pupil.at, now)?;
        }
        let answer = view(actor, &pupil, row, Vec::new())?;
        finish(conn, &answer)
    })
}
