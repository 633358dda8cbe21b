//! Bookings: written under the slot's and the invited guardians' locks, so that what was checked
//! (the slot free, no guardian in another conversation then, the pupil under its limit) still holds
//! at the write; and the database's unique indexes refuse a second booking of a slot, or of a desk
//! for the same pupil and household, whatever the code above them does.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::planner::{BookingState, Slot};

use super::rows::{BookingGuardianRow, BookingRow, StoredBooking};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{guardian_pupils, guardians, planner_booking_guardians, planner_bookings};

fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

/// A pupil's active guardians with their household: (guardian id, household).
pub fn households_of(
    conn: &mut AnyConnection,
    pupil_id: &str,
) -> Result<Vec<(String, String)>, RepoError> {
    Ok(guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::pupil_id.eq(pupil_id))
        .filter(guardians::deactivated_at.is_null())
        .select((guardian_pupils::guardian_id, guardian_pupils::household))
        .order(guardian_pupils::guardian_id)
        .load(conn)?)
}

/// Locks the guardians' rows until the transaction ends, in id order (no two bookings deadlock):
/// the overlap check and the write that follows it see every other booking of theirs.
pub fn lock_guardians(conn: &mut AnyConnection, ids: &[String]) -> Result<(), RepoError> {
    if let AnyConnection::Postgresql(pg) = conn {
        let mut sorted = ids.to_vec();
        sorted.sort();
        guardians::table
            .filter(guardians::id.eq_any(sorted))
            .order(guardians::id)
            .select(guardians::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// Whether one of the guardians is invited to a live booking overlapping `slot`.
pub fn guardian_busy(
    conn: &mut AnyConnection,
    guardian_ids: &[String],
    slot: &Slot,
) -> Result<bool, RepoError> {
    let clash: Option<String> = planner_booking_guardians::table
        .filter(planner_booking_guardians::guardian_id.eq_any(guardian_ids.to_vec()))
        .filter(planner_booking_guardians::active.eq(true))
        .filter(planner_booking_guardians::starts_at.lt(naive(slot.ends_at)))
        .filter(planner_booking_guardians::ends_at.gt(naive(slot.starts_at)))
        .select(planner_booking_guardians::booking_id)
        .first(conn)
        .optional()?;
    Ok(clash.is_some())
}

/// The pupil's live bookings in the round.
pub fn live_of_pupil(
    conn: &mut AnyConnection,
    round_id: &str,
    pupil_id: &str,
) -> Result<Vec<StoredBooking>, RepoError> {
    let rows: Vec<BookingRow> = planner_bookings::table
        .filter(planner_bookings::round_id.eq(round_id))
        .filter(planner_bookings::pupil_id.eq(pupil_id))
        .filter(planner_bookings::state.eq(BookingState::Booked.as_str()))
        .order(planner_bookings::starts_at)
        .select(BookingRow::as_select())
        .load(conn)?;
    rows.into_iter().map(StoredBooking::try_from).collect()
}

/// A booking to write, with the guardians it invites.
pub struct NewBooking<'a> {
    pub round_id: &'a str,
    pub desk_id: &'a str,
    pub slot_id: &'a str,
    pub pupil_id: &'a str,
    /// `None`: joint.
    pub household: Option<&'a str>,
    pub booked_by: &'a str,
    pub slot: Slot,
    pub invited: &'a [String],
}

/// Why a booking was not written.
#[derive(Debug, PartialEq, Eq)]
pub enum NotBooked {
    /// The slot was booked by someone else (the unique index said so).
    SlotTaken,
    /// The pupil (or household) already has a booking at this desk.
    DeskTaken,
}

/// Writes the booking; a unique index that refuses it is an answer, not an error. On PostgreSQL a
/// refused insert spoils the transaction: the caller ends it (it has nothing else to write).
pub fn insert(
    conn: &mut AnyConnection,
    new: &NewBooking<'_>,
    now: DateTime<Utc>,
) -> Result<Result<StoredBooking, NotBooked>, RepoError> {
    let row = BookingRow {
        id: new_id(),
        round_id: new.round_id.to_owned(),
        desk_id: new.desk_id.to_owned(),
        slot_id: new.slot_id.to_owned(),
        pupil_id: new.pupil_id.to_owned(),
        household: new.household.unwrap_or_default().to_owned(),
        booked_by: Some(new.booked_by.to_owned()),
        state: BookingState::Booked.as_str().to_owned(),
        starts_at: naive(new.slot.starts_at),
        ends_at: naive(new.slot.ends_at),
        cancel_reason: None,
        ended_by: None,
        ended_at: None,
        reminded_at: None,
        sequence: 0,
        created_at: naive(now),
        updated_at: naive(now),
    };
    match diesel::insert_into(planner_bookings::table)
        .values(&row)
        .execute(conn)
        .map_err(RepoError::from)
    {
        Ok(_) => {}
        Err(RepoError::Conflict(which)) if which.contains("slot") => {
            return Ok(Err(NotBooked::SlotTaken));
        }
        Err(RepoError::Conflict(_)) => return Ok(Err(NotBooked::DeskTaken)),
        Err(other) => return Err(other),
    }
    let invited: Vec<BookingGuardianRow> = new
        .invited
        .iter()
        .map(|g| BookingGuardianRow {
            booking_id: row.id.clone(),
            guardian_id: g.clone(),
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            active: true,
        })
        .collect();
    crate::connection::batch_insert!(conn, planner_booking_guardians::table, &invited)?;
    Ok(Ok(StoredBooking::try_from(row)?))
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<StoredBooking, RepoError> {
    let row: BookingRow = planner_bookings::table
        .find(id)
        .select(BookingRow::as_select())
        .first(conn)?;
    StoredBooking::try_from(row)
}

/// The guardians a booking invites.
pub fn invited(conn: &mut AnyConnection, booking_id: &str) -> Result<Vec<String>, RepoError> {
    Ok(planner_booking_guardians::table
        .filter(planner_booking_guardians::booking_id.eq(booking_id))
        .select(planner_booking_guardians::guardian_id)
        .order(planner_booking_guardians::guardian_id)
        .load(conn)?)
}

/// How a live booking ends.
pub struct Ending<'a> {
    pub state: BookingState,
    pub reason: Option<&'a str>,
    /// The account that ended it.
    pub by: Option<&'a str>,
}

/// Ends a live booking (unbooked: the slot is free again; cancelled: with its reason). A guarded
/// update: false when it had ended meanwhile. The calendar event's sequence moves on.
pub fn end(
    conn: &mut AnyConnection,
    id: &str,
    ending: &Ending<'_>,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let updated = diesel::update(
        planner_bookings::table
            .filter(planner_bookings::id.eq(id))
            .filter(planner_bookings::state.eq(BookingState::Booked.as_str())),
    )
    .set((
        planner_bookings::state.eq(ending.state.as_str()),
        planner_bookings::cancel_reason.eq(ending.reason),
        planner_bookings::ended_by.eq(ending.by),
        planner_bookings::ended_at.eq(Some(naive(now))),
        planner_bookings::sequence.eq(planner_bookings::sequence + 1),
        planner_bookings::updated_at.eq(naive(now)),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    diesel::update(
        planner_booking_guardians::table.filter(planner_booking_guardians::booking_id.eq(id)),
    )
    .set(planner_booking_guardians::active.eq(false))
    .execute(conn)?;
    Ok(true)
}

/// The bookings (live and ended) that invite the guardian, in time order, at most `limit`.
pub fn of_guardian(
    conn: &mut AnyConnection,
    guardian_ids: &[String],
    limit: i64,
) -> Result<Vec<StoredBooking>, RepoError> {
    let ids = planner_booking_guardians::table
        .filter(planner_booking_guardians::guardian_id.eq_any(guardian_ids.to_vec()))
        .select(planner_booking_guardians::booking_id);
    let rows: Vec<BookingRow> = planner_bookings::table
        .filter(planner_bookings::id.eq_any(ids))
        .order((planner_bookings::starts_at, planner_bookings::id))
        .limit(limit)
        .select(BookingRow::as_select())
        .load(conn)?;
    rows.into_iter().map(StoredBooking::try_from).collect()
}

/// The live bookings at these desks, in time order.
pub fn live_at_desks(
    conn: &mut AnyConnection,
    desks: &[String],
) -> Result<Vec<StoredBooking>, RepoError> {
    let rows: Vec<BookingRow> = planner_bookings::table
        .filter(planner_bookings::desk_id.eq_any(desks.to_vec()))
        .filter(planner_bookings::state.eq(BookingState::Booked.as_str()))
        .order((planner_bookings::starts_at, planner_bookings::id))
        .select(BookingRow::as_select())
        .load(conn)?;
    rows.into_iter().map(StoredBooking::try_from).collect()
}

/// Live bookings not yet reminded that start in `(now, until]`, with their round's school: at most
/// `limit`, soonest first.
pub fn due_reminders(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(String, String)>, RepoError> {
    Ok(planner_bookings::table
        .inner_join(crate::schema::planner_rounds::table)
        .filter(planner_bookings::state.eq(BookingState::Booked.as_str()))
        .filter(planner_bookings::reminded_at.is_null())
        .filter(planner_bookings::starts_at.gt(naive(now)))
        .filter(planner_bookings::starts_at.le(naive(until)))
        .order(planner_bookings::starts_at)
        .limit(limit)
        .select((
            planner_bookings::id,
            crate::schema::planner_rounds::school_id,
        ))
        .load(conn)?)
}

/// Marks a live booking reminded unless it was (a guarded update: of several instances, one
/// reminds). False when another did, or it ended meanwhile.
pub fn mark_reminded(
    conn: &mut AnyConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let updated = diesel::update(
        planner_bookings::table
            .filter(planner_bookings::id.eq(id))
            .filter(planner_bookings::state.eq(BookingState::Booked.as_str()))
            .filter(planner_bookings::reminded_at.is_null()),
    )
    .set(planner_bookings::reminded_at.eq(Some(naive(now))))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The desks of the round where the school (not one of the pupil's guardians) cancelled the
/// pupil's conversation: there the guardians may book again after the close.
pub fn school_cancelled_desks(
    conn: &mut AnyConnection,
    round_id: &str,
    pupil_id: &str,
) -> Result<Vec<String>, RepoError> {
    let cancelled: Vec<(String, Option<String>)> = planner_bookings::table
        .filter(planner_bookings::round_id.eq(round_id))
        .filter(planner_bookings::pupil_id.eq(pupil_id))
        .filter(planner_bookings::state.eq(BookingState::Cancelled.as_str()))
        .select((planner_bookings::desk_id, planner_bookings::ended_by))
        .load(conn)?;
    if cancelled.is_empty() {
        return Ok(Vec::new());
    }
    let family: Vec<Option<String>> = guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::pupil_id.eq(pupil_id))
        .select(guardians::account_id)
        .load(conn)?;
    Ok(cancelled
        .into_iter()
        .filter(|(_, by)| by.is_some() && !family.contains(by))
        .map(|(desk, _)| desk)
        .collect())
}
