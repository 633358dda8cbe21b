//! The school's overviews of a round (issue #12 part 7): a desk's day with the pupils and the
//! guardians who come (for those at the desk and the round's planners), the round's progress (who
//! has booked, who has not) and a reminder to those who have not, at most once a day.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::actor::Actor;
use domain::planner::{Phase, REMINDER_EVERY_HOURS, policy, rules};
use persistence::planner::{self, PupilProgress, ScheduleLine};
use persistence::{AnyConnection, transaction};

use super::{PlannerError, Result, as_staff, desk_as_staff, round_object, staff_ids};
use crate::audit::{Audit, Object};

/// The desk's conversations on `day` (Europe/Amsterdam), every slot with who comes.
pub fn schedule(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
    day: NaiveDate,
) -> Result<Vec<ScheduleLine>> {
    let (reached, desk) = desk_as_staff(conn, actor, audit, desk_id)?;
    if !policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
        return Err(PlannerError::NotFound);
    }
    let (from, to) = rules::day_bounds(day);
    let lines = planner::schedule(conn, &desk.id, from, to)?;
    let object = Object {
        kind: "planner_desk",
        id: Some(&desk.id),
        school_id: Some(&reached.round.school_id),
    };
    audit.read(conn, object)?;
    Ok(lines)
}

/// The round's reach as its planners see it (403 for other staff who see the round).
fn managed(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    round_id: &str,
    action: &str,
) -> Result<super::Reached> {
    let reached = as_staff(conn, actor, audit, round_id)?;
    if policy::may_manage_rounds(actor, reached.at()) {
        Ok(reached)
    } else {
        audit.record(conn, action, round_object(&reached.round), "forbidden")?;
        Err(PlannerError::Forbidden)
    }
}

/// Every pupil the round covers and whether it has a booking.
pub fn progress(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    round_id: &str,
) -> Result<Vec<PupilProgress>> {
    let reached = managed(conn, actor, audit, round_id, "read_planner_progress")?;
    let pupils = planner::progress(conn, &reached.round.id)?;
    audit.read(conn, round_object(&reached.round))?;
    Ok(pupils)
}

/// Reminds the guardians of pupils without a booking, while booking is open and at most once a
/// day (409 otherwise); how many pupils have none.
pub fn remind(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    round_id: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let reached = managed(conn, actor, audit, round_id, "remind_planner_round")?;
    let round = &reached.round;
    if rules::phase(&round.times, round.published_at.is_some(), now) != Phase::Open {
        return Err(PlannerError::Conflict(
            "Reminders go out while booking is open.".to_owned(),
        ));
    }
    let unbooked = planner::progress(conn, &round.id)?
        .iter()
        .filter(|p| !p.booked)
        .count();
    transaction(conn, |conn| {
        let every = Duration::hours(REMINDER_EVERY_HOURS);
        if !planner::mark_reminded(conn, &round.id, now, every)? {
            return Err(PlannerError::Conflict(
                "A reminder went out less than a day ago.".to_owned(),
            ));
        }
        let event = persistence::notify::NewEvent {
            school_id: &round.school_id,
            kind: domain::notify::EventKind::PlannerReminder,
            object_id: &round.id,
            urgent: false,
            language: domain::mail::Language::Dutch,
            title: "Herinnering: kies een tijd voor het oudergesprek",
            body: "U heeft nog geen tijd gekozen voor het oudergesprek. Kies een tijd in de app.",
        };
        persistence::notify::emit(conn, &event, now.naive_utc())?;
        audit.record(conn, "remind_planner_round", round_object(round), "ok")?;
        Ok(unbooked)
    })
}
