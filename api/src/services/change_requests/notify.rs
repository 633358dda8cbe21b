//! Telling requesters what became of their requests, and closing those a sync resolved.

use domain::change_request::ChangeRequest;
use domain::mail::Message;
use domain::modules::{Audience, Module};
use persistence::change_request as requests;
use persistence::{AnyConnection, RepoError, guardians, modules, outbox};

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

/// Tells each requester what became of their request, in the language they asked in. A school
/// that switched the module off for guardians sends them nothing about it (seed 004).
pub(super) fn notify_requesters(
    conn: &mut AnyConnection,
    school_name: &str,
    closed: &[ChangeRequest],
) -> Result<(), RepoError> {
    if closed.is_empty() {
        return Ok(());
    }
    let schools: Vec<String> = closed.iter().map(|r| r.school_id.clone()).collect();
    let on = modules::schools_on(conn, Module::ChangeRequests, Audience::Guardian, &schools)?;
    let closed: Vec<&ChangeRequest> = closed
        .iter()
        .filter(|r| on.contains(&r.school_id))
        .collect();
    let ids: Vec<&str> = closed.iter().map(|r| r.requested_by.as_str()).collect();
    let addresses = guardians::emails_of(conn, &ids)?;
    for request in closed {
        let Some(Some(to)) = addresses.get(&request.requested_by) else {
            continue;
        };
        let mail = Message::ChangeRequestDecided {
            school: school_name,
            status: request.status,
        }
        .render(request.language);
        outbox::enqueue(conn, mail.kind, to, &mail.subject, &mail.body)?;
    }
    Ok(())
}
