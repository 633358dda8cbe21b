//! Breach reports (issue #14 item 7): for a school's admins and its board's admins, whose personal
//! data was read or changed in a window and by whom, from the audit log, to assess a data breach
//! and report it to the Autoriteit Persoonsgegevens within 72 hours (seed 002 §4). Running one is
//! itself recorded, without what was asked.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::breach::{BREACH_REPORT, Window};
use domain::policy::SchoolAction;
use persistence::breach::{self, BreachRows, Question};
use persistence::schools::VisibleSchool;
use persistence::{AnyConnection, RepoError, transaction};

use super::school_as;
use crate::audit::{Audit, Object};
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum BreachError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(BreachError);

impl From<BreachError> for ApiError {
    fn from(err: BreachError) -> Self {
        match err {
            BreachError::NotFound => ApiError::NotFound,
            BreachError::Forbidden => ApiError::Forbidden,
            BreachError::Repo(err) => ApiError::from(err),
        }
    }
}

/// What an admin asks: a window, and optionally the objects and the accounts (or integration
/// clients) to look at. Ids are already parsed; the window is checked.
#[derive(Debug, Clone)]
pub struct Ask {
    pub window: Window,
    pub object_ids: Vec<String>,
    pub actor_ids: Vec<String>,
}

/// The school whose audit log the caller may read: out of their scope 404, not theirs 403
/// (recorded). Called before the request's body is read.
pub fn may_report(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<VisibleSchool, BreachError> {
    Ok(school_as(
        conn,
        actor,
        audit,
        school_id,
        SchoolAction::ReadAuditLog,
    )?)
}

/// Computes the report in one transaction (one consistent view of the log), then records that it
/// was run. The caller has the audit writer's queue flushed first, so recent reads are counted.
pub fn report(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    ask: &Ask,
) -> Result<BreachRows, BreachError> {
    transaction(conn, |conn| {
        let school = may_report(conn, actor, audit, school_id)?;
        let question = Question {
            school: &school,
            from: naive(ask.window.from()),
            until: naive(ask.window.until()),
            object_ids: &ask.object_ids,
            actor_ids: &ask.actor_ids,
        };
        let rows = breach::report(conn, &question)?;
        // The ids asked about stay out of the log: the event says only that the school's log was
        // searched, and by whom.
        let object = Object {
            kind: "school",
            id: Some(school.id()),
            school_id: Some(school.id()),
        };
        audit.record(conn, BREACH_REPORT, object, "ok")?;
        Ok(rows)
    })
}

fn naive(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.naive_utc()
}
