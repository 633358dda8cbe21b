//! Booking (SPEC §8): a guardian books a slot per child per desk while booking is open; the
//! slot, the pupil's limit and every invited guardian's other conversations are checked under
//! their locks, and the database's unique indexes refuse a second booking of a slot whatever
//! happens above them: two racing guardians get one booking and one 409. Separated parents share
//! one booking unless the pupil is marked separated (seed 003).

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::planner::{MAX_SEQUENCE_GAP_MINUTES, Phase, policy, rules, sequences};
use persistence::ids::uuid;
use persistence::planner::{
    self, DeskSlot, NewBooking, NotBooked, StoredBooking, StoredDesk, StoredRound,
};
use persistence::{AnyConnection, transaction};

use super::{PlannerError, Result, as_guardian, refused};
use crate::audit::{Audit, Object};
use crate::services::school_ref;

/// Sequences offered to a family at most.
const OFFERED_SEQUENCES: usize = 20;

/// What a guardian may book in a round: per child, their desks and the free slots there, and
/// for siblings slot sequences that follow each other.
#[derive(Debug, Clone)]
pub struct Offer {
    pub round: StoredRound,
    pub children: Vec<ChildOffer>,
    pub sequences: Vec<Vec<sequences::Candidate>>,
}

#[derive(Debug, Clone)]
pub struct ChildOffer {
    pub pupil_id: String,
    pub desks: Vec<StoredDesk>,
    pub free: Vec<DeskSlot>,
    /// What the child's desks prepared for the conversation.
    pub preparations: Vec<planner::StoredPreparation>,
}

/// A booking as answered.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub booking: StoredBooking,
    pub school_id: String,
}

pub(super) fn booking_object<'a>(booking: &'a StoredBooking, school_id: &'a str) -> Object<'a> {
    Object {
        kind: "planner_booking",
        id: Some(&booking.id),
        school_id: Some(school_id),
    }
}

/// The caller's children in the round with their desks (a desk serves a child when it serves one
/// of the child's groups).
fn children_desks(
    conn: &mut AnyConnection,
    round_id: &str,
    children: &[String],
) -> Result<Vec<(String, Vec<StoredDesk>)>> {
    let enrolments = planner::enrolments_of(conn, children)?;
    let desks = planner::desks_of(conn, round_id)?;
    Ok(children
        .iter()
        .map(|child| {
            let groups: Vec<&String> = enrolments
                .iter()
                .filter(|(p, _)| p == child)
                .map(|(_, g)| g)
                .collect();
            let serving = desks
                .iter()
                .filter(|d| d.groups.iter().any(|g| groups.contains(&g)))
                .cloned()
                .collect();
            (child.clone(), serving)
        })
        .collect())
}

/// The free slots of the caller's children's desks, and sibling sequences.
pub fn offer(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    round_id: &str,
    now: DateTime<Utc>,
) -> Result<Offer> {
    let (reached, children) = as_guardian(conn, actor, audit, round_id)?;
    let per_child = children_desks(conn, round_id, &children)?;
    let all_desks: Vec<String> = per_child
        .iter()
        .flat_map(|(_, desks)| desks.iter().map(|d| d.id.clone()))
        .collect();
    let free: Vec<DeskSlot> = planner::slots_of(conn, &all_desks)?
        .into_iter()
        .filter(|s| !s.blocked && s.booking.is_none() && s.slot.starts_at > now)
        .collect();
    let prepared = planner::preparations_of(conn, &all_desks, &children)?;
    let children: Vec<ChildOffer> = per_child
        .into_iter()
        .map(|(pupil_id, desks)| ChildOffer {
            preparations: prepared
                .iter()
                .filter(|p| p.pupil_id == pupil_id)
                .cloned()
                .collect(),
            free: free
                .iter()
                .filter(|s| desks.iter().any(|d| d.id == s.desk_id))
                .cloned()
                .collect(),
            pupil_id,
            desks,
        })
        .collect();
    let sequences = if children.len() > 1 {
        let candidates: Vec<Vec<sequences::Candidate>> = children
            .iter()
            .map(|child| {
                child
                    .free
                    .iter()
                    .map(|s| sequences::Candidate {
                        pupil: uuid(&child.pupil_id),
                        desk: uuid(&s.desk_id),
                        slot: uuid(&s.id),
                        starts_at: s.slot.starts_at,
                        ends_at: s.slot.ends_at,
                    })
                    .collect()
            })
            .collect();
        let gap = Duration::minutes(i64::from(MAX_SEQUENCE_GAP_MINUTES));
        sequences::sibling_sequences(&candidates, gap, OFFERED_SEQUENCES)
    } else {
        Vec::new()
    };
    Ok(Offer {
        round: reached.round,
        children,
        sequences,
    })
}

/// A booking as asked: which slot, for which child.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewBookingRequest {
    pub slot_id: String,
    pub pupil_id: String,
}

/// Whether the caller may book in the round at all (before their body is read): a guardian of a
/// child the published round covers; 404 otherwise.
pub fn may_book(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    round_id: &str,
) -> Result<()> {
    as_guardian(conn, actor, audit, round_id).map(|_| ())
}

pub(super) fn conflict(message: &str) -> PlannerError {
    PlannerError::Conflict(message.to_owned())
}

/// Books the slot for the child. `remember` stores the answer under the caller's
/// `Idempotency-Key` in the same transaction.
pub fn book<T>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    round_id: &str,
    request: &NewBookingRequest,
    now: DateTime<Utc>,
    remember: impl FnOnce(
        &mut AnyConnection,
        &BookingView,
    ) -> std::result::Result<T, crate::error::ApiError>,
) -> std::result::Result<T, crate::error::ApiError> {
    let (reached, children) = as_guardian(conn, actor, audit, round_id)?;
    let round = &reached.round;
    let not_yours = || {
        refused(
            "pupil_id",
            domain::Invalid::new("not_in_round", "is not a child of yours in this round"),
        )
    };
    if !children.contains(&request.pupil_id) {
        return Err(not_yours().into());
    }
    let school = school_ref(reached.school.row());
    let Some(guardian_id) = policy::may_book_for(actor, school.school_id, uuid(&request.pupil_id))
    else {
        return Err(not_yours().into());
    };
    let guardian_id = guardian_id.to_string();
    let phase = rules::phase(&round.times, round.published_at.is_some(), now);
    let rebookable = if phase == Phase::Closed {
        planner::school_cancelled_desks(conn, round_id, &request.pupil_id)?
    } else {
        Vec::new()
    };
    let per_child = children_desks(conn, round_id, std::slice::from_ref(&request.pupil_id))?;
    let desks: Vec<StoredDesk> = per_child.into_iter().flat_map(|(_, d)| d).collect();
    transaction(conn, |conn| {
        persistence::pupils::lock(conn, &request.pupil_id)?;
        let unknown_slot = || {
            refused(
                "slot_id",
                domain::Invalid::new(
                    "unknown_slot",
                    "is not a slot of your child's teacher in this round",
                ),
            )
        };
        let slot = match planner::lock_slot(conn, &request.slot_id) {
            Ok(slot) => slot,
            Err(persistence::RepoError::NotFound) => return Err(unknown_slot().into()),
            Err(err) => return Err(PlannerError::from(err).into()),
        };
        if !desks.iter().any(|d| d.id == slot.desk_id) {
            return Err(unknown_slot().into());
        }
        rules::may_book(phase, rebookable.contains(&slot.desk_id))
            .map_err(|invalid| PlannerError::Conflict(invalid.message))?;
        if slot.blocked || slot.slot.starts_at <= now {
            return Err(conflict("The slot is not available.").into());
        }
        if slot.booking.is_some() {
            return Err(conflict("The slot was booked by someone else; choose another.").into());
        }
        let households = planner::households_of(conn, &request.pupil_id)?;
        let own_household = households
            .iter()
            .find(|(g, _)| *g == guardian_id)
            .map(|(_, h)| h.clone())
            .unwrap_or_default();
        let separated = planner::separated(conn, &request.pupil_id)?;
        let household = rules::invited_households(separated, &own_household);
        let invited: Vec<String> = households
            .iter()
            .filter(|(_, h)| household.as_ref().is_none_or(|own| own == h))
            .map(|(g, _)| g.clone())
            .collect();
        let live = planner::live_of_pupil(conn, round_id, &request.pupil_id)?;
        // A joint booking invites every household: it counts for each, as the household's own.
        let mine: Vec<&StoredBooking> = live
            .iter()
            .filter(|b| b.household.is_none() || b.household == household)
            .collect();
        if mine.iter().any(|b| b.desk_id == slot.desk_id) {
            return Err(conflict("Your child already has a conversation at this desk; unbook it to choose another time.").into());
        }
        let limit = rules::booking_limit(
            round.max_bookings_per_pupil,
            round.fairness,
            round.times.booking_opens,
            now,
        );
        if u32::try_from(mine.len()).unwrap_or(u32::MAX) >= limit {
            return Err(conflict(&format!(
                "Your child has {limit} booking(s) in this round, the most allowed now."
            ))
            .into());
        }
        planner::lock_guardians(conn, &invited)?;
        if planner::guardian_busy(conn, &invited, &slot.slot)? {
            return Err(
                conflict("A parent invited already has a conversation at that time.").into(),
            );
        }
        let new = NewBooking {
            round_id,
            desk_id: &slot.desk_id,
            slot_id: &slot.id,
            pupil_id: &request.pupil_id,
            household: household.as_deref(),
            booked_by: &guardian_id,
            slot: slot.slot,
            invited: &invited,
        };
        let booking = match planner::insert_booking(conn, &new, now)? {
            Ok(booking) => booking,
            Err(NotBooked::SlotTaken) => {
                return Err(
                    conflict("The slot was booked by someone else; choose another.").into(),
                );
            }
            Err(NotBooked::DeskTaken) => {
                return Err(conflict("Your child already has a conversation at this desk.").into());
            }
        };
        audit.record(
            conn,
            "book_slot",
            booking_object(&booking, &round.school_id),
            "ok",
        )?;
        let view = BookingView {
            booking,
            school_id: round.school_id.clone(),
        };
        remember(conn, &view)
    })
}
