//! Signals for a school's admins (Leerplichtwet art. 21a and the law's other signals): raised once
//! per window (a unique key: parallel registrations raise it once), marked reported by an admin.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::modules::ModuleSchool;
use crate::page::{Page, fetch_page};
use crate::schema::{absence_signals, pupils};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = absence_signals)]
pub struct SignalRow {
    pub id: String,
    pub school_id: String,
    pub pupil_id: String,
    /// `duo_16_hours`, `long_absence` or `luxury_absence`.
    pub kind: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub minutes: i32,
    pub raised_at: NaiveDateTime,
    pub reported_at: Option<NaiveDateTime>,
    pub reported_by: Option<String>,
}

/// A signal to raise.
#[derive(Debug, Clone)]
pub struct Raise {
    pub kind: &'static str,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub minutes: u32,
}

/// Raises the signals not raised before for this pupil (same kind and last day); answers how many
/// are new.
pub fn raise(
    conn: &mut AnyConnection,
    school_id: &str,
    pupil_id: &str,
    signals: &[Raise],
    now: NaiveDateTime,
) -> Result<usize, RepoError> {
    let mut raised = 0;
    for signal in signals {
        let row = SignalRow {
            id: new_id(),
            school_id: school_id.to_owned(),
            pupil_id: pupil_id.to_owned(),
            kind: signal.kind.to_owned(),
            first_day: signal.first_day,
            last_day: signal.last_day,
            minutes: i32::try_from(signal.minutes).unwrap_or(i32::MAX),
            raised_at: now,
            reported_at: None,
            reported_by: None,
        };
        raised += on_backend!(conn, c => diesel::insert_into(absence_signals::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(raised)
}

/// The last day of the latest window of `kind` reported for the pupil: counting starts again
/// after it (art. 21a).
pub fn last_reported(
    conn: &mut AnyConnection,
    pupil_id: &str,
    kind: &str,
) -> Result<Option<NaiveDate>, RepoError> {
    Ok(absence_signals::table
        .filter(absence_signals::pupil_id.eq(pupil_id))
        .filter(absence_signals::kind.eq(kind))
        .filter(absence_signals::reported_at.is_not_null())
        .select(diesel::dsl::max(absence_signals::last_day))
        .get_result(conn)?)
}

/// A signal with its pupil's name.
#[derive(Debug, Clone)]
pub struct SignalItem {
    pub signal: SignalRow,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
}

/// The school's signals, oldest first; only those not yet reported when `open`.
pub fn list(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    open: bool,
    cursor: Option<&str>,
    limit: u16,
) -> Result<Page<SignalItem>, RepoError> {
    fetch_page(
        limit,
        |n| {
            let mut query = absence_signals::table
                .inner_join(pupils::table)
                .filter(absence_signals::school_id.eq(school.id()))
                .select((
                    SignalRow::as_select(),
                    pupils::first_name,
                    pupils::name_prefix,
                    pupils::last_name,
                ))
                .order(absence_signals::id.asc())
                .limit(n)
                .into_boxed();
            if open {
                query = query.filter(absence_signals::reported_at.is_null());
            }
            if let Some(cursor) = cursor {
                query = query.filter(absence_signals::id.gt(cursor.to_owned()));
            }
            let rows: Vec<(SignalRow, String, Option<String>, String)> = query.load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(signal, first_name, name_prefix, last_name)| SignalItem {
                    signal,
                    first_name,
                    name_prefix,
                    last_name,
                })
                .collect())
        },
        |item| item.signal.id.clone(),
    )
}

/// The signal `id` of `school`, with its pupil's name.
pub fn find(conn: &mut AnyConnection, school_id: &str, id: &str) -> Result<SignalItem, RepoError> {
    let (signal, first_name, name_prefix, last_name) = absence_signals::table
        .inner_join(pupils::table)
        .filter(absence_signals::id.eq(id))
        .filter(absence_signals::school_id.eq(school_id))
        .select((
            SignalRow::as_select(),
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
        ))
        .get_result(conn)?;
    Ok(SignalItem {
        signal,
        first_name,
        name_prefix,
        last_name,
    })
}

/// Marks a signal of `school` reported, once: false when it was already (or is not the school's).
pub fn mark_reported(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    id: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let updated = diesel::update(
        absence_signals::table
            .filter(absence_signals::id.eq(id))
            .filter(absence_signals::school_id.eq(school.id()))
            .filter(absence_signals::reported_at.is_null()),
    )
    .set((
        absence_signals::reported_at.eq(now),
        absence_signals::reported_by.eq(by),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The school a signal belongs to (to gate before reading it).
pub fn school_of(conn: &mut AnyConnection, id: &str) -> Result<String, RepoError> {
    Ok(absence_signals::table
        .filter(absence_signals::id.eq(id))
        .select(absence_signals::school_id)
        .get_result(conn)?)
}
