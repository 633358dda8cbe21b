//! Telling requesters what became of their requests, and closing those a sync resolved.

use domain::change_request::ChangeRequest;
use domain::mail::Message;
use domain::notify::EventKind;
use persistence::change_request as requests;
use persistence::ids::now;
use persistence::notify::{self, NewEvent};
use persistence::{AnyConnection, RepoError};

/// After a school's sync (in its transaction): requests whose proposed values the LAS now holds
/// are closed and their requesters told. Returns how many were closed.
pub fn resolve_after_sync(
    conn: &mut AnyConnection,
    school_id: &str,
    school_name: &str,
) -> Result<usize, RepoError> {
    let resolved = requests::resolve_by_sync(conn, school_id)?;
    notify_requesters(conn, school_name, &resolved)?;
    Ok(resolved.len())
}

/// Tells each requester what became of their request, in the language they asked in, through the
/// notification engine (inbox, e-mail by their preference, live stream). The engine sends nothing
/// where the school switched the module off for guardians (seed 004).
pub(super) fn notify_requesters(
    conn: &mut AnyConnection,
    school_name: &str,
    closed: &[ChangeRequest],
) -> Result<(), RepoError> {
    for request in closed {
        let message = Message::ChangeRequestDecided {
            school: school_name,
            status: request.status,
        }
        .render(request.language);
        let event = NewEvent {
            school_id: &request.school_id,
            kind: EventKind::ChangeRequestDecided,
            object_id: &request.id,
            urgent: false,
            language: request.language,
            title: &message.subject,
            body: &message.body,
        };
        notify::emit(conn, &event, now())?;
    }
    Ok(())
}
