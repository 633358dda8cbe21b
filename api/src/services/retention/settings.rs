//! A school's retention settings (SPEC §12): its admins, and the board's, read them and shorten
//! terms (never lengthen: `domain::retention::assess`); each change goes in the audit log. The
//! purge reads them per school.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::policy::SchoolAction;
use domain::retention::{Category, Setting, Settings, assess};
use persistence::retention as store;
use persistence::{AnyConnection, RepoError, transaction};

use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};
use crate::services::school_as;

/// The settings the purge applies at the school: its own, or the defaults while it set none. A
/// stored value the rules refuse is an error, so a purge never runs on a guess.
pub(super) fn of_school(conn: &mut AnyConnection, school_id: &str) -> Result<Settings, RepoError> {
    Ok(store::settings(conn, school_id)?.unwrap_or_default())
}

/// The school's settings, for its admins and the board's.
pub fn settings(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<Settings, ApiError> {
    let school = school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    Ok(of_school(conn, school.id())?)
}

/// Replaces the school's settings: portal content kept `portal_content_years`, and each of
/// `shortened` for its months (any other category at its maximum). A refused value is a 422
/// naming it (`portal_content_years`, `terms.<category>`), and nothing changes.
pub fn put_settings(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    portal_content_years: u32,
    shortened: &[(Category, u32)],
    now: NaiveDateTime,
) -> Result<Settings, ApiError> {
    let school = school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    let settings = assess(portal_content_years, shortened).map_err(|refusals| {
        ApiError::Validation(
            refusals
                .into_iter()
                .map(|(setting, invalid)| {
                    let field = match setting {
                        Setting::PortalContentYears => "portal_content_years".to_owned(),
                        Setting::Term(category) => format!("terms.{}", category.as_str()),
                    };
                    FieldError::new(field, invalid.code, invalid.message)
                })
                .collect(),
        )
    })?;
    let account = actor.account_id.to_string();
    transaction(conn, |conn| {
        store::put_settings(conn, school.id(), &settings, &account, now)?;
        let object = Object {
            kind: "retention_settings",
            id: Some(school.id()),
            school_id: Some(school.id()),
        };
        audit.record(conn, "update", object, "ok")?;
        Ok::<_, ApiError>(())
    })?;
    Ok(settings)
}
