//! Events: written by a module inside its transaction, claimed by the fan-out with a lease (so with
//! several instances each event is fanned out by one), and marked done.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use domain::mail::Language;
use domain::notify::EventKind;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::notification_events;

/// An event as a module tells it: what happened to which object of which school, how urgent, and
/// what the message says (for the inbox and e-mail; webhooks and the stream never carry it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent<'a> {
    pub school_id: &'a str,
    pub kind: EventKind,
    pub object_id: &'a str,
    pub urgent: bool,
    pub language: Language,
    pub title: &'a str,
    pub body: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = notification_events)]
pub struct EventRow {
    pub id: String,
    pub school_id: String,
    pub kind: String,
    pub object_id: String,
    pub urgent: bool,
    pub language: String,
    pub title: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

impl EventRow {
    /// The stored kind; an unknown one is an error, never a guess.
    pub fn kind(&self) -> Result<EventKind, RepoError> {
        EventKind::parse(&self.kind).ok_or_else(|| {
            RepoError::Corrupt(format!("notification_events.kind = {:?}", self.kind))
        })
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }
}

/// Writes an event on the caller's connection (inside its transaction). Nothing is sent here.
pub fn emit(
    conn: &mut AnyConnection,
    event: &NewEvent<'_>,
    now: NaiveDateTime,
) -> Result<String, RepoError> {
    let id = new_id();
    diesel::insert_into(notification_events::table)
        .values((
            notification_events::id.eq(&id),
            notification_events::school_id.eq(event.school_id),
            notification_events::kind.eq(event.kind.as_str()),
            notification_events::object_id.eq(event.object_id),
            notification_events::urgent.eq(event.urgent),
            notification_events::language.eq(event.language.tag()),
            notification_events::title.eq(event.title),
            notification_events::body.eq(event.body),
            notification_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

const CLAIM_POSTGRES: &str = "UPDATE notification_events SET lock_owner = $1, locked_until = $2 \
     WHERE id IN (SELECT id FROM notification_events WHERE fanned_out_at IS NULL \
     AND (locked_until IS NULL OR locked_until < $3) ORDER BY created_at LIMIT $4 \
     FOR UPDATE SKIP LOCKED)";
// SQLite has one writer at a time, so the UPDATE alone is atomic.
const CLAIM_SQLITE: &str = "UPDATE notification_events SET lock_owner = ?, locked_until = ? \
     WHERE id IN (SELECT id FROM notification_events WHERE fanned_out_at IS NULL \
     AND (locked_until IS NULL OR locked_until < ?) ORDER BY created_at LIMIT ?)";

/// Claims up to `limit` events not yet fanned out for `owner` until `lease_until`, oldest first.
pub fn claim_pending(
    conn: &mut AnyConnection,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<EventRow>, RepoError> {
    match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(CLAIM_POSTGRES)
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .execute(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(CLAIM_SQLITE)
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .execute(lite)?,
    };
    Ok(notification_events::table
        .filter(notification_events::lock_owner.eq(owner))
        .filter(notification_events::fanned_out_at.is_null())
        .order(notification_events::created_at.asc())
        .select(EventRow::as_select())
        .load(conn)?)
}

/// Marks a claimed event fanned out (in the transaction that wrote its deliveries). False when the
/// lease was lost to another worker meanwhile: the caller then rolls back.
pub fn mark_fanned_out(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let updated = diesel::update(
        notification_events::table
            .filter(notification_events::id.eq(id))
            .filter(notification_events::lock_owner.eq(owner))
            .filter(notification_events::fanned_out_at.is_null()),
    )
    .set((
        notification_events::fanned_out_at.eq(now),
        notification_events::lock_owner.eq(None::<String>),
        notification_events::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
