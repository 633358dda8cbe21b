//! A school's notification settings (its admins; its staff and guardians read them) and a
//! person's own choices: their e-mail preference and their opt-ins (seed 004).

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::notify::{OptIn, Preference, SchoolSettings};
use domain::policy::SchoolAction;
use persistence::{AnyConnection, RepoError, notify, transaction};

use crate::audit::{Audit, Object};
use crate::error::ApiError;
use crate::services::school_as;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(NotifyError);

impl From<NotifyError> for ApiError {
    fn from(err: NotifyError) -> Self {
        match err {
            NotifyError::NotFound => ApiError::NotFound,
            NotifyError::Forbidden => ApiError::Forbidden,
            NotifyError::Repo(err) => ApiError::from(err),
        }
    }
}

/// A person's own choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    pub email: Preference,
    pub grades: bool,
}

fn object(school_id: &str) -> Object<'_> {
    Object {
        kind: "notification_settings",
        id: Some(school_id),
        school_id: Some(school_id),
    }
}

/// A school's settings, for anyone who sees the school.
pub fn school_settings(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<SchoolSettings, NotifyError> {
    let school = school_as(conn, actor, audit, school_id, SchoolAction::ReadSchool)?;
    Ok(notify::school_settings(conn, school.id())?)
}

/// Whether the caller may replace the school's settings, checked before the body is read.
pub fn may_manage(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<(), NotifyError> {
    school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    Ok(())
}

/// Replaces a school's settings: its admins and its board's admins.
pub fn put_school_settings(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    settings: SchoolSettings,
    now: NaiveDateTime,
) -> Result<SchoolSettings, NotifyError> {
    let school = school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    transaction(conn, |conn| {
        notify::put_school_settings(conn, &school, &settings, now)?;
        audit.record(conn, "update", object(school.id()), "ok")?;
        Ok::<_, NotifyError>(())
    })?;
    Ok(settings)
}

/// The caller's own choices (the defaults until they set any).
pub fn choices(conn: &mut AnyConnection, actor: &Actor) -> Result<Choices, NotifyError> {
    let account = [actor.account_id.to_string()];
    let email = notify::preferences_of(conn, &account)?
        .remove(&account[0])
        .unwrap_or_default();
    let grades = notify::opt_ins_of(conn, &account, OptIn::Grades)?.contains(&account[0]);
    Ok(Choices { email, grades })
}

/// Sets the caller's own choices.
pub fn put_choices(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    choices: Choices,
    now: NaiveDateTime,
) -> Result<Choices, NotifyError> {
    let account = actor.account_id.to_string();
    transaction(conn, |conn| {
        notify::put_preference(conn, &account, choices.email, now)?;
        notify::opt_in(conn, &account, OptIn::Grades, choices.grades, now)?;
        let own = Object {
            kind: "notification_preferences",
            id: Some(&account),
            school_id: None,
        };
        audit.record(conn, "update", own, "ok")?;
        Ok::<_, NotifyError>(())
    })?;
    Ok(choices)
}
