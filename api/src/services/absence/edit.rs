//! Changes of a report after it was made: the guardian changes or withdraws it until its first
//! day starts, and reports the child better; every change is written to its history in the same
//! transaction ([`apply`], which staff changes use too).

use chrono::{DateTime, NaiveDate, Utc};
use domain::absence::{
    self as rules, AbsenceKind, AbsenceReason, ReasonKind, ReportAbsence, ReportState, Reporter,
    Source, policy,
};
use domain::actor::Actor;
use domain::modules::Capacity;
use persistence::absence::{self as store, AbsenceRow, Change, Edited};
use persistence::{AnyConnection, transaction};

use super::read::view;
use super::report::reporter;
use super::{AbsenceError, AbsenceView, Need, Pupil, calendar_of, object, pupil, refused, today};
use crate::audit::Audit;

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
