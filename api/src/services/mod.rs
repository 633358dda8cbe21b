//! What the API does, apart from HTTP: each module's service owns its transaction, the module
//! gate, audit and notifications, and returns its own error, which maps to a problem in one
//! `From`. Handlers and background workers both call these.

/// The conversions every module's error has: a repository error (its `NotFound` is the module's)
/// and a [`Denied`] from the module gate.
macro_rules! gate_errors {
    ($error:ident) => {
        impl From<persistence::RepoError> for $error {
            fn from(err: persistence::RepoError) -> Self {
                match err {
                    persistence::RepoError::NotFound => $error::NotFound,
                    other => $error::Repo(other),
                }
            }
        }

        impl From<$crate::services::Denied> for $error {
            fn from(denied: $crate::services::Denied) -> Self {
                match denied {
                    $crate::services::Denied::NotFound => $error::NotFound,
                    $crate::services::Denied::Forbidden => $error::Forbidden,
                    $crate::services::Denied::Repo(err) => $error::Repo(err),
                }
            }
        }
    };
}

pub mod absence;
pub mod breach;
pub mod calendar;
pub mod change_requests;
pub mod consent;
pub mod disclosures;
pub mod erasure;
pub mod export;
pub mod forms;
pub mod leave;
pub mod news;
pub mod notify;
pub mod planner;
pub mod retention;
pub mod sync;
pub mod webhooks;

use domain::actor::Actor;
use domain::modules::{Capacity, Module};
use domain::policy::SchoolAction;
use persistence::modules::ModuleSchool;
use persistence::schools;
use persistence::{AnyConnection, RepoError, modules};

use crate::audit::{Audit, Object};

pub use persistence::schools::school_ref;

/// Why a module's school is not the caller's to act in.
#[derive(Debug, thiserror::Error)]
pub enum Denied {
    /// Out of the caller's scope, or the module is off for them there: it does not exist (404).
    #[error("not found")]
    NotFound,
    /// Visible, but the action is not the caller's (403, recorded in the audit log).
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Repo(RepoError),
}

impl From<Denied> for crate::error::ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotFound => crate::error::ApiError::NotFound,
            Denied::Forbidden => crate::error::ApiError::Forbidden,
            Denied::Repo(err) => err.into(),
        }
    }
}

impl From<RepoError> for Denied {
    fn from(err: RepoError) -> Self {
        match err {
            RepoError::NotFound => Denied::NotFound,
            other => Denied::Repo(other),
        }
    }
}

/// The school the caller acts in for a module: in the caller's scope (404 otherwise), the module
/// switched on there for one of the caller's audiences (404 otherwise: a module the school
/// switched off does not exist for them, seed 004), and, when given, the action allowed (403
/// otherwise, recorded). Every service of a module obtains its school through this.
pub fn module_school(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    module: Module,
    action: Option<SchoolAction>,
) -> Result<ModuleSchool, Denied> {
    let school = schools::find_visible(conn, &actor.school_scope(), id)?;
    let gated = modules::gate(conn, school, module, actor)?;
    allowed(conn, audit, id, gated, actor, action)
}

/// [`module_school`] for a caller acting in one capacity: the module must be on for them as staff,
/// or as a guardian, whichever the action is (a teacher who is a parent is gated per capacity).
pub fn module_school_as(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    module: Module,
    capacity: Capacity,
    action: Option<SchoolAction>,
) -> Result<ModuleSchool, Denied> {
    let school = schools::find_visible(conn, &actor.school_scope(), id)?;
    let gated = modules::gate_as(conn, school.clone(), module, actor, capacity)?;
    if gated.is_none()
        && let Some(action) = action
        && modules::gate(conn, school, module, actor)?.is_some()
    {
        // The module exists for them (in their other capacity), but this is not theirs to do.
        record_forbidden(conn, audit, id, action)?;
        return Err(Denied::Forbidden);
    }
    allowed(conn, audit, id, gated, actor, action)
}

/// The gated school, if the action (when given) is the caller's there (403 recorded otherwise).
fn allowed(
    conn: &mut AnyConnection,
    audit: &Audit,
    id: &str,
    gated: Option<ModuleSchool>,
    actor: &Actor,
    action: Option<SchoolAction>,
) -> Result<ModuleSchool, Denied> {
    let school = gated.ok_or(Denied::NotFound)?;
    let at = school_ref(school.row());
    match action {
        Some(action) if !actor.may(action, at) => {
            record_forbidden(conn, audit, id, action)?;
            Err(Denied::Forbidden)
        }
        _ => Ok(school),
    }
}

/// Records a refused action at a school.
fn record_forbidden(
    conn: &mut AnyConnection,
    audit: &Audit,
    id: &str,
    action: SchoolAction,
) -> Result<(), RepoError> {
    let object = Object {
        kind: "school",
        id: Some(id),
        school_id: Some(id),
    };
    audit.record(conn, action.as_str(), object, "forbidden")
}

/// A school the caller may take `action` at, for what belongs to no module (notification
/// settings, say): in the caller's scope (404 otherwise), the action theirs (403, recorded).
pub fn school_as(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    action: SchoolAction,
) -> Result<schools::VisibleSchool, Denied> {
    let school = schools::find_visible(conn, &actor.school_scope(), id)?;
    if actor.may(action, school_ref(school.row())) {
        Ok(school)
    } else {
        record_forbidden(conn, audit, id, action)?;
        Err(Denied::Forbidden)
    }
}
