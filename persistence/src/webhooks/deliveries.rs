//! Deliveries: written by [`enqueue_for_event`] in the event's transaction, claimed by workers
//! with a lease (on PostgreSQL the claim skips rows another worker has locked, so with several
//! instances one delivery is sent by one worker at a time), and finished with their attempt.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use domain::notify::webhook_delivery::{DeliveryState, parse_kinds};

use super::EventRef;
use super::rows::{Attempt, Delivery, DeliveryRow, Endpoint};
use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::page::{Page, fetch_page};
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints};

/// Writes one delivery of `event` per active endpoint of its school that subscribes to its kind,
/// due at once, on the caller's connection (inside the event's transaction). Idempotent: an
/// endpoint that has a delivery of this event gets none again. Returns how many were written.
pub fn enqueue_for_event(conn: &mut AnyConnection, event: &EventRef) -> Result<usize, RepoError> {
    let endpoints: Vec<(String, String)> = webhook_endpoints::table
        .filter(webhook_endpoints::school_id.eq(&event.school_id))
        .filter(webhook_endpoints::disabled_at.is_null())
        .select((webhook_endpoints::id, webhook_endpoints::event_types))
        .load(conn)?;
    let at = now();
    let mut written = 0;
    for (endpoint_id, types) in endpoints {
        if !parse_kinds(&types)
            .map_err(RepoError::Corrupt)?
            .contains(&event.kind)
        {
            continue;
        }
        let row = DeliveryRow {
            id: new_id(),
            endpoint_id,
            event_id: event.id.clone(),
            school_id: event.school_id.clone(),
            kind: event.kind.as_str().to_owned(),
            object_kind: event.object_kind.clone(),
            object_id: event.object_id.clone(),
            occurred_at: event.occurred_at,
            state: DeliveryState::Pending.as_str().to_owned(),
            attempts: 0,
            next_attempt_at: at,
            lock_owner: None,
            locked_until: None,
            created_at: at,
            delivered_at: None,
        };
        written += on_backend!(conn, c => diesel::insert_into(webhook_deliveries::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(written)
}

/// A claimed delivery with what sending it takes.
#[derive(Debug, Clone)]
pub struct Job {
    pub delivery: Delivery,
    pub url: String,
    /// The endpoint's signing secret.
    pub secret: String,
}

const CLAIM_POSTGRES: &str = "UPDATE webhook_deliveries SET lock_owner = $1, locked_until = $2 \
     WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' \
     AND d.next_attempt_at <= $3 AND (d.locked_until IS NULL OR d.locked_until < $3) \
     AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id \
     AND e.disabled_at IS NULL) \
     ORDER BY d.next_attempt_at LIMIT $4 FOR UPDATE OF d SKIP LOCKED)";
// SQLite has one writer at a time, so the UPDATE alone is atomic.
const CLAIM_SQLITE: &str = "UPDATE webhook_deliveries SET lock_owner = ?, locked_until = ? \
     WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' \
     AND d.next_attempt_at <= ? AND (d.locked_until IS NULL OR d.locked_until < ?) \
     AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id \
     AND e.disabled_at IS NULL) \
     ORDER BY d.next_attempt_at LIMIT ?)";

/// Claims up to `limit` due deliveries of active endpoints for `owner` until `lease_until`, and
/// returns them. A delivery another worker holds is skipped until its lease runs out.
pub fn claim(
    conn: &mut AnyConnection,
    owner: &str,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Job>, RepoError> {
    let at = now();
    match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::sql_query(CLAIM_POSTGRES)
                .bind::<Text, _>(owner)
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .execute(pg)?;
        }
        AnyConnection::Sqlite(lite) => {
            diesel::sql_query(CLAIM_SQLITE)
                .bind::<Text, _>(owner)
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(at)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .execute(lite)?;
        }
    }
    let claimed: Vec<(DeliveryRow, String, String)> = webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::lock_owner.eq(owner))
        .filter(webhook_deliveries::locked_until.eq(lease_until))
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
        .select((
            DeliveryRow::as_select(),
            webhook_endpoints::url,
            webhook_endpoints::secret,
        ))
        .order(webhook_deliveries::next_attempt_at.asc())
        .load(conn)?;
    claimed
        .into_iter()
        .map(|(row, url, secret)| {
            Ok(Job {
                delivery: Delivery::try_from(row)?,
                url,
                secret,
            })
        })
        .collect()
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// Records an attempt; false when the delivery is gone (its endpoint was deleted meanwhile).
fn record_attempt(
    conn: &mut AnyConnection,
    delivery_id: &str,
    outcome: &AttemptOutcome,
) -> Result<bool, RepoError> {
    let exists: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(delivery_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        return Ok(false);
    }
    diesel::insert_into(webhook_attempts::table)
        .values(&Attempt {
            id: new_id(),
            delivery_id: delivery_id.to_owned(),
            attempted_at: outcome.attempted_at,
            status_code: outcome.status_code,
            error: outcome.error.clone(),
            duration_ms: outcome.duration_ms,
        })
        .execute(conn)?;
    Ok(true)
}

/// Records a successful attempt of a claimed delivery, marks it delivered and releases it; the
/// endpoint's run of exhausted deliveries ends. False when the lease was lost meanwhile (the
/// attempt is recorded all the same) or the delivery is gone with its endpoint.
pub fn mark_delivered(
    conn: &mut AnyConnection,
    job: &Job,
    owner: &str,
    outcome: &AttemptOutcome,
) -> Result<bool, RepoError> {
    if !record_attempt(conn, &job.delivery.id, outcome)? {
        return Ok(false);
    }
    let changed = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(&job.delivery.id))
            .filter(webhook_deliveries::lock_owner.eq(owner)),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Delivered.as_str()),
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::delivered_at.eq(Some(outcome.attempted_at)),
        webhook_deliveries::lock_owner.eq(None::<String>),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    diesel::update(webhook_endpoints::table.find(&job.delivery.endpoint_id))
        .set(webhook_endpoints::exhausted_in_a_row.eq(0))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Records a failed attempt of a claimed delivery and releases it: due again at `retry_at`, or,
/// when that is `None`, given up. Returns the endpoint's count of deliveries given up in a row
/// when this one was; `None` when it will be retried (or the lease was lost meanwhile).
pub fn mark_failed(
    conn: &mut AnyConnection,
    job: &Job,
    owner: &str,
    outcome: &AttemptOutcome,
    retry_at: Option<NaiveDateTime>,
) -> Result<Option<i32>, RepoError> {
    if !record_attempt(conn, &job.delivery.id, outcome)? {
        return Ok(None);
    }
    let claimed = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(&job.delivery.id))
        .filter(webhook_deliveries::lock_owner.eq(owner));
    let release = (
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::lock_owner.eq(None::<String>),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
    );
    if let Some(retry_at) = retry_at {
        diesel::update(claimed)
            .set((release, webhook_deliveries::next_attempt_at.eq(retry_at)))
            .execute(conn)?;
        return Ok(None);
    }
    let changed = diesel::update(claimed)
        .set((
            release,
            webhook_deliveries::state.eq(DeliveryState::Failed.as_str()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    let endpoint = webhook_endpoints::table.find(&job.delivery.endpoint_id);
    diesel::update(endpoint)
        .set(webhook_endpoints::exhausted_in_a_row.eq(webhook_endpoints::exhausted_in_a_row + 1))
        .execute(conn)?;
    Ok(Some(
        endpoint
            .select(webhook_endpoints::exhausted_in_a_row)
            .first(conn)?,
    ))
}

/// The most attempts shown with one delivery (the latest): a delivery replayed again and again
/// must not make its page unbounded.
pub const ATTEMPTS_SHOWN: usize = 20;

/// An endpoint's deliveries, newest first, each with its latest attempts (oldest first), in two
/// queries.
pub fn list(
    conn: &mut AnyConnection,
    endpoint: &Endpoint,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<(Delivery, Vec<Attempt>)>, RepoError> {
    let page: Page<DeliveryRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = webhook_deliveries::table
                .filter(webhook_deliveries::endpoint_id.eq(&endpoint.id))
                .select(DeliveryRow::as_select())
                .order(webhook_deliveries::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(webhook_deliveries::id.lt(before.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    let ids: Vec<&str> = page.items.iter().map(|row| row.id.as_str()).collect();
    let mut attempts: HashMap<String, Vec<Attempt>> = HashMap::new();
    if !ids.is_empty() {
        let found: Vec<Attempt> = webhook_attempts::table
            .filter(webhook_attempts::delivery_id.eq_any(&ids))
            .select(Attempt::as_select())
            .order((
                webhook_attempts::attempted_at.asc(),
                webhook_attempts::id.asc(),
            ))
            .load(conn)?;
        for attempt in found {
            attempts
                .entry(attempt.delivery_id.clone())
                .or_default()
                .push(attempt);
        }
    }
    let items = page
        .items
        .into_iter()
        .map(|row| {
            let mut tried = attempts.remove(&row.id).unwrap_or_default();
            let skip = tried.len().saturating_sub(ATTEMPTS_SHOWN);
            tried.drain(..skip);
            Ok((Delivery::try_from(row)?, tried))
        })
        .collect::<Result<_, RepoError>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// Makes a delivery of `endpoint` due again at `now` with a fresh schedule of attempts, whatever
/// its state. [`RepoError::NotFound`] when the endpoint has no such delivery.
pub fn replay(
    conn: &mut AnyConnection,
    endpoint: &Endpoint,
    delivery_id: &str,
    now: NaiveDateTime,
) -> Result<Delivery, RepoError> {
    // The lease stays: a worker sending it right now finishes its attempt, which is the new
    // attempt asked for, and no second worker can take it meanwhile.
    let changed = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id))
            .filter(webhook_deliveries::endpoint_id.eq(&endpoint.id)),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Pending.as_str()),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(RepoError::NotFound);
    }
    webhook_deliveries::table
        .find(delivery_id)
        .select(DeliveryRow::as_select())
        .first(conn)?
        .try_into()
}

/// Makes every pending delivery due now (an operator's "retry now"; tests).
pub fn make_due(conn: &mut AnyConnection) -> Result<(), RepoError> {
    conn.batch_execute(
        "UPDATE webhook_deliveries SET next_attempt_at = created_at WHERE state = 'pending'",
    )?;
    Ok(())
}
