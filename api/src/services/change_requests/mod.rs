//! Change requests (wijzigingsverzoeken, SPEC §4): guardians propose new values for themselves or
//! a child; the school's admins work the queue and decide per field; a sync that brings the
//! proposed values resolves a request by itself. Portal data changes only through the sync.
//!
//! Each function obtains its school through the module gate, owns its transaction, records its
//! audit events and queues its mail.

use std::collections::BTreeSet;

use domain::actor::Actor;
use domain::change_request::{
    ChangeRequest, Decision, Field, HouseholdLink, Refusal, RequestScope, Status, check_decisions,
    queue_schools,
};
use domain::modules::{Audience, Module};
use domain::policy::SchoolAction;
use domain::roles::StaffRole;
use persistence::change_request as requests;
use persistence::modules::ModuleSchool;
use persistence::page::Page;
use persistence::{AnyConnection, RepoError, guardians, modules, schools};

mod notify;
mod submit;

use notify::notify_requesters;
pub use notify::resolve_after_sync;
pub use submit::{may_submit_for, submit};

use super::module_school;
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ChangeRequestError {
    /// Out of reach, or the module is off for the caller: it does not exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The submission or decisions break a rule; each refusal names its field.
    #[error("refused")]
    Refused(Vec<Refusal>),
    #[error("the request is {}", .0.as_str())]
    NotOpen(Status),
    /// Decided or resolved by a sync between reading and deciding.
    #[error("decided meanwhile")]
    DecidedMeanwhile,
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(ChangeRequestError);

impl From<ChangeRequestError> for ApiError {
    fn from(err: ChangeRequestError) -> Self {
        match err {
            ChangeRequestError::NotFound => ApiError::NotFound,
            ChangeRequestError::Forbidden => ApiError::Forbidden,
            ChangeRequestError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            ChangeRequestError::NotOpen(status) => ApiError::Conflict(format!(
                "The request is {} and can no longer be decided.",
                status.as_str()
            )),
            ChangeRequestError::DecidedMeanwhile => ApiError::Conflict(
                "The request was decided or resolved meanwhile; read it again.".to_owned(),
            ),
            ChangeRequestError::Repo(err) => ApiError::from(err),
        }
    }
}

type Result<T, E = ChangeRequestError> = std::result::Result<T, E>;

fn request_object(request: &ChangeRequest) -> Object<'_> {
    Object {
        kind: "change_request",
        id: Some(&request.id),
        school_id: Some(&request.school_id),
    }
}

/// The schools whose queue the actor works: the policy's answer for the schools they administer
/// (their own and their boards'), as far as the school has the module on for its admins.
fn queues(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<String>> {
    let boards: Vec<String> = actor
        .board_admin_of
        .iter()
        .map(ToString::to_string)
        .collect();
    let staff_at: Vec<String> = actor
        .staff
        .iter()
        .map(|m| m.school_id.to_string())
        .collect();
    let candidates = schools::refs(conn, &boards, &staff_at)?;
    let worked: Vec<String> = queue_schools(actor, &candidates)
        .iter()
        .map(|s| s.school_id.to_string())
        .collect();
    let admins = Audience::Staff(StaffRole::SchoolAdmin);
    Ok(modules::schools_on(
        conn,
        Module::ChangeRequests,
        admins,
        &worked,
    )?)
}

/// What the actor sees as a guardian (the household rule applied): two queries.
fn guardian_scope(conn: &mut AnyConnection, actor: &Actor) -> Result<RequestScope> {
    let schools: Vec<String> = actor
        .guardian
        .iter()
        .map(|g| g.school_id.to_string())
        .collect();
    let on = modules::schools_on(conn, Module::ChangeRequests, Audience::Guardian, &schools)?;
    let guardians: Vec<String> = actor
        .guardian_ids()
        .iter()
        .map(ToString::to_string)
        .collect();
    let children: Vec<String> = actor.children().map(|c| c.pupil_id.to_string()).collect();
    let links: Vec<HouseholdLink> = if children.is_empty() {
        Vec::new()
    } else {
        guardians::household_links(conn, &guardians, &children)?
            .into_iter()
            .map(
                |(_, pupil_id, household, parents_separated)| HouseholdLink {
                    pupil_id,
                    household,
                    parents_separated,
                },
            )
            .collect()
    };
    Ok(RequestScope::for_guardian(actor, on, &links))
}

/// A request the actor may see: in a queue they work, or theirs as a guardian. Anything else does
/// not exist for them.
fn visible(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<ChangeRequest> {
    let mut scope = guardian_scope(conn, actor)?;
    scope.admin_schools = queues(conn, actor)?;
    Ok(requests::find(conn, &scope, id)?)
}

/// The caller's own requests and those about their children, newest first.
pub fn list_mine(
    conn: &mut AnyConnection,
    actor: &Actor,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<ChangeRequest>> {
    let scope = guardian_scope(conn, actor)?;
    Ok(requests::list_for_guardian(conn, &scope, before, limit)?)
}

/// One request, its read recorded.
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
) -> Result<ChangeRequest> {
    let request = visible(conn, actor, id)?;
    audit.read(conn, request_object(&request))?;
    Ok(request)
}

/// The school whose queue the caller works (module on, may process; 404/403).
fn queue_school(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<ModuleSchool> {
    Ok(module_school(
        conn,
        actor,
        audit,
        school_id,
        Module::ChangeRequests,
        Some(SchoolAction::ProcessChangeRequests),
    )?)
}

/// Staff decide fields of an open request; once none is pending, the requester is told.
/// Whether the caller may decide the request (visible, and its school's queue theirs), checked
/// before the body is read.
pub fn may_decide(conn: &mut AnyConnection, actor: &Actor, audit: &Audit, id: &str) -> Result<()> {
    let request = visible(conn, actor, id)?;
    queue_school(conn, actor, audit, &request.school_id).map(drop)
}

pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    decisions: &[Decision],
) -> Result<ChangeRequest> {
    let request = visible(conn, actor, id)?;
    let school = queue_school(conn, actor, audit, &request.school_id)?;
    if request.status != Status::Open {
        return Err(ChangeRequestError::NotOpen(request.status));
    }
    let decisions =
        check_decisions(&request.outcomes(), decisions).map_err(ChangeRequestError::Refused)?;
    let account = actor.account_id.to_string();
    persistence::transaction(conn, |conn| {
        let status = requests::decide(conn, &request.id, &decisions, &account)?
            .ok_or(ChangeRequestError::DecidedMeanwhile)?;
        if status != Status::Open {
            let decided = ChangeRequest {
                status,
                ..request.clone()
            };
            notify_requesters(conn, &school.row().name, &[decided])?;
        }
        audit.record(
            conn,
            "decide_change_request",
            request_object(&request),
            "ok",
        )?;
        Ok(requests::find(
            conn,
            &RequestScope::queue_of(&request.school_id),
            &request.id,
        )?)
    })
}

/// A school's queue, oldest first; its reads are in the audit log like any list's.
pub fn queue(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    status: Option<Status>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<ChangeRequest>> {
    let school = queue_school(conn, actor, audit, school_id)?;
    let page = requests::list_at(conn, &school, status, after, limit)?;
    let object = Object {
        kind: "change_request_list",
        id: None,
        school_id: Some(school_id),
    };
    audit.record(conn, "list_change_requests", object, "ok")?;
    Ok(page)
}

/// The details guardians may ask to change at the school.
pub fn requestable_fields(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<BTreeSet<Field>> {
    let school = queue_school(conn, actor, audit, school_id)?;
    Ok(requests::requestable_fields(conn, &school)?)
}

pub fn set_requestable_fields(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    fields: &BTreeSet<Field>,
) -> Result<()> {
    let school = queue_school(conn, actor, audit, school_id)?;
    persistence::transaction(conn, |conn| {
        requests::set_requestable_fields(conn, &school, fields)?;
        let object = Object {
            kind: "school",
            id: Some(school_id),
            school_id: Some(school_id),
        };
        audit.record(conn, "set_change_request_settings", object, "ok")?;
        Ok(())
    })
}
