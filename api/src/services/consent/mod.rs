//! Consent and sharing (issue #14, SPEC §10, seeds 001 and 002): the school's purposes, the
//! guardians' decisions with their history, and the reads consent governs (medical notes and the
//! class contact list).
//!
//! Each function reaches the pupil, guardian or group through the caller's scope and the school
//! through the module gate (`consent`; 404 when off for them), checks `domain::consent::policy`
//! (403, recorded), owns its transaction and records its audit event.

mod decisions;
mod purposes;
mod sharing;
mod subject;

use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::Module;
use persistence::modules::ModuleSchool;
use persistence::{AnyConnection, RepoError};

pub use decisions::{Standing, consents, decide, history, may_decide, purpose_standings};
pub use purposes::{create_purpose, may_manage_purposes, purposes, update_purpose};
pub use sharing::{
    delete_medical_note, group_contacts, group_medical_notes, may_write_medical_note, medical_note,
    set_medical_note,
};
pub use subject::SubjectKey;

use super::module_school;
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// Out of reach, or the module is off for the caller: it does not exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Fields out of bounds: nothing stored.
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// Not possible (a retired purpose, one the LAS maintains); the message says why.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(ConsentError);

impl From<ConsentError> for ApiError {
    fn from(err: ConsentError) -> Self {
        match err {
            ConsentError::NotFound => ApiError::NotFound,
            ConsentError::Forbidden => ApiError::Forbidden,
            ConsentError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            ConsentError::Conflict(message) => ApiError::Conflict(message),
            ConsentError::Repo(err) => ApiError::from(err),
        }
    }
}

type Result<T, E = ConsentError> = std::result::Result<T, E>;

/// The school with the consent module on for the caller (404 otherwise).
fn consent_school(
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
        Module::Consent,
        None,
    )?)
}

/// Records a refusal; the error to answer with (403, or the failure to record it).
fn refuse(
    conn: &mut AnyConnection,
    audit: &Audit,
    action: &str,
    object: Object<'_>,
) -> ConsentError {
    match audit.record(conn, action, object, "forbidden") {
        Ok(()) => ConsentError::Forbidden,
        Err(err) => ConsentError::from(err),
    }
}

fn conflict(message: &str) -> ConsentError {
    ConsentError::Conflict(message.to_owned())
}
