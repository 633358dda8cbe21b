//! The school's purposes: read by everyone at the school the module is on for, kept by the admin.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::consent::{NewPurpose, PurposeChanges, policy};
use persistence::consent::{self as store, Purpose};
use persistence::{AnyConnection, RepoError, transaction};

use super::{ConsentError, Result, conflict, consent_school, refuse};
use crate::audit::{Audit, Object};
use crate::services::school_ref;

fn school_object(school_id: &str) -> Object<'_> {
    Object {
        kind: "consent_purposes",
        id: Some(school_id),
        school_id: Some(school_id),
    }
}

/// The school's purposes, retired ones included (their history stays readable).
pub fn purposes(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<Vec<Purpose>> {
    let school = consent_school(conn, actor, audit, school_id)?;
    Ok(store::list_purposes(conn, school.id())?)
}

/// Whether the caller keeps the school's purposes (before a body is read): 404 out of reach,
/// 403 (recorded) for anyone but the school admin.
pub fn may_manage_purposes(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<()> {
    let school = consent_school(conn, actor, audit, school_id)?;
    if policy::may_manage_purposes(actor, school_ref(school.row())) {
        Ok(())
    } else {
        Err(refuse(
            conn,
            audit,
            "manage_consent_purposes",
            school_object(school.id()),
        ))
    }
}

/// Adds a purpose of the school's own.
pub fn create_purpose(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    new: &NewPurpose,
    now: DateTime<Utc>,
) -> Result<Purpose> {
    may_manage_purposes(conn, actor, audit, school_id)?;
    transaction(conn, |conn| {
        // The school's row serializes parallel additions, so the bound holds.
        persistence::schools::lock_for_sync(conn, school_id)?;
        let purpose = store::insert_purpose(conn, school_id, new, now).map_err(|e| match e {
            RepoError::Conflict(_) => conflict(&format!(
                "A school keeps at most {} purposes: retire one and change it instead.",
                domain::consent::MAX_PURPOSES
            )),
            other => ConsentError::from(other),
        })?;
        let object = Object {
            kind: "consent_purpose",
            id: Some(&purpose.id),
            school_id: Some(school_id),
        };
        audit.record(conn, "create_consent_purpose", object, "ok")?;
        Ok(purpose)
    })
}

/// Changes or retires a purpose; its decisions and history stay.
pub fn update_purpose(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    purpose_id: &str,
    changes: &PurposeChanges,
    now: DateTime<Utc>,
) -> Result<Purpose> {
    may_manage_purposes(conn, actor, audit, school_id)?;
    transaction(conn, |conn| {
        let purpose = store::find_purpose(conn, school_id, purpose_id)?;
        let purpose = store::update_purpose(conn, &purpose, changes, now)?;
        let object = Object {
            kind: "consent_purpose",
            id: Some(&purpose.id),
            school_id: Some(school_id),
        };
        audit.record(conn, "update_consent_purpose", object, "ok")?;
        Ok(purpose)
    })
}
