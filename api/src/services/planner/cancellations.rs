//! A teacher's day cancelled (illness): every booking at the desk that day is cancelled with the
//! reason and its guardians told, and the day's slots are blocked so nobody books them again. A
//! booking is never dropped silently: each is cancelled, kept with who cancelled and why.

use chrono::{DateTime, NaiveDate, Utc};
use domain::actor::Actor;
use domain::planner::rules::local_day;
use domain::planner::{BookingState, rules};
use persistence::planner::{self, Ending};
use persistence::{AnyConnection, transaction};

use super::{PlannerError, Result, desk_as_staff, refused, staff_ids};
use crate::audit::{Audit, Object};

/// What a day's cancellation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCancelled {
    pub cancelled: usize,
    pub blocked: usize,
}

/// Cancels the desk's bookings on `day` (Amsterdam) that have not started, with `reason`, and
/// blocks the day's slots that have not started. For those at the desk and the round's planners.
pub fn cancel_day(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
    day: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<DayCancelled> {
    let (reached, desk) = desk_as_staff(conn, actor, audit, desk_id)?;
    if !domain::planner::policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
        return Err(PlannerError::NotFound);
    }
    let reason = rules::check_reason(reason).map_err(|invalid| refused("reason", invalid))?;
    if day < local_day(now) {
        return Err(refused(
            "day",
            domain::Invalid::new("in_the_past", "must be today or later"),
        ));
    }
    let account = actor.account_id.to_string();
    let school_id = reached.round.school_id.clone();
    transaction(conn, |conn| {
        let slots: Vec<String> = planner::slots_of(conn, std::slice::from_ref(&desk.id))?
            .into_iter()
            .filter(|s| local_day(s.slot.starts_at) == day && s.slot.starts_at > now)
            .map(|s| s.id)
            .collect();
        let bookings: Vec<_> = planner::live_at_desks(conn, std::slice::from_ref(&desk.id))?
            .into_iter()
            .filter(|b| slots.contains(&b.slot_id))
            .collect();
        let ending = Ending {
            state: BookingState::Cancelled,
            reason: Some(&reason),
            by: Some(&account),
        };
        let mut cancelled = 0;
        for booking in &bookings {
            if planner::end(conn, &booking.id, &ending, now)? {
                super::notify_cancelled(conn, &school_id, &booking.id, now)?;
                cancelled += 1;
            }
        }
        let blocked = planner::block_slots(conn, &slots)?;
        let object = Object {
            kind: "planner_desk",
            id: Some(&desk.id),
            school_id: Some(&school_id),
        };
        audit.record(conn, "cancel_planner_day", object, "ok")?;
        Ok(DayCancelled { cancelled, blocked })
    })
}
