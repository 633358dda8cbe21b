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
    /// `succeeded` or `failed`.
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
    pub succeeded: bool,
    pub counts: Option<String>,
    pub rejected: usize,
    pub error: Option<String>,
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
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
        status: if run.succeeded { "succeeded" } else { "failed" }.to_owned(),
        counts: run.counts,
        rejected: i32::try_from(run.rejected).unwrap_or(i32::MAX),
        error: run.error,
        started_at: run.started_at,
        finished_at: run.finished_at,
        duration_ms: duration,
    };
    diesel::insert_into(sync_runs::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
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
