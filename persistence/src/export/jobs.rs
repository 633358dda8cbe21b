//! Export jobs: created queued (one active per account, by a partial unique index), claimed by one
//! worker with a lease, advanced per section, finished with the document or failed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use domain::export::ExportState;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::data_exports;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = data_exports)]
pub struct ExportRow {
    pub id: String,
    pub account_id: String,
    pub state: String,
    pub progress: i32,
    pub requested_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

/// A job as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    pub id: String,
    pub account_id: String,
    pub state: ExportState,
    pub progress: i32,
    pub requested_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

impl TryFrom<ExportRow> for ExportJob {
    type Error = RepoError;

    fn try_from(row: ExportRow) -> Result<ExportJob, RepoError> {
        let state = ExportState::parse(&row.state)
            .ok_or_else(|| RepoError::Corrupt(format!("export state {}", row.state)))?;
        Ok(ExportJob {
            id: row.id,
            account_id: row.account_id,
            state,
            progress: row.progress,
            requested_at: row.requested_at,
            finished_at: row.finished_at,
            expires_at: row.expires_at,
        })
    }
}

/// Queues a job; `RepoError::Conflict` when the account has one queued or running already.
pub fn insert(
    conn: &mut AnyConnection,
    id: &str,
    account_id: &str,
    at: NaiveDateTime,
) -> Result<ExportJob, RepoError> {
    diesel::insert_into(data_exports::table)
        .values((
            data_exports::id.eq(id),
            data_exports::account_id.eq(account_id),
            data_exports::state.eq(ExportState::Queued.as_str()),
            data_exports::progress.eq(0),
            data_exports::requested_at.eq(at),
        ))
        .execute(conn)?;
    find(conn, account_id, id)
}

/// The account's job (`NotFound` for another account's).
pub fn find(conn: &mut AnyConnection, account_id: &str, id: &str) -> Result<ExportJob, RepoError> {
    data_exports::table
        .filter(data_exports::id.eq(id))
        .filter(data_exports::account_id.eq(account_id))
        .select(ExportRow::as_select())
        .first(conn)?
        .try_into()
}

/// The account's finished document, while it is kept (`None` once emptied).
pub fn document(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> Result<Option<String>, RepoError> {
    Ok(data_exports::table
        .filter(data_exports::id.eq(id))
        .filter(data_exports::account_id.eq(account_id))
        .select(data_exports::document)
        .first(conn)?)
}

const CLAIM_POSTGRES: &str = "UPDATE data_exports SET state = 'running', lock_owner = $1, \
     locked_until = $2 WHERE id IN (SELECT id FROM data_exports WHERE state IN ('queued', \
     'running') AND (locked_until IS NULL OR locked_until < $3) ORDER BY requested_at LIMIT 1 \
     FOR UPDATE SKIP LOCKED)";
// SQLite has one writer at a time, so the UPDATE alone is atomic.
const CLAIM_SQLITE: &str = "UPDATE data_exports SET state = 'running', lock_owner = ?, \
     locked_until = ? WHERE id IN (SELECT id FROM data_exports WHERE state IN ('queued', \
     'running') AND (locked_until IS NULL OR locked_until < ?) ORDER BY requested_at LIMIT 1)";

/// Claims the oldest waiting job (or one whose worker's lease ran out) for `owner`.
pub fn claim(
    conn: &mut AnyConnection,
    owner: &str,
    lease_until: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<Option<ExportJob>, RepoError> {
    let query = match conn {
        AnyConnection::Postgresql(_) => CLAIM_POSTGRES,
        AnyConnection::Sqlite(_) => CLAIM_SQLITE,
    };
    let claimed = diesel::sql_query(query)
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(at)
        .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    data_exports::table
        .filter(data_exports::lock_owner.eq(owner))
        .filter(data_exports::state.eq(ExportState::Running.as_str()))
        .order(data_exports::requested_at.asc())
        .select(ExportRow::as_select())
        .first(conn)
        .optional()?
        .map(ExportJob::try_from)
        .transpose()
}

/// The job's rows while `owner` holds it.
type Held<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<data_exports::table, diesel::dsl::Eq<data_exports::id, &'a str>>,
    diesel::dsl::Eq<data_exports::lock_owner, &'a str>,
>;

fn held<'a>(id: &'a str, owner: &'a str) -> Held<'a> {
    data_exports::table
        .filter(data_exports::id.eq(id))
        .filter(data_exports::lock_owner.eq(owner))
}

/// Records progress and extends the lease; false when the job is no longer `owner`'s.
pub fn advance(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    progress: i32,
    lease_until: NaiveDateTime,
) -> Result<bool, RepoError> {
    let updated = diesel::update(held(id, owner))
        .set((
            data_exports::progress.eq(progress),
            data_exports::locked_until.eq(lease_until),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Stores the document and marks the job done, kept until `expires_at`.
pub fn finish(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    document: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<bool, RepoError> {
    let updated = diesel::update(held(id, owner))
        .set((
            data_exports::state.eq(ExportState::Done.as_str()),
            data_exports::progress.eq(100),
            data_exports::document.eq(document),
            data_exports::finished_at.eq(at),
            data_exports::expires_at.eq(expires_at),
            data_exports::lock_owner.eq(None::<String>),
            data_exports::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Marks the job failed (the account may ask again).
pub fn fail(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    at: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::update(held(id, owner))
        .set((
            data_exports::state.eq(ExportState::Failed.as_str()),
            data_exports::finished_at.eq(at),
            data_exports::lock_owner.eq(None::<String>),
            data_exports::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Empties the documents kept past their time; returns how many.
pub fn purge_expired(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<usize, RepoError> {
    Ok(diesel::update(
        data_exports::table
            .filter(data_exports::expires_at.lt(at))
            .filter(data_exports::document.is_not_null()),
    )
    .set(data_exports::document.eq(None::<String>))
    .execute(conn)?)
}
