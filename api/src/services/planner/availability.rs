//! A desk's slots and the teacher's check of them (seed 003: teachers check the times for their
//! own group until the deadline). The round's planners may change slots until the booking closes;
//! a booked slot is never blocked: its booking is cancelled first, with a reason.

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::planner::{Phase, Slot, policy, rules, slots};
use persistence::planner::{self, DeskSlot, StoredDesk, StoredRound};
use persistence::{AnyConnection, transaction};

use super::{PlannerError, Reached, Result, desk_as_staff, staff_ids};
use crate::audit::{Audit, Object};

/// A desk with its round and slots.
#[derive(Debug, Clone)]
pub struct DeskView {
    pub round: StoredRound,
    pub desk: StoredDesk,
    pub slots: Vec<DeskSlot>,
}

fn desk_object<'a>(round: &'a StoredRound, desk: &'a StoredDesk) -> Object<'a> {
    Object {
        kind: "planner_desk",
        id: Some(&desk.id),
        school_id: Some(&round.school_id),
    }
}

/// The desk as someone who may change it reaches it (those at it and the round's planners); 404
/// for other staff (a teacher does not see another teacher's bookings).
fn editable(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
) -> Result<(Reached, StoredDesk)> {
    let (reached, desk) = desk_as_staff(conn, actor, audit, desk_id)?;
    if policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
        Ok((reached, desk))
    } else {
        Err(PlannerError::NotFound)
    }
}

/// Whether the caller may change the desk's slots now: teachers until the deadline, the round's
/// planners until booking closes (409 otherwise).
fn may_change_now(actor: &Actor, reached: &Reached, now: DateTime<Utc>) -> Result<()> {
    let round = &reached.round;
    let published = round.published_at.is_some();
    if rules::may_edit_availability(&round.times, published, now) {
        return Ok(());
    }
    let open = !matches!(rules::phase(&round.times, published, now), Phase::Closed);
    if policy::may_manage_rounds(actor, reached.at()) && open {
        return Ok(());
    }
    Err(PlannerError::Conflict(
        "The teachers' deadline has passed: times can no longer be changed here.".to_owned(),
    ))
}

/// The desk with all its slots and which are booked.
pub fn desk(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
) -> Result<DeskView> {
    let (reached, desk) = editable(conn, actor, audit, desk_id)?;
    let slots = planner::slots_of(conn, std::slice::from_ref(&desk.id))?;
    audit.read(conn, desk_object(&reached.round, &desk))?;
    Ok(DeskView {
        round: reached.round,
        desk,
        slots,
    })
}

/// Whether the caller may change the desk at all (before their body is read); 404 otherwise.
pub fn may_edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
) -> Result<()> {
    editable(conn, actor, audit, desk_id).map(drop)
}

/// Whether the caller may change the slot at all (before their body is read); 404 otherwise.
pub fn may_change_slot(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    slot_id: &str,
) -> Result<()> {
    let (desk_id, _) = planner::slot_place(conn, slot_id)?;
    editable(conn, actor, audit, &desk_id).map(drop)
}

/// Blocks or frees a slot; a booked slot cannot be blocked (409).
pub fn set_blocked(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    slot_id: &str,
    blocked: bool,
    now: DateTime<Utc>,
) -> Result<DeskSlot> {
    let (desk_id, _) = planner::slot_place(conn, slot_id)?;
    let (reached, desk) = editable(conn, actor, audit, &desk_id)?;
    may_change_now(actor, &reached, now)?;
    transaction(conn, |conn| {
        if !planner::set_blocked(conn, slot_id, blocked)? {
            return Err(PlannerError::Conflict(
                "The slot is booked: cancel the booking (with a reason) before blocking it."
                    .to_owned(),
            ));
        }
        let action = if blocked { "block_slot" } else { "free_slot" };
        audit.record(conn, action, desk_object(&reached.round, &desk), "ok")?;
        Ok(planner::lock_slot(conn, slot_id)?)
    })
}

/// Adds a slot to the desk, inside the round's windows and clear of the desk's other slots.
pub fn add_slot(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DeskSlot> {
    let (reached, desk) = editable(conn, actor, audit, desk_id)?;
    may_change_now(actor, &reached, now)?;
    let round = &reached.round;
    let slot = Slot {
        starts_at,
        ends_at: starts_at + Duration::minutes(i64::from(round.slot_minutes)),
    };
    let windows = planner::windows_of(conn, &round.id)?;
    transaction(conn, |conn| {
        let existing: Vec<Slot> = planner::slots_of(conn, std::slice::from_ref(&desk.id))?
            .into_iter()
            .map(|s| s.slot)
            .collect();
        slots::check_added(&windows, round.slot_minutes, &slot, &existing)
            .map_err(|refusal| PlannerError::Refused(vec![refusal]))?;
        let added = planner::add_slot(conn, &round.id, &desk.id, &slot)?;
        audit.record(conn, "add_slot", desk_object(round, &desk), "ok")?;
        Ok(added)
    })
}
