//! Reminders of booked conversations (issue #12: "reminders the day before"): each booking is
//! reminded once, within a day before it starts, through the notification engine (which holds a
//! reminder due at night until the morning, and respects the module switch and preferences). Run
//! by the notification worker of every instance; a guarded update per booking makes one of them
//! remind it.

use chrono::{DateTime, Duration, Utc};
use domain::planner::rules::REMINDER_HOURS_BEFORE;
use persistence::planner;
use persistence::{Database, RepoError};

/// Bookings reminded per round of the worker at most.
const BATCH: i64 = 200;

/// Reminds the conversations due their reminder at `now`; how many.
pub fn send_due_reminders(db: &Database, now: DateTime<Utc>) -> Result<usize, RepoError> {
    let mut conn = db.get()?;
    let until = now + Duration::hours(REMINDER_HOURS_BEFORE);
    let due = planner::due_reminders(&mut conn, now, until, BATCH)?;
    let mut sent = 0;
    for (booking, school) in due {
        let reminded = persistence::transaction(&mut conn, |conn| {
            if !planner::mark_booking_reminded(conn, &booking, now)? {
                return Ok(false);
            }
            let event = persistence::notify::NewEvent {
                school_id: &school,
                kind: domain::notify::EventKind::PlannerConversationReminder,
                object_id: &booking,
                urgent: false,
                language: domain::mail::Language::Dutch,
                title: "Herinnering: oudergesprek",
                body: "Morgen of vandaag heeft u een oudergesprek. Bekijk de tijd in de app.",
            };
            persistence::notify::emit(conn, &event, now.naive_utc())?;
            Ok::<_, RepoError>(true)
        })?;
        if reminded {
            sent += 1;
        }
    }
    Ok(sent)
}
