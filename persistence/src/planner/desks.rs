//! Desks and their slots: who sits where for which groups, the slots a desk offers with whether
//! each is booked, and the teacher's changes (block, free, add) which never touch a booked slot.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::planner::Slot;

use super::rows::{DeskRow, SlotRow, utc};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{
    planner_bookings, planner_desk_groups, planner_desk_staff, planner_desks, planner_slots,
};

/// A desk with its staff and groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDesk {
    pub id: String,
    pub round_id: String,
    pub label: String,
    pub staff: Vec<String>,
    pub groups: Vec<String>,
}

/// The round's desks with their staff and groups (three queries, whatever the number of desks).
pub fn of_round(conn: &mut AnyConnection, round_id: &str) -> Result<Vec<StoredDesk>, RepoError> {
    let desks: Vec<DeskRow> = planner_desks::table
        .filter(planner_desks::round_id.eq(round_id))
        .order((planner_desks::label, planner_desks::id))
        .select(DeskRow::as_select())
        .load(conn)?;
    let ids: Vec<String> = desks.iter().map(|d| d.id.clone()).collect();
    let staff: Vec<(String, String)> = planner_desk_staff::table
        .filter(planner_desk_staff::desk_id.eq_any(&ids))
        .order((planner_desk_staff::desk_id, planner_desk_staff::staff_id))
        .load(conn)?;
    let groups: Vec<(String, String)> = planner_desk_groups::table
        .filter(planner_desk_groups::desk_id.eq_any(&ids))
        .order((planner_desk_groups::desk_id, planner_desk_groups::group_id))
        .load(conn)?;
    Ok(desks
        .into_iter()
        .map(|d| StoredDesk {
            staff: staff
                .iter()
                .filter(|(desk, _)| *desk == d.id)
                .map(|(_, s)| s.clone())
                .collect(),
            groups: groups
                .iter()
                .filter(|(desk, _)| *desk == d.id)
                .map(|(_, g)| g.clone())
                .collect(),
            id: d.id,
            round_id: d.round_id,
            label: d.label,
        })
        .collect())
}

/// A slot of a desk, with the booking that holds it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskSlot {
    pub id: String,
    pub desk_id: String,
    pub slot: Slot,
    pub blocked: bool,
    pub added: bool,
    /// The booking holding it: (booking id, pupil id).
    pub booking: Option<(String, String)>,
}

type SlotWithBooking = (SlotRow, Option<(String, String)>);

fn desk_slot((row, booking): SlotWithBooking) -> DeskSlot {
    DeskSlot {
        slot: Slot {
            starts_at: utc(row.starts_at),
            ends_at: utc(row.ends_at),
        },
        id: row.id,
        desk_id: row.desk_id,
        blocked: row.blocked,
        added: row.added,
        booking,
    }
}

/// The slots of these desks in time order, each with its live booking (one query).
pub fn slots_of(conn: &mut AnyConnection, desks: &[String]) -> Result<Vec<DeskSlot>, RepoError> {
    let rows: Vec<SlotWithBooking> = planner_slots::table
        .left_join(
            planner_bookings::table.on(planner_bookings::slot_id
                .eq(planner_slots::id)
                .and(planner_bookings::state.eq("booked"))),
        )
        .filter(planner_slots::desk_id.eq_any(desks.to_vec()))
        .order((planner_slots::starts_at, planner_slots::desk_id))
        .select((
            SlotRow::as_select(),
            (planner_bookings::id, planner_bookings::pupil_id).nullable(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(desk_slot).collect())
}

/// One slot with its live booking, locked until the transaction ends (PostgreSQL: `FOR UPDATE`;
/// SQLite's transactions hold the write lock already), so a booking and a teacher's change of the
/// same slot follow each other.
pub fn lock_slot(conn: &mut AnyConnection, slot_id: &str) -> Result<DeskSlot, RepoError> {
    let row: SlotRow = match conn {
        AnyConnection::Postgresql(pg) => planner_slots::table
            .find(slot_id)
            .select(SlotRow::as_select())
            .for_update()
            .first(pg)?,
        AnyConnection::Sqlite(lite) => planner_slots::table
            .find(slot_id)
            .select(SlotRow::as_select())
            .first(lite)?,
    };
    let booking: Option<(String, String)> = planner_bookings::table
        .filter(planner_bookings::slot_id.eq(slot_id))
        .filter(planner_bookings::state.eq("booked"))
        .select((planner_bookings::id, planner_bookings::pupil_id))
        .first(conn)
        .optional()?;
    Ok(desk_slot((row, booking)))
}

/// Blocks or frees a slot. False when it is booked (blocking it would drop the booking silently:
/// the booking must be cancelled first, with a reason).
pub fn set_blocked(
    conn: &mut AnyConnection,
    slot_id: &str,
    blocked: bool,
) -> Result<bool, RepoError> {
    let slot = lock_slot(conn, slot_id)?;
    if blocked && slot.booking.is_some() {
        return Ok(false);
    }
    diesel::update(planner_slots::table.find(slot_id))
        .set(planner_slots::blocked.eq(blocked))
        .execute(conn)?;
    Ok(true)
}

/// Adds a slot to a desk (the rules checked it fits the round's windows and the desk's slots).
pub fn add_slot(
    conn: &mut AnyConnection,
    round_id: &str,
    desk_id: &str,
    slot: &Slot,
) -> Result<DeskSlot, RepoError> {
    let naive = |at: DateTime<Utc>| -> NaiveDateTime { at.naive_utc() };
    let row = SlotRow {
        id: new_id(),
        round_id: round_id.to_owned(),
        desk_id: desk_id.to_owned(),
        starts_at: naive(slot.starts_at),
        ends_at: naive(slot.ends_at),
        blocked: false,
        added: true,
    };
    diesel::insert_into(planner_slots::table)
        .values(&row)
        .execute(conn)?;
    Ok(desk_slot((row, None)))
}

/// The slot's desk and round: (desk id, round id).
pub fn slot_place(conn: &mut AnyConnection, slot_id: &str) -> Result<(String, String), RepoError> {
    Ok(planner_slots::table
        .find(slot_id)
        .select((planner_slots::desk_id, planner_slots::round_id))
        .first(conn)?)
}

/// The round a desk belongs to.
pub fn desk_round(conn: &mut AnyConnection, desk_id: &str) -> Result<String, RepoError> {
    Ok(planner_desks::table
        .find(desk_id)
        .select(planner_desks::round_id)
        .first(conn)?)
}

/// Blocks these slots (their bookings were cancelled first); how many.
pub fn block_slots(conn: &mut AnyConnection, slot_ids: &[String]) -> Result<usize, RepoError> {
    Ok(
        diesel::update(planner_slots::table.filter(planner_slots::id.eq_any(slot_ids.to_vec())))
            .set(planner_slots::blocked.eq(true))
            .execute(conn)?,
    )
}
