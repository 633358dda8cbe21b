//! Calendar feeds (issue #12): a person's secret, revocable subscription URLs, stored by the
//! SHA-256 of their secret only, and the conversations a feed shows: every booking (live or
//! ended, so a cancellation reaches the phone) that invites the account as a guardian, and every
//! booking at a desk where the account's staff record sits. Two bounded queries, one per
//! capacity, each with its round, desk and pupil joined in (no query per booking).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::modules::Capacity;
use domain::planner::BookingState;
use domain::planner::calendar::Conversation;

use super::rows::utc;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{
    guardians, planner_booking_guardians, planner_bookings, planner_desk_staff, planner_desks,
    planner_feeds, planner_rounds, pupils, staff,
};

/// A feed as its owner sees it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeed {
    pub id: String,
    pub account_id: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

type FeedRow = (String, String, NaiveDateTime, Option<NaiveDateTime>);

fn stored((id, account_id, created_at, revoked_at): FeedRow) -> StoredFeed {
    StoredFeed {
        id,
        account_id,
        created_at: utc(created_at),
        revoked_at: revoked_at.map(utc),
    }
}

const COLUMNS: (
    planner_feeds::id,
    planner_feeds::account_id,
    planner_feeds::created_at,
    planner_feeds::revoked_at,
) = (
    planner_feeds::id,
    planner_feeds::account_id,
    planner_feeds::created_at,
    planner_feeds::revoked_at,
);

/// Stores a new feed by its secret's hash.
pub fn insert(
    conn: &mut AnyConnection,
    account_id: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<StoredFeed, RepoError> {
    let id = new_id();
    let created_at = now.naive_utc();
    diesel::insert_into(planner_feeds::table)
        .values((
            planner_feeds::id.eq(&id),
            planner_feeds::account_id.eq(account_id),
            planner_feeds::secret_hash.eq(secret_hash),
            planner_feeds::created_at.eq(created_at),
        ))
        .execute(conn)?;
    Ok(stored((id, account_id.to_owned(), created_at, None)))
}

/// The live (not revoked) feed with this secret hash.
pub fn find_live(
    conn: &mut AnyConnection,
    secret_hash: &str,
) -> Result<Option<StoredFeed>, RepoError> {
    let row: Option<FeedRow> = planner_feeds::table
        .filter(planner_feeds::secret_hash.eq(secret_hash))
        .filter(planner_feeds::revoked_at.is_null())
        .select(COLUMNS)
        .first(conn)
        .optional()?;
    Ok(row.map(stored))
}

/// The account's feeds, newest first, at most `limit`.
pub fn of_account(
    conn: &mut AnyConnection,
    account_id: &str,
    limit: i64,
) -> Result<Vec<StoredFeed>, RepoError> {
    let rows: Vec<FeedRow> = planner_feeds::table
        .filter(planner_feeds::account_id.eq(account_id))
        .order((planner_feeds::created_at.desc(), planner_feeds::id.desc()))
        .limit(limit)
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(stored).collect())
}

/// How many of the account's feeds are live, counted under the account's row lock (PostgreSQL;
/// SQLite's transactions are serialized already): two creates at once see each other's feed, so
/// the limit holds.
pub fn live_count(conn: &mut AnyConnection, account_id: &str) -> Result<i64, RepoError> {
    if let AnyConnection::Postgresql(pg) = conn {
        crate::schema::accounts::table
            .filter(crate::schema::accounts::id.eq(account_id))
            .select(crate::schema::accounts::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(planner_feeds::table
        .filter(planner_feeds::account_id.eq(account_id))
        .filter(planner_feeds::revoked_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Revokes the account's feed: a guarded update, true when this call revoked it, false when it
/// was revoked already; [`RepoError::NotFound`] when the account has no such feed.
pub fn revoke(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let mine = planner_feeds::table
        .filter(planner_feeds::id.eq(id))
        .filter(planner_feeds::account_id.eq(account_id));
    let updated = diesel::update(mine.filter(planner_feeds::revoked_at.is_null()))
        .set(planner_feeds::revoked_at.eq(Some(now.naive_utc())))
        .execute(conn)?;
    if updated > 0 {
        return Ok(true);
    }
    mine.select(planner_feeds::id).first::<String>(conn)?;
    Ok(false)
}

/// A booking a feed shows, with the school it is at and the capacity the account sees it in
/// (the planner's switch is per capacity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedBooking {
    pub school_id: String,
    pub capacity: Capacity,
    pub conversation: Conversation,
}

type EventRow = (
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    i32,
    NaiveDateTime,
    String,
    String,
    String,
    String,
);

fn feed_booking(capacity: Capacity, row: EventRow) -> Result<FeedBooking, RepoError> {
    let (id, state, starts_at, ends_at, sequence, updated_at, school_id, round, desk, pupil) = row;
    let state = BookingState::parse(&state)
        .ok_or_else(|| RepoError::Corrupt(format!("booking state {state}")))?;
    let sequence =
        u32::try_from(sequence).map_err(|_| RepoError::Corrupt(format!("sequence {sequence}")))?;
    Ok(FeedBooking {
        school_id,
        capacity,
        conversation: Conversation {
            booking_id: id,
            round_name: round,
            pupil_first_name: pupil,
            desk_label: desk,
            state,
            starts_at: utc(starts_at),
            ends_at: utc(ends_at),
            sequence,
            changed_at: utc(updated_at),
        },
    })
}

/// The bookings the account's feed shows: as a guardian and at its desks, each the latest
/// `limit` by start (so at most twice that), with a booking the account sees both ways twice.
pub fn events_of(
    conn: &mut AnyConnection,
    account_id: &str,
    limit: i64,
) -> Result<Vec<FeedBooking>, RepoError> {
    let invited = planner_booking_guardians::table
        .inner_join(guardians::table)
        .filter(guardians::account_id.eq(account_id))
        .filter(guardians::deactivated_at.is_null())
        .select(planner_booking_guardians::booking_id);
    let desks = planner_desk_staff::table
        .inner_join(staff::table)
        .filter(staff::account_id.eq(account_id))
        .filter(staff::deactivated_at.is_null())
        .select(planner_desk_staff::desk_id);
    macro_rules! events {
        ($filter:expr) => {
            planner_bookings::table
                .inner_join(
                    planner_rounds::table.on(planner_rounds::id.eq(planner_bookings::round_id)),
                )
                .inner_join(
                    planner_desks::table.on(planner_desks::id.eq(planner_bookings::desk_id)),
                )
                .inner_join(pupils::table.on(pupils::id.eq(planner_bookings::pupil_id)))
                .filter($filter)
                .order((
                    planner_bookings::starts_at.desc(),
                    planner_bookings::id.desc(),
                ))
                .limit(limit)
                .select((
                    planner_bookings::id,
                    planner_bookings::state,
                    planner_bookings::starts_at,
                    planner_bookings::ends_at,
                    planner_bookings::sequence,
                    planner_bookings::updated_at,
                    planner_rounds::school_id,
                    planner_rounds::name,
                    planner_desks::label,
                    pupils::first_name,
                ))
                .load::<EventRow>(conn)?
        };
    }
    let as_guardian = events!(planner_bookings::id.eq_any(invited));
    let at_desks = events!(planner_bookings::desk_id.eq_any(desks));
    let guardian = as_guardian
        .into_iter()
        .map(|row| feed_booking(Capacity::Guardian, row));
    let teacher = at_desks
        .into_iter()
        .map(|row| feed_booking(Capacity::Staff, row));
    guardian.chain(teacher).collect()
}
