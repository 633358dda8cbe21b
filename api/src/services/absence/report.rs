//! Guardians report their child absent, change or withdraw the report until its first day starts,
//! and report the child better (seed 003: same-day reports before 08:00; later ones are accepted
//! and flagged late so that the school calls).

use chrono::{DateTime, NaiveDate, Utc};
use domain::absence::{
    self as rules, AbsenceKind, AbsenceReason, ReasonKind, ReportAbsence, ReportState, Reporter,
    Source, policy,
};
use domain::actor::Actor;
use domain::modules::Capacity;
use persistence::absence::{self as store, AbsenceRow, Change, Edited, NewAbsence};
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

fn reporter(
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

/// A guardian's change of their report: the fields given replace the stored ones.
#[derive(Debug, Clone, Default)]
pub struct ReportChange {
    pub version: i32,
    pub reason: Option<ReasonKind>,
    pub note: Option<String>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
}

/// The guardian's report `id` for the caller (a reporter of its pupil), and whether it may still
/// change (409 otherwise).
fn own_report(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
    action: &'static str,
) -> Result<(AbsenceRow, Pupil), AbsenceError> {
    let (row, at) = store::find(conn, &actor.pupil_scope(), id, today(now))?;
    if !actor.is_guardian_of(persistence::ids::uuid(&at.id)) {
        // Staff who see the pupil: the report exists for them (404 where absence is off for
        // staff), changing it is the guardian's (403, recorded).
        let no = |_: &Actor, _: &policy::PupilRef| false;
        pupil(
            conn,
            actor,
            audit,
            &at.id,
            today(now),
            Need {
                capacity: Capacity::Staff,
                action,
                allowed: no,
            },
        )?;
        return Err(AbsenceError::Forbidden);
    }
    let pupil = reporter(conn, actor, audit, &at.id, now)?;
    if row.source()? != Source::Guardian {
        audit.record(
            conn,
            action,
            object("absence", id, &row.school_id),
            "forbidden",
        )?;
        return Err(AbsenceError::Forbidden);
    }
    let settings = store::settings::get(conn, &row.school_id)?;
    if !rules::may_change(row.state(), row.first_day, now, settings.absence.cutoff) {
        return Err(AbsenceError::Conflict(
            "The absence has started, or was withdrawn or ended; the school changes it now.",
        ));
    }
    Ok((row, pupil))
}

fn day_text(day: Option<NaiveDate>) -> Option<String> {
    day.map(|d| d.format("%Y-%m-%d").to_string())
}

/// An edit of an absence: the row as read, as it becomes, the history entries, and the action
/// it is recorded as.
pub(super) struct Edit<'a> {
    pub before: &'a AbsenceRow,
    pub after: AbsenceRow,
    pub changes: Vec<Change>,
    pub action: &'static str,
}

/// Applies an edit made on the version read and answers the absence as now stored.
pub(super) fn apply(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil: &Pupil,
    edit: Edit,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    let Edit {
        before,
        after,
        changes,
        action,
    } = edit;
    let by = actor.account_id.to_string();
    transaction(conn, |conn| {
        match store::edit(conn, before, &after, &changes, &by, now.naive_utc())? {
            Edited::Stale => Err(AbsenceError::Conflict(
                "The absence was changed since the version given; read it again.",
            )),
            Edited::Done(row) => {
                audit.record(
                    conn,
                    action,
                    object("absence", &row.id, &row.school_id),
                    "ok",
                )?;
                super::signals::refresh(conn, &pupil.at, now)?;
                let history = store::history(conn, &row.id)?;
                Ok(view(actor, pupil, *row, history)?)
            }
        }
    })
}

/// Changes the caller's report until its first day starts.
pub fn change(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    change: ReportChange,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    let (row, pupil) = own_report(conn, actor, audit, id, now, "change_absence")?;
    if row.version != change.version {
        return Err(AbsenceError::Conflict(
            "The absence was changed since the version given; read it again.",
        ));
    }
    let before_reason = row
        .reason()?
        .ok_or(AbsenceError::Conflict("granted leave is not a report"))?;
    let reason = AbsenceReason {
        kind: change.reason.unwrap_or(before_reason.kind),
        note: change.note.or(before_reason.note),
    };
    let first_day = change.first_day.unwrap_or(row.first_day);
    // A report moved to another first day keeps its length unless a last day is given.
    let last_day = change
        .last_day
        .or(row.last_day.map(|last| last + (first_day - row.first_day)));
    let expected_return = change.expected_return.or(row.expected_return);
    let settings = store::settings::get(conn, &row.school_id)?;
    let calendar = calendar_of(conn, &row.school_id, first_day)?;
    let assessed = rules::assess(
        &ReportAbsence {
            pupil_id: persistence::ids::uuid(&row.pupil_id),
            group_id: pupil.group_on(),
            reason,
            first_day,
            last_day,
            minutes: row.given_minutes(),
        },
        Reporter::Guardian,
        &calendar,
        &settings.absence,
        now,
    )
    .map_err(AbsenceError::Refused)?;
    if expected_return.is_some_and(|back| back <= first_day) {
        return Err(refused(
            "expected_return",
            "before_first_day",
            "must lie after the first day",
        ));
    }
    let after = AbsenceRow {
        reason: assessed.reason.kind.as_str().to_owned(),
        kind: AbsenceKind::from_report(assessed.reason.kind).map(|k| k.as_str().to_owned()),
        note: assessed.reason.note.clone(),
        first_day,
        last_day: assessed.last_day,
        expected_return,
        ..row.clone()
    };
    let mut changes = Vec::new();
    let mut push = |field: &'static str, from: Option<String>, to: Option<String>| {
        if from != to {
            changes.push(Change { field, from, to });
        }
    };
    push(
        "reason",
        Some(row.reason.clone()),
        Some(after.reason.clone()),
    );
    push("note", row.note.clone(), after.note.clone());
    push(
        "first_day",
        day_text(Some(row.first_day)),
        day_text(Some(after.first_day)),
    );
    push("last_day", day_text(row.last_day), day_text(after.last_day));
    push(
        "expected_return",
        day_text(row.expected_return),
        day_text(after.expected_return),
    );
    apply(
        conn,
        actor,
        audit,
        &pupil,
        Edit {
            before: &row,
            after,
            changes,
            action: "change_absence",
        },
        now,
    )
}

/// Withdraws the caller's report until its first day starts.
pub fn withdraw(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    let (row, pupil) = own_report(conn, actor, audit, id, now, "withdraw_absence")?;
    let after = AbsenceRow {
        withdrawn_at: Some(now.naive_utc()),
        ..row.clone()
    };
    let changes = vec![Change {
        field: "state",
        from: Some(ReportState::Reported.as_str().to_owned()),
        to: Some(ReportState::Withdrawn.as_str().to_owned()),
    }];
    apply(
        conn,
        actor,
        audit,
        &pupil,
        Edit {
            before: &row,
            after,
            changes,
            action: "withdraw_absence",
        },
        now,
    )
}

/// Reports the pupil back ("beter gemeld") on `back_on`: an open report ends the school day
/// before. A guardian of the pupil or staff who register its absence.
pub fn return_back(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    back_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    let (row, at) = store::find(conn, &actor.pupil_scope(), id, today(now))?;
    let guardian = actor.is_guardian_of(persistence::ids::uuid(&at.id));
    let capacity = if guardian {
        Capacity::Guardian
    } else {
        Capacity::Staff
    };
    let allowed = |actor: &Actor, pupil: &policy::PupilRef| {
        policy::may_report(actor, pupil) || policy::may_register(actor, pupil)
    };
    let pupil = pupil(
        conn,
        actor,
        audit,
        &at.id,
        today(now),
        Need {
            capacity,
            action: "return_absence",
            allowed,
        },
    )?;
    if row.state() != ReportState::Reported || row.last_day.is_some() {
        return Err(AbsenceError::Conflict(
            "Only an open absence (without a last day) is reported better.",
        ));
    }
    let calendar = calendar_of(conn, &row.school_id, row.first_day)?;
    let last = rules::close_open_report(&calendar, row.first_day, back_on)
        .map_err(|r| AbsenceError::Refused(vec![r]))?;
    let after = AbsenceRow {
        last_day: Some(last),
        returned_on: Some(back_on),
        ..row.clone()
    };
    let changes = vec![Change {
        field: "last_day",
        from: None,
        to: day_text(Some(last)),
    }];
    apply(
        conn,
        actor,
        audit,
        &pupil,
        Edit {
            before: &row,
            after,
            changes,
            action: "return_absence",
        },
        now,
    )
}
