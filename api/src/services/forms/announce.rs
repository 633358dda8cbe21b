//! A form that opens is announced to the guardians of the children it is for, once: the
//! notification worker of every instance runs this; a guarded update per form makes one of them
//! announce it (a form opening later is announced when its time comes).

use chrono::{DateTime, Utc};
use domain::mail::Language;
use domain::notify::EventKind;
use persistence::forms as store;
use persistence::notify::{self, NewEvent};
use persistence::{Database, RepoError, transaction};

/// Forms announced per round of the worker at most.
const BATCH: i64 = 100;

/// Announces the forms open at `now` that were not yet; how many.
pub fn announce_due(db: &Database, now: DateTime<Utc>) -> Result<usize, RepoError> {
    let mut conn = db.get()?;
    let mut announced = 0;
    for due in store::due_announcements(&mut conn, now, BATCH)? {
        let (form, school, title) = (&due.id, &due.school_id, &due.title);
        let heading = format!("Nieuw formulier: {title}");
        let body = format!(
            "De school vraagt u een formulier in te vullen: \"{title}\". Reageren kan in de app tot \
             {}.",
            domain::schedule::school_moment(due.closes_at)
        );
        let done = transaction(&mut conn, |conn| {
            if !store::mark_announced(conn, form, now)? {
                return Ok(false);
            }
            let event = NewEvent {
                school_id: school,
                kind: EventKind::FormsOpened,
                object_id: form,
                urgent: false,
                language: Language::Dutch,
                title: &heading,
                body: &body,
            };
            notify::emit(conn, &event, now.naive_utc())?;
            Ok::<_, RepoError>(true)
        })?;
        if done {
            announced += 1;
        }
    }
    Ok(announced)
}
