//! Erasing a pupil or a guardian (AVG art. 17, issue #14): by the school's admins only (seed 003),
//! in one transaction across every module, keeping only what a retention rule still requires (the
//! audit log's events, which hold ids only). The forms' sign-ups are released through the forms
//! service first, so the waiting lists move up and the counts stay true.
//!
//! The LAS stays leading: a pupil or guardian it still lists comes back, as a new record, at the
//! next sync. Erase after the LAS has removed them.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::policy::SchoolAction;
use persistence::guardians::GuardianRow;
use persistence::pupils::PupilRow;
use persistence::{AnyConnection, erasure, schools, transaction};

use crate::audit::{Audit, Object};
use crate::error::ApiError;
use crate::services::school_ref;

/// Whether the caller may erase people at the school (404 out of scope; 403 recorded).
fn allowed(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    object: Object<'_>,
) -> Result<(), ApiError> {
    let school = schools::find_visible(conn, &actor.school_scope(), school_id)?;
    if actor.may(SchoolAction::DeletePeople, school_ref(school.row())) {
        Ok(())
    } else {
        Err(audit.forbidden(conn, "erase", object))
    }
}

/// Erases a pupil, current or former, of a school the caller administers.
pub fn erase_pupil(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let pupil = erasure::pupil_at(conn, &actor.school_scope(), pupil_id)?;
    let object = Object {
        kind: "pupil",
        id: Some(&pupil.id),
        school_id: Some(&pupil.school_id),
    };
    allowed(conn, actor, audit, &pupil.school_id, object)?;
    transaction(conn, |conn| {
        remove_pupil(conn, &pupil, now)?;
        audit.record(conn, "erase", object, "ok")?;
        Ok::<_, ApiError>(())
    })
}

/// Removes the pupil from every module (their sign-ups released first), in one transaction; for
/// erasure and the retention purge.
pub(crate) fn remove_pupil(
    conn: &mut AnyConnection,
    pupil: &PupilRow,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    transaction(conn, |conn| {
        super::forms::release_pupil(conn, &pupil.id, now)?;
        erasure::erase_pupil(conn, pupil)?;
        Ok::<_, ApiError>(())
    })
}

/// Erases a guardian, active or not, of a school the caller administers; the responses of
/// households that end with them go too, their account when it has no other role.
pub fn erase_guardian(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    guardian_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let guardian = erasure::guardian_at(conn, &actor.school_scope(), guardian_id)?;
    let object = Object {
        kind: "guardian",
        id: Some(&guardian.id),
        school_id: Some(&guardian.school_id),
    };
    allowed(conn, actor, audit, &guardian.school_id, object)?;
    transaction(conn, |conn| {
        remove_guardian(conn, &guardian, now)?;
        audit.record(conn, "erase", object, "ok")?;
        Ok::<_, ApiError>(())
    })
}

/// Removes the guardian from every module, with the responses of households that end with them,
/// in one transaction; for erasure and the retention purge.
pub(crate) fn remove_guardian(
    conn: &mut AnyConnection,
    guardian: &GuardianRow,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    transaction(conn, |conn| {
        for household in erasure::households_of(conn, guardian)? {
            if !erasure::household_continues(conn, guardian, &household)? {
                let key = domain::forms::household_key(&household, &guardian.id);
                super::forms::release_household(conn, &guardian.school_id, &key, now)?;
            }
        }
        erasure::erase_guardian(conn, guardian)?;
        Ok::<_, ApiError>(())
    })
}
