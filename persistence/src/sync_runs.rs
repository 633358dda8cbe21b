//! The record of each roster sync: when, who, from which source, what it did and how long it
//! took. Failed runs are recorded too, after their transaction rolled back, so a sync never looks
//! successful when it was not.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::page::{Page, fetch_page};
use crate::schema::sync_runs;
use crate::schools::VisibleSchool;

/// A run as listed; the roster a held run keeps is read only to confirm it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sync_runs)]
pub struct SyncRunRow {
    pub id: String,
    pub school_id: String,
    /// `snapshot`, `delta`, `edexml_upload`, `edexml_fetch`.
    pub source: String,
    pub client_id: Option<String>,
    pub account_id: Option<String>,
    pub school_year: Option<String>,
    /// `succeeded`, `failed`, `held` (waiting for an admin's confirmation), `confirmed` (a held
    /// run an admin confirmed: the run after it applied it) or `superseded` (a held run a later
    /// sync made moot).
    pub status: String,
    /// The counts per kind of record, as JSON.
    pub counts: Option<String>,
    pub rejected: i32,
    /// Why it failed; never personal data.
    pub error: Option<String>,
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
    pub duration_ms: i64,
}

/// A run to record; the id is made here.
#[derive(Debug, Clone)]
pub struct NewRun {
    pub school_id: String,
    pub source: &'static str,
    pub client_id: Option<String>,
    pub account_id: Option<String>,
    pub school_year: Option<String>,
    pub status: RunStatus,
    pub counts: Option<String>,
    pub rejected: usize,
    pub error: Option<String>,
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunStatus {
    Succeeded,
    Failed,
    /// Not applied: it waits for confirmation, keeping the roster (JSON) it would apply.
    Held {
        snapshot: String,
    },
}

pub fn record(conn: &mut AnyConnection, run: NewRun) -> Result<SyncRunRow, RepoError> {
    let duration = (run.finished_at - run.started_at).num_milliseconds().max(0);
    let row = SyncRunRow {
        id: new_id(),
        school_id: run.school_id,
        source: run.source.to_owned(),
        client_id: run.client_id,
        account_id: run.account_id,
        school_year: run.school_year,
        status: match run.status {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Held { .. } => "held",
        }
        .to_owned(),
        counts: run.counts,
        rejected: i32::try_from(run.rejected).unwrap_or(i32::MAX),
        error: run.error,
        started_at: run.started_at,
        finished_at: run.finished_at,
        duration_ms: duration,
    };
    let held_snapshot = match run.status {
        RunStatus::Held { snapshot } => Some(snapshot),
        _ => None,
    };
    // A sync that succeeded makes the school's held runs moot, and a newer hold replaces an older
    // one: their rosters are dropped, so held runs cannot pile up.
    if row.status == "succeeded" || row.status == "held" {
        diesel::update(
            sync_runs::table
                .filter(sync_runs::school_id.eq(&row.school_id))
                .filter(sync_runs::status.eq("held")),
        )
        .set((
            sync_runs::status.eq("superseded"),
            sync_runs::held_snapshot.eq(None::<String>),
        ))
        .execute(conn)?;
    }
    diesel::insert_into(sync_runs::table)
        .values((&row, sync_runs::held_snapshot.eq(held_snapshot)))
        .execute(conn)?;
    Ok(row)
}

/// The counts (JSON) of the school's runs that succeeded since `since`.
pub fn succeeded_counts_since(
    conn: &mut AnyConnection,
    school_id: &str,
    since: NaiveDateTime,
) -> Result<Vec<String>, RepoError> {
    Ok(sync_runs::table
        .filter(sync_runs::school_id.eq(school_id))
        .filter(sync_runs::status.eq("succeeded"))
        .filter(sync_runs::started_at.gt(since))
        .select(sync_runs::counts)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect())
}

/// Whether the school had a held run since `since` (its admins were mailed about it then).
pub fn held_since(
    conn: &mut AnyConnection,
    school_id: &str,
    since: NaiveDateTime,
) -> Result<bool, RepoError> {
    let found: Option<String> = sync_runs::table
        .filter(sync_runs::school_id.eq(school_id))
        .filter(sync_runs::status.eq_any(["held", "superseded", "confirmed"]))
        .filter(sync_runs::started_at.gt(since))
        .select(sync_runs::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Takes a held run of a visible school for confirmation: marks it confirmed, drops the roster it
/// kept and returns it. `NotFound` when there is no such held run. Call it in the confirming
/// sync's transaction after the school's sync lock, so no other sync comes in between.
pub fn take_held(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    run_id: &str,
) -> Result<(SyncRunRow, String), RepoError> {
    let (row, snapshot): (SyncRunRow, Option<String>) = sync_runs::table
        .filter(sync_runs::id.eq(run_id))
        .filter(sync_runs::school_id.eq(school.id()))
        .filter(sync_runs::status.eq("held"))
        .select((SyncRunRow::as_select(), sync_runs::held_snapshot))
        .first(conn)?;
    let snapshot = snapshot.ok_or(RepoError::NotFound)?;
    diesel::update(sync_runs::table.find(run_id))
        .set((
            sync_runs::status.eq("confirmed"),
            sync_runs::held_snapshot.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok((row, snapshot))
}

/// Whether a run of this school exists and is not held (it was confirmed or superseded, or was
/// never held): the confirmation of such a run conflicts with its state.
pub fn exists_unheld(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    run_id: &str,
) -> Result<bool, RepoError> {
    let found: Option<String> = sync_runs::table
        .filter(sync_runs::id.eq(run_id))
        .filter(sync_runs::school_id.eq(school.id()))
        .filter(sync_runs::status.ne("held"))
        .select(sync_runs::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// A visible school's sync runs, newest first.
pub fn list_at(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<SyncRunRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = sync_runs::table
                .filter(sync_runs::school_id.eq(school.id().to_owned()))
                .select(SyncRunRow::as_select())
                .order(sync_runs::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(sync_runs::id.lt(before.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}
