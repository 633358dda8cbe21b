//! The decision record of a request for the school's file (dossier): what was asked, what the
//! rules said, who decided what and when.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::leave::policy;
use persistence::AnyConnection;
use persistence::leave::{self as leave, StoredLeave};

use super::{Result, forbidden, request_object, visible};
use crate::audit::Audit;
use crate::services::school_ref;

/// Who took a decision, as the record names them.
#[derive(Debug, Clone)]
pub struct DecidedBy {
    pub name: String,
    /// Their roles at the school (`director`, `school_admin`); empty for a guardian.
    pub roles: Vec<String>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub request: StoredLeave,
    pub pupil_name: String,
    pub decision: Option<DecidedBy>,
    pub officer_decision: Option<DecidedBy>,
}

fn decided_by(
    conn: &mut AnyConnection,
    school_id: &str,
    by: Option<&str>,
    at: Option<NaiveDateTime>,
) -> Result<Option<DecidedBy>> {
    let (Some(by), Some(at)) = (by, at) else {
        return Ok(None);
    };
    let (name, roles) = leave::person_name(conn, school_id, by)?
        .unwrap_or_else(|| ("(no staff member)".to_owned(), Vec::new()));
    Ok(Some(DecidedBy { name, roles, at }))
}

/// The record, for the director and the school admin (who keep the school's file; others who may
/// read the request get 403, recorded). Its read is recorded.
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
) -> Result<DecisionRecord> {
    let (request, pupil) = visible(conn, actor, audit, id)?;
    if !policy::may_record_officer_decision(actor, school_ref(pupil.school.row())) {
        return Err(forbidden(
            conn,
            audit,
            "read_leave_decision_record",
            &request,
        )?);
    }
    audit.read(conn, request_object(&request))?;
    let school = request.school_id.clone();
    let decision = decided_by(
        conn,
        &school,
        request.decided_by.as_deref(),
        request.decided_at,
    )?;
    let officer_decision = decided_by(
        conn,
        &school,
        request.officer_recorded_by.as_deref(),
        request.officer_recorded_at,
    )?;
    Ok(DecisionRecord {
        pupil_name: pupil.name(),
        request,
        decision,
        officer_decision,
    })
}
