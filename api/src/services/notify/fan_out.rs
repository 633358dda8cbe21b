//! From event to deliveries: the school's webhooks, who it reaches, each person's plan (opt-in,
//! preference, quiet hours, overview), and the rows that carry it, in one transaction per event. A school that switched the
//! event's module off for guardians tells them nothing (seed 004).

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::mail::Language;
use domain::modules::{Audience, Module};
use domain::notify::mail::combine_names;
use domain::notify::{EmailPlan, EventKind, Urgency, plan};
use persistence::notify::{self, EventRow, NewDelivery};
use persistence::webhooks::{self, EventRef};
use persistence::{Database, RepoError, modules, transaction};

/// Events are leased for this long: far longer than a fan-out of a few thousand people takes.
const LEASE_SECONDS: i64 = 120;
/// Events per round.
const BATCH: i64 = 20;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FanOut {
    /// Events fanned out.
    pub events: usize,
    /// Inbox items written.
    pub deliveries: usize,
    /// The events that reached someone (for this instance's live streams on SQLite; PostgreSQL
    /// tells every instance by NOTIFY).
    pub reached: Vec<String>,
}

/// Fans out the events waiting, as of `now`, claimed for `owner`.
pub fn fan_out(db: &Database, owner: &str, now: DateTime<Utc>) -> Result<FanOut, RepoError> {
    let at = now.naive_utc();
    let mut conn = db.get()?;
    let lease = at + chrono::Duration::seconds(LEASE_SECONDS);
    let events = notify::claim_pending(&mut conn, owner, at, lease, BATCH)?;
    let mut done = FanOut::default();
    for event in events {
        let written = transaction(&mut conn, |conn| {
            let written = deliver(conn, &event, now)?;
            if !notify::mark_fanned_out(conn, &event.id, owner, at)? {
                // Another worker took it over after our lease ran out: undo ours.
                return Err(RepoError::Conflict(
                    "notification event lease lost".to_owned(),
                ));
            }
            Ok(written)
        });
        match written {
            Ok(written) => {
                done.events += 1;
                done.deliveries += written;
                if written > 0 {
                    done.reached.push(event.id.clone());
                }
            }
            Err(RepoError::Conflict(reason)) => log::warn!("notify: {reason} ({})", event.id),
            Err(other) => return Err(other),
        }
    }
    Ok(done)
}

/// The module whose switch decides whether guardians hear of the event at all.
fn module_of(kind: EventKind) -> Module {
    match kind {
        EventKind::NewsPublished | EventKind::NewsConfirmationRequested => Module::News,
        EventKind::ChangeRequestDecided => Module::ChangeRequests,
        EventKind::LeaveDecided | EventKind::AbsenceUnreported => Module::Absence,
        EventKind::PlannerPublished
        | EventKind::PlannerBookingCancelled
        | EventKind::PlannerReminder
        | EventKind::PlannerConversationReminder => Module::Planner,
        EventKind::FormsOpened
        | EventKind::FormsReminder
        | EventKind::FormsPlaceGiven
        | EventKind::FormsAllocated => Module::Forms,
    }
}

fn deliver(
    conn: &mut persistence::AnyConnection,
    event: &EventRow,
    now: DateTime<Utc>,
) -> Result<usize, RepoError> {
    let kind = event.kind()?;
    // The school's webhooks hear of every event (references only), whoever else does.
    webhooks::enqueue_for_event(
        conn,
        &EventRef {
            id: event.id.clone(),
            school_id: event.school_id.clone(),
            kind,
            object_kind: kind.object_kind().to_owned(),
            object_id: event.object_id.clone(),
            occurred_at: event.created_at,
        },
    )?;
    let school = [event.school_id.clone()];
    if modules::schools_on(conn, module_of(kind), Audience::Guardian, &school)?.is_empty() {
        return Ok(0);
    }
    let people = notify::recipients(conn, event)?;
    if people.is_empty() {
        return Ok(0);
    }
    let accounts: Vec<String> = people.iter().map(|p| p.account_id.clone()).collect();
    let choices = notify::choices_of(conn, &accounts, kind.opt_in())?;
    let settings = notify::school_settings(conn, &event.school_id)?;
    let urgency = if event.urgent {
        Urgency::Urgent
    } else {
        Urgency::Normal
    };
    let language = Language::parse(&event.language).unwrap_or_default();
    let deliveries: Vec<NewDelivery> = people
        .into_iter()
        .filter_map(|person| {
            let choice = choices.get(&person.account_id).copied().unwrap_or_default();
            let plan = plan(kind, urgency, &settings, choice, now);
            if !plan.reaches {
                return None;
            }
            let names: Vec<&str> = person.children.iter().map(String::as_str).collect();
            Some(NewDelivery {
                children: combine_names(&names, language),
                email: match plan.email {
                    EmailPlan::At { due, in_digest } => Some((naive(due), in_digest)),
                    EmailPlan::None => None,
                },
                account_id: person.account_id,
            })
        })
        .collect();
    notify::write_deliveries(conn, &event.id, &deliveries, now.naive_utc())
}

fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}
