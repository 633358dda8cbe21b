//! One school's purge, the nightly run over every school, and the admin's requests.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::actor::Actor;
use domain::policy::SchoolAction;
use domain::retention::{Category, Settings, check_cutoff, expired_through, purge_through};
use domain::schedule::school_date;
use persistence::page::Page;
use persistence::retention as store;
use persistence::{AnyConnection, RepoError};

use super::settings::of_school;
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};
use crate::services::erasure::{remove_guardian, remove_pupil};
use crate::services::school_as;

/// The lease's name, and how long one run may hold it before another instance may take over.
const LEASE: &str = "retention";
const LEASE_MINUTES: i64 = 60;
/// Where a run stops when the school's settings cannot be read.
const SETTINGS: &str = "settings";

/// What an admin asks: a dry run (count only), and an early cutoff for leavers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunRequest {
    pub dry_run: bool,
    /// Pupils who left, and guardians whose last child left, before this day go now.
    pub cutoff: Option<NaiveDate>,
}

/// A run with its counts per category.
pub type RunView = store::RunWithCounts;

/// Runs one category at the school: how many records went (or would go, `dry`).
fn sweep(
    conn: &mut AnyConnection,
    school_id: &str,
    category: Category,
    through: NaiveDate,
    dry: bool,
    now: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let ids = |conn: &mut AnyConnection| -> Result<Vec<String>, RepoError> {
        Ok(store::leavers(conn, school_id, through)?
            .into_iter()
            .map(|p| p.id)
            .collect())
    };
    Ok(match category {
        Category::PupilFile => {
            let leavers = ids(conn)?;
            store::pupil_file(conn, &leavers, dry)?
        }
        Category::AbsenceAndLeave => {
            let leavers = ids(conn)?;
            store::absence_and_leave(conn, &leavers, dry)?
        }
        Category::Enrolment => {
            let leavers = store::leavers(conn, school_id, through)?;
            if !dry {
                for pupil in &leavers {
                    remove_pupil(conn, pupil, now)?;
                }
            }
            i64::try_from(leavers.len()).unwrap_or(i64::MAX)
        }
        Category::GuardianAccount => {
            let expired = store::expired_guardians(conn, school_id, through)?;
            if !dry {
                for guardian in &expired {
                    remove_guardian(conn, guardian, now)?;
                }
            }
            i64::try_from(expired.len()).unwrap_or(i64::MAX)
        }
        Category::Staff => {
            let expired = store::expired_staff(conn, school_id, through)?;
            if !dry {
                for member in &expired {
                    store::remove_staff(conn, member)?;
                }
            }
            i64::try_from(expired.len()).unwrap_or(i64::MAX)
        }
        Category::PortalContent => store::portal_content(conn, school_id, through, dry)?,
        Category::AuditLog => store::audit_log(conn, Some(school_id), through, dry)?,
        // The portal keeps no complaint files and no fiscal staff data: nothing to remove.
        Category::Complaints | Category::StaffFiscal => 0,
    })
}

/// The order categories run in: the pupil file and absences before the pupil record they hang
/// on, guardians after their children.
const ORDER: [Category; 7] = [
    Category::PupilFile,
    Category::AbsenceAndLeave,
    Category::Enrolment,
    Category::GuardianAccount,
    Category::Staff,
    Category::PortalContent,
    Category::AuditLog,
];

/// Runs the purge at one school under its settings and logs it; a category that fails ends the run
/// as failed there (what went before it stays gone and is counted). Settings that cannot be read
/// fail the run before anything goes (`failed_category` "settings"): never a purge on defaults the
/// school may have shortened, and the nightly run goes on with the next school.
fn purge_school(
    conn: &mut AnyConnection,
    school_id: &str,
    request: RunRequest,
    kind: &str,
    requested_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let today = school_date(now);
    let run = store::start_run(
        conn,
        Some(school_id),
        kind,
        today,
        request.cutoff,
        requested_by,
        now.naive_utc(),
    )?;
    let settings = match of_school(conn, school_id) {
        Ok(settings) => settings,
        Err(err) => {
            log::error!("retention settings of a school unreadable: {err}");
            store::finish_run(conn, &run, Some(SETTINGS), now.naive_utc())?;
            return Ok(run);
        }
    };
    for category in ORDER {
        let through = purge_through(category, &settings, today, request.cutoff)
            .map_err(|invalid| ApiError::Internal(invalid.message));
        let swept = match through {
            Ok(None) => Ok(0),
            Ok(Some(through)) => sweep(conn, school_id, category, through, request.dry_run, now),
            Err(err) => Err(err),
        };
        match swept {
            Ok(n) => store::record_count(conn, &run, category.as_str(), n)?,
            Err(err) => {
                log::error!("retention purge failed at {}: {err}", category.as_str());
                store::finish_run(conn, &run, Some(category.as_str()), now.naive_utc())?;
                return Ok(run);
            }
        }
    }
    store::finish_run(conn, &run, None, now.naive_utc())?;
    Ok(run)
}

/// The nightly purge over every school, on the one instance that takes the lease; false when
/// another holds it. Audit events of no school (logins, operator actions) go in a run of its own,
/// under the default term: no school's setting applies to them.
pub fn run_scheduled(
    conn: &mut AnyConnection,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let until = now + Duration::minutes(LEASE_MINUTES);
    if !store::take_lease(conn, LEASE, owner, now.naive_utc(), until.naive_utc())? {
        return Ok(false);
    }
    let scheduled = RunRequest {
        dry_run: false,
        cutoff: None,
    };
    for school in store::all_schools(conn)? {
        purge_school(conn, &school, scheduled, "scheduled", None, now)?;
    }
    let today = school_date(now);
    if let Ok(Some(through)) = expired_through(Category::AuditLog, &Settings::default(), today) {
        let run = store::start_run(conn, None, "scheduled", today, None, None, now.naive_utc())?;
        let n = store::audit_log(conn, None, through, false)?;
        store::record_count(conn, &run, Category::AuditLog.as_str(), n)?;
        store::finish_run(conn, &run, None, now.naive_utc())?;
    }
    store::release_lease(conn, LEASE, owner)?;
    Ok(true)
}

/// Whether the caller manages the school's retention, its runs and its settings (checked before a
/// body is read): the school admin and the board's admins; 404 out of scope, 403 recorded.
pub fn may_manage(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<(), ApiError> {
    school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    Ok(())
}

/// A school admin's (or the board admin's) run: a dry run, or a purge now, with an optional
/// early cutoff for leavers that must lie in an ended school year (422 naming `cutoff`).
pub fn request_run(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    request: RunRequest,
    now: DateTime<Utc>,
) -> Result<RunView, ApiError> {
    let school = school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    if let Some(cutoff) = request.cutoff {
        check_cutoff(cutoff, school_date(now)).map_err(|invalid| {
            ApiError::Validation(vec![FieldError::new(
                "cutoff",
                invalid.code,
                invalid.message,
            )])
        })?;
    }
    let kind = if request.dry_run { "dry_run" } else { "manual" };
    let account = actor.account_id.to_string();
    let run = purge_school(conn, school.id(), request, kind, Some(&account), now)?;
    let object = Object {
        kind: "retention_run",
        id: Some(&run),
        school_id: Some(school.id()),
    };
    audit.record(conn, kind, object, "ok")?;
    Ok(store::find_run(conn, &run)?)
}

/// The school's run log, newest first.
pub fn runs(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<RunView>, ApiError> {
    let school = school_as(conn, actor, audit, school_id, SchoolAction::ManageSchool)?;
    Ok(store::list_runs(conn, school.id(), before, limit)?)
}
