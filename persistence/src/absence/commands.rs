//! Writes of absences: a new absence, and an edit made on the version read, with one history
//! entry per changed field in the same transaction (the caller's).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::rows::{AbsenceRow, HistoryRow};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{absence_history, absences};

/// An absence to store (the service has checked it).
#[derive(Debug, Clone)]
pub struct NewAbsence {
    pub school_id: String,
    pub pupil_id: String,
    pub source: &'static str,
    pub reported_by: Option<String>,
    pub reason: &'static str,
    pub kind: Option<&'static str>,
    pub note: Option<String>,
    pub first_day: NaiveDate,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub minutes: Option<u32>,
    pub late: bool,
}

/// Stores new absences in one statement; answers them as stored.
pub fn insert(
    conn: &mut AnyConnection,
    new: &[NewAbsence],
    now: NaiveDateTime,
) -> Result<Vec<AbsenceRow>, RepoError> {
    let rows: Vec<AbsenceRow> = new
        .iter()
        .map(|n| AbsenceRow {
            id: new_id(),
            school_id: n.school_id.clone(),
            pupil_id: n.pupil_id.clone(),
            source: n.source.to_owned(),
            reported_by: n.reported_by.clone(),
            reason: n.reason.to_owned(),
            kind: n.kind.map(str::to_owned),
            note: n.note.clone(),
            first_day: n.first_day,
            last_day: n.last_day,
            expected_return: n.expected_return,
            returned_on: None,
            minutes: n.minutes.and_then(|m| i32::try_from(m).ok()),
            late: n.late,
            withdrawn_at: None,
            leave_request_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    if !rows.is_empty() {
        batch_insert!(conn, absences::table, &rows)?;
    }
    Ok(rows)
}

/// One field an edit changes, as the history shows it.
#[derive(Debug, Clone)]
pub struct Change {
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The outcome of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    Done(Box<AbsenceRow>),
    /// The stored version is not the one the edit was made on: nothing changed.
    Stale,
}

/// Writes `after` over the absence made on `before.version` (its id, school and pupil stay),
/// and the history of `changes` by `by`.
pub fn edit(
    conn: &mut AnyConnection,
    before: &AbsenceRow,
    after: &AbsenceRow,
    changes: &[Change],
    by: &str,
    now: NaiveDateTime,
) -> Result<Edited, RepoError> {
    let updated = diesel::update(
        absences::table
            .filter(absences::id.eq(&before.id))
            .filter(absences::version.eq(before.version)),
    )
    .set((
        absences::reason.eq(&after.reason),
        absences::kind.eq(&after.kind),
        absences::note.eq(&after.note),
        absences::first_day.eq(after.first_day),
        absences::last_day.eq(after.last_day),
        absences::expected_return.eq(after.expected_return),
        absences::returned_on.eq(after.returned_on),
        absences::minutes.eq(after.minutes),
        absences::withdrawn_at.eq(after.withdrawn_at),
        absences::version.eq(before.version + 1),
        absences::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Ok(Edited::Stale);
    }
    let entries: Vec<HistoryRow> = changes
        .iter()
        .map(|c| HistoryRow {
            id: new_id(),
            absence_id: before.id.clone(),
            field: c.field.to_owned(),
            from_value: c.from.clone(),
            to_value: c.to.clone(),
            changed_by: Some(by.to_owned()),
            changed_at: now,
        })
        .collect();
    if !entries.is_empty() {
        batch_insert!(conn, absence_history::table, &entries)?;
    }
    Ok(Edited::Done(Box::new(AbsenceRow {
        version: before.version + 1,
        updated_at: now,
        ..after.clone()
    })))
}

/// The history of an absence, oldest first.
pub fn history(conn: &mut AnyConnection, absence_id: &str) -> Result<Vec<HistoryRow>, RepoError> {
    Ok(absence_history::table
        .filter(absence_history::absence_id.eq(absence_id))
        .order(absence_history::id.asc())
        // The contract's bound: an absence changed more often shows its first 500 changes.
        .limit(500)
        .select(HistoryRow::as_select())
        .load(conn)?)
}
