//! Ending a booking: a guardian invited to it unbooks while booking is open, or cancels with a
//! reason after the close; the desk's staff and the round's planners cancel with a reason and the
//! guardians are told. Never twice: a guarded update.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::planner::{BookingState, Withdrawal, policy, rules};
use persistence::ids::uuid;
use persistence::planner::{self, Ending};
use persistence::{AnyConnection, transaction};

use super::bookings::{BookingView, booking_object, conflict};
use super::{PlannerError, Result, as_guardian, refused, staff_ids};
use crate::audit::Audit;

/// A guardian's or a desk's end of a booking.
#[derive(Debug, Clone)]
pub struct WithdrawalRequest {
    pub reason: Option<String>,
}

/// Ends a booking: a guardian invited to it unbooks while booking is open (and the round lets
/// them), else cancels with a reason before it starts; the desk's staff and the round's planners
/// cancel with a reason. 409 once it started or ended.
pub fn withdraw(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    booking_id: &str,
    request: &WithdrawalRequest,
    now: DateTime<Utc>,
) -> Result<BookingView> {
    let booking = planner::find_booking(conn, booking_id)?;
    let round = planner::find(conn, &booking.round_id)?;
    let staff_here = policy::acts_as_staff(actor, uuid(&round.school_id));
    let state = if staff_here {
        let (reached, desk) = super::desk_as_staff(conn, actor, audit, &booking.desk_id)?;
        if !policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
            return Err(PlannerError::NotFound);
        }
        if booking.starts_at <= now {
            return Err(conflict("The conversation has started."));
        }
        BookingState::Cancelled
    } else {
        let (_, _) = as_guardian(conn, actor, audit, &round.id)?;
        let invited = planner::invited(conn, &booking.id)?;
        let mine = actor
            .guardian
            .iter()
            .any(|g| invited.contains(&g.guardian_id.to_string()));
        if !mine {
            return Err(PlannerError::NotFound);
        }
        match rules::withdrawal(
            &round.times,
            round.guardians_may_change,
            now,
            booking.starts_at,
        ) {
            Withdrawal::Unbook => BookingState::Unbooked,
            Withdrawal::Cancel => BookingState::Cancelled,
            Withdrawal::TooLate => return Err(conflict("The conversation has started.")),
        }
    };
    let reason = match (state, request.reason.as_deref()) {
        (BookingState::Cancelled, Some(reason)) => {
            Some(rules::check_reason(reason).map_err(|invalid| refused("reason", invalid))?)
        }
        (BookingState::Cancelled, None) => {
            return Err(refused(
                "reason",
                domain::Invalid::new("required", "a cancellation needs a reason"),
            ));
        }
        (_, _) => None,
    };
    let account = actor.account_id.to_string();
    transaction(conn, |conn| {
        let ending = Ending {
            state,
            reason: reason.as_deref(),
            by: Some(&account),
        };
        if !planner::end(conn, &booking.id, &ending, now)? {
            return Err(conflict("The booking ended meanwhile."));
        }
        audit.record(
            conn,
            state.as_str(),
            booking_object(&booking, &round.school_id),
            "ok",
        )?;
        if staff_here {
            super::notify_cancelled(conn, &round.school_id, &booking.id, now)?;
        }
        Ok(())
    })?;
    Ok(BookingView {
        booking: planner::find_booking(conn, booking_id)?,
        school_id: round.school_id,
    })
}

/// Whether the caller may end the booking at all (before their body is read): invited to it as
/// a guardian, or at its desk; 404 otherwise.
pub fn may_withdraw(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    booking_id: &str,
) -> Result<()> {
    let booking = planner::find_booking(conn, booking_id)?;
    let round = planner::find(conn, &booking.round_id)?;
    if policy::acts_as_staff(actor, uuid(&round.school_id)) {
        let (reached, desk) = super::desk_as_staff(conn, actor, audit, &booking.desk_id)?;
        return if policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
            Ok(())
        } else {
            Err(PlannerError::NotFound)
        };
    }
    as_guardian(conn, actor, audit, &round.id)?;
    let invited = planner::invited(conn, &booking.id)?;
    if actor
        .guardian
        .iter()
        .any(|g| invited.contains(&g.guardian_id.to_string()))
    {
        Ok(())
    } else {
        Err(PlannerError::NotFound)
    }
}
