//! The conversation planner (issue #12, SPEC §8, seed 003): an admin makes a round centrally,
//! teachers check their times until the deadline, the admin publishes it, guardians book.
//!
//! Each function reaches the round's school through the caller's scope and the module gate
//! (planner; 404 when off for them), checks `domain::planner::policy`, owns its transaction and
//! records its audit event. No slot is booked twice: the database's unique indexes hold that.

mod availability;
mod bookings;
mod cancellations;
pub mod feeds;
mod mine;
mod overview;
mod preparation;
mod reminders;
mod rounds;
mod withdrawal;

use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::{Capacity, Module};
use domain::planner::policy;
use persistence::ids::uuid;
use persistence::modules::ModuleSchool;
use persistence::planner::{self, StoredDesk, StoredRound};
use persistence::{AnyConnection, RepoError};

pub use availability::{DeskView, add_slot, desk, may_change_slot, may_edit, set_blocked};
pub use bookings::{BookingView, ChildOffer, NewBookingRequest, Offer, book, may_book, offer};
pub use cancellations::{DayCancelled, cancel_day};
pub use mine::{MyBooking, my_bookings};
pub use overview::{progress, remind, schedule};
pub use preparation::{PreparationChange, prepare, set_day};
pub use reminders::send_due_reminders;
pub use rounds::{RoundView, create, list, may_create, publish, round};
pub use withdrawal::{WithdrawalRequest, may_withdraw, withdraw};

use super::{module_school_as, school_ref};
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum PlannerError {
    /// Out of reach, not the caller's to see, or the module is off for them: it does not exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Fields out of bounds: nothing stored.
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// Not possible now (the round's phase, a slot taken, a booking ended meanwhile); the message
    /// says why.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(PlannerError);

impl From<PlannerError> for ApiError {
    fn from(err: PlannerError) -> Self {
        match err {
            PlannerError::NotFound => ApiError::NotFound,
            PlannerError::Forbidden => ApiError::Forbidden,
            PlannerError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            PlannerError::Conflict(message) => ApiError::Conflict(message),
            PlannerError::Repo(err) => ApiError::from(err),
        }
    }
}

type Result<T, E = PlannerError> = std::result::Result<T, E>;

fn refused(field: &str, invalid: domain::Invalid) -> PlannerError {
    PlannerError::Refused(vec![Refusal {
        field: field.to_owned(),
        reason: invalid,
    }])
}

fn round_object(round: &StoredRound) -> Object<'_> {
    Object {
        kind: "planner_round",
        id: Some(&round.id),
        school_id: Some(&round.school_id),
    }
}

/// A round with its school, reached as staff or as a guardian.
struct Reached {
    round: StoredRound,
    school: ModuleSchool,
    groups: Vec<String>,
}

impl Reached {
    fn at(&self) -> domain::policy::SchoolRef {
        school_ref(self.school.row())
    }

    fn group_ids(&self) -> Vec<uuid::Uuid> {
        self.groups.iter().map(|g| uuid(g)).collect()
    }
}

/// The round as the school's staff reach it: in the caller's scope with the planner on for them
/// as staff, and theirs to see (its planners, or a teacher of one of its groups); 404 otherwise.
fn as_staff(conn: &mut AnyConnection, actor: &Actor, audit: &Audit, id: &str) -> Result<Reached> {
    let round = planner::find(conn, id)?;
    let school = module_school_as(
        conn,
        actor,
        audit,
        &round.school_id,
        Module::Planner,
        Capacity::Staff,
        None,
    )?;
    let groups = planner::groups_of(conn, &round.id)?;
    let reached = Reached {
        round,
        school,
        groups,
    };
    if policy::may_see_round_as_staff(actor, reached.at(), &reached.group_ids()) {
        Ok(reached)
    } else {
        Err(PlannerError::NotFound)
    }
}

/// The round as a guardian reaches it: published, covering a group of one of their children at
/// the school, with the planner on for them as guardians; 404 otherwise (an unpublished round
/// does not exist for guardians, seed 003: it is sent out centrally).
fn as_guardian(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
) -> Result<(Reached, Vec<String>)> {
    let round = planner::find(conn, id)?;
    if round.published_at.is_none() {
        return Err(PlannerError::NotFound);
    }
    let school = module_school_as(
        conn,
        actor,
        audit,
        &round.school_id,
        Module::Planner,
        Capacity::Guardian,
        None,
    )?;
    let groups = planner::groups_of(conn, &round.id)?;
    let children = children_in(conn, actor, &round.school_id, &groups)?;
    if children.is_empty() {
        return Err(PlannerError::NotFound);
    }
    Ok((
        Reached {
            round,
            school,
            groups,
        },
        children,
    ))
}

/// The caller's children at the school who are in one of `groups` now.
fn children_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    school_id: &str,
    groups: &[String],
) -> Result<Vec<String>> {
    let school = uuid(school_id);
    let children: Vec<String> = actor
        .guardian
        .iter()
        .filter(|g| g.school_id == school)
        .flat_map(|g| g.children.iter().map(|c| c.pupil_id.to_string()))
        .collect();
    if children.is_empty() {
        return Ok(Vec::new());
    }
    Ok(planner::pupils_in_groups(conn, &children, groups)?)
}

/// The desk `id` of a round, with its round as staff reach it.
fn desk_as_staff(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
) -> Result<(Reached, StoredDesk)> {
    let round_id = planner::desk_round(conn, desk_id)?;
    let reached = as_staff(conn, actor, audit, &round_id)?;
    let desk = planner::desks_of(conn, &round_id)?
        .into_iter()
        .find(|d| d.id == desk_id)
        .ok_or(PlannerError::NotFound)?;
    Ok((reached, desk))
}

/// Tells the guardians a booking invites that the school cancelled it (they may book another time
/// while booking is open). No reason in the message: the app shows the booking with it.
fn notify_cancelled(
    conn: &mut AnyConnection,
    school_id: &str,
    booking_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let event = persistence::notify::NewEvent {
        school_id,
        kind: domain::notify::EventKind::PlannerBookingCancelled,
        object_id: booking_id,
        urgent: false,
        language: domain::mail::Language::Dutch,
        title: "Gesprek geannuleerd",
        body: "De school heeft een gesprek geannuleerd. Kies in de app een nieuwe tijd zolang \
               inschrijven open is, of neem contact op met de school.",
    };
    persistence::notify::emit(conn, &event, now.naive_utc())?;
    Ok(())
}

/// The staff ids of a desk as uuids (for the policy).
fn staff_ids(desk: &StoredDesk) -> Vec<uuid::Uuid> {
    desk.staff.iter().map(|s| uuid(s)).collect()
}
