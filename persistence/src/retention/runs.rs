//! The purge's run log (counts per category, never the data) and its lease.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::page::{Page, fetch_page};
use crate::schema::{job_leases, retention_run_counts, retention_runs};

/// Takes the named lease until `until` if no other instance holds it now; true when taken.
pub fn take_lease(
    conn: &mut AnyConnection,
    name: &str,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<bool, RepoError> {
    let taken = diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::until.is_null().or(job_leases::until.lt(now))),
    )
    .set((job_leases::owner.eq(owner), job_leases::until.eq(until)))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Gives the lease back (only its owner can).
pub fn release_lease(conn: &mut AnyConnection, name: &str, owner: &str) -> Result<(), RepoError> {
    diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::owner.eq(owner)),
    )
    .set(job_leases::until.eq(None::<NaiveDateTime>))
    .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = retention_runs)]
pub struct RunRow {
    pub id: String,
    pub school_id: Option<String>,
    pub kind: String,
    pub on_date: NaiveDate,
    pub cutoff: Option<NaiveDate>,
    pub outcome: String,
    pub failed_category: Option<String>,
    pub requested_by: Option<String>,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A run with its counts per category.
pub type RunWithCounts = (RunRow, Vec<(String, i64)>);

/// Logs the start of a run.
pub fn start_run(
    conn: &mut AnyConnection,
    school_id: Option<&str>,
    kind: &str,
    on_date: NaiveDate,
    cutoff: Option<NaiveDate>,
    requested_by: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, RepoError> {
    let row = RunRow {
        id: new_id(),
        school_id: school_id.map(str::to_owned),
        kind: kind.to_owned(),
        on_date,
        cutoff,
        outcome: "running".to_owned(),
        failed_category: None,
        requested_by: requested_by.map(str::to_owned),
        started_at: now,
        finished_at: None,
    };
    diesel::insert_into(retention_runs::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.id)
}

/// Logs how many records of a category the run removed (or, dry, would remove).
pub fn record_count(
    conn: &mut AnyConnection,
    run_id: &str,
    category: &str,
    removed: i64,
) -> Result<(), RepoError> {
    diesel::insert_into(retention_run_counts::table)
        .values((
            retention_run_counts::run_id.eq(run_id),
            retention_run_counts::category.eq(category),
            retention_run_counts::removed.eq(removed),
        ))
        .execute(conn)?;
    Ok(())
}

/// Logs the end of a run: `ok`, or `failed` at `failed_category`.
pub fn finish_run(
    conn: &mut AnyConnection,
    run_id: &str,
    failed_category: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let outcome = if failed_category.is_some() {
        "failed"
    } else {
        "ok"
    };
    diesel::update(retention_runs::table.find(run_id))
        .set((
            retention_runs::outcome.eq(outcome),
            retention_runs::failed_category.eq(failed_category),
            retention_runs::finished_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The school's runs, newest first, each with its counts (two queries a page).
pub fn list_runs(
    conn: &mut AnyConnection,
    school_id: &str,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<RunWithCounts>, RepoError> {
    let page: Page<RunRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = retention_runs::table
                .filter(retention_runs::school_id.eq(school_id))
                .select(RunRow::as_select())
                .order(retention_runs::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(retention_runs::id.lt(before.to_owned()));
            }
            query.load(conn)
        },
        |run| run.id.clone(),
    )?;
    let ids: Vec<&str> = page.items.iter().map(|r| r.id.as_str()).collect();
    let counts: Vec<(String, String, i64)> = retention_run_counts::table
        .filter(retention_run_counts::run_id.eq_any(ids))
        .select((
            retention_run_counts::run_id,
            retention_run_counts::category,
            retention_run_counts::removed,
        ))
        .order((retention_run_counts::run_id, retention_run_counts::category))
        .load(conn)?;
    Ok(Page {
        next_cursor: page.next_cursor,
        items: page
            .items
            .into_iter()
            .map(|run| {
                let mine = counts
                    .iter()
                    .filter(|(id, _, _)| *id == run.id)
                    .map(|(_, category, n)| (category.clone(), *n))
                    .collect();
                (run, mine)
            })
            .collect(),
    })
}

/// Every school's id, for the scheduled run.
pub fn all_schools(conn: &mut AnyConnection) -> Result<Vec<String>, RepoError> {
    Ok(crate::schema::schools::table
        .select(crate::schema::schools::id)
        .order(crate::schema::schools::id)
        .load(conn)?)
}

/// One run with its counts.
pub fn find_run(conn: &mut AnyConnection, id: &str) -> Result<RunWithCounts, RepoError> {
    let run: RunRow = retention_runs::table
        .find(id)
        .select(RunRow::as_select())
        .get_result(conn)?;
    let counts = retention_run_counts::table
        .filter(retention_run_counts::run_id.eq(id))
        .select((
            retention_run_counts::category,
            retention_run_counts::removed,
        ))
        .order(retention_run_counts::category)
        .load(conn)?;
    Ok((run, counts))
}
