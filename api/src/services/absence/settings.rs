//! A school's absence settings (SPEC §12: school defaults an admin changes): the same-day
//! cut-off (08:00, seed 003) and how many weeks ahead holiday leave is requested (8).

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::modules::Module;
use domain::policy::SchoolAction;
use persistence::AnyConnection;
use persistence::absence::settings::{self as store, Settings};

use super::{AbsenceError, object};
use crate::audit::Audit;
use crate::services::module_school;

/// For everyone at the school (guardians see until when a same-day report is on time).
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<Settings, AbsenceError> {
    module_school(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Some(SchoolAction::ReadSchool),
    )?;
    Ok(store::get(conn, school_id)?)
}

/// Whether the caller may change the settings (before the body is read).
pub fn may_set(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<(), AbsenceError> {
    module_school(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Some(SchoolAction::ManageSchool),
    )?;
    Ok(())
}

pub fn set(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    settings: Settings,
    now: NaiveDateTime,
) -> Result<Settings, AbsenceError> {
    may_set(conn, actor, audit, school_id)?;
    persistence::transaction(conn, |conn| {
        store::put(conn, school_id, &settings, now)?;
        audit.record(
            conn,
            "set_absence_settings",
            object("school", school_id, school_id),
            "ok",
        )?;
        Ok::<_, AbsenceError>(())
    })?;
    Ok(store::get(conn, school_id)?)
}
