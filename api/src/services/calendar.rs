//! The school calendar (issue #11): read by everyone at the school, set by its admins, exported
//! as iCalendar. Absence hours and leave days are counted on it, so every module that counts
//! obtains its calendars here ([`calendars`]): the stored one, or the default for a year with
//! none stored.
//!
//! The calendar belongs to the absence module: where a school switched absence off, its calendar
//! does not exist either (seed 004).

use chrono::{NaiveDateTime, Utc};
use domain::Invalid;
use domain::actor::Actor;
use domain::calendar::{
    Closure, DEFAULT_REGION, LessonTable, Region, SchoolCalendar, fixed_days_off, ical,
    region_holidays,
};
use domain::change_request::Refusal;
use domain::modules::Module;
use domain::policy::SchoolAction;
use domain::school_year::SchoolYear;
use persistence::calendar::{self, Saved};
use persistence::{AnyConnection, RepoError, transaction};

use super::module_school;
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// Saved on a version that is no longer the stored one.
    #[error("conflict")]
    Stale,
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(CalendarError);

impl From<CalendarError> for ApiError {
    fn from(err: CalendarError) -> Self {
        match err {
            CalendarError::NotFound => ApiError::NotFound,
            CalendarError::Forbidden => ApiError::Forbidden,
            CalendarError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            CalendarError::Stale => ApiError::Conflict(
                "The calendar was changed since the version given; read it again.".to_owned(),
            ),
            CalendarError::Repo(err) => ApiError::from(err),
        }
    }
}

/// A calendar as answered.
#[derive(Debug, Clone)]
pub struct CalendarView {
    pub calendar: SchoolCalendar,
    pub region: Option<Region>,
    /// 0: nothing stored, the default.
    pub version: i32,
    pub updated_at: Option<NaiveDateTime>,
}

/// The default calendar of a year: the default region's vacations and the national days off
/// (the fixed days only for a year whose vacations we do not hold), the default lesson times.
pub fn default_calendar(year: SchoolYear) -> Result<SchoolCalendar, RepoError> {
    let closures = region_holidays(year, DEFAULT_REGION).unwrap_or_else(|| fixed_days_off(year));
    SchoolCalendar::new(year, closures, LessonTable::default()).map_err(|refusals| {
        RepoError::Corrupt(format!(
            "built-in holidays of {}: {refusals:?}",
            year.name()
        ))
    })
}

/// The calendars of a school for `years`, stored or default, in the order of `years`.
pub fn calendars(
    conn: &mut AnyConnection,
    school_id: &str,
    years: &[SchoolYear],
) -> Result<Vec<SchoolCalendar>, RepoError> {
    let mut stored = calendar::by_year(calendar::load(conn, school_id, years)?);
    years
        .iter()
        .map(|year| match stored.remove(year) {
            Some(s) => Ok(s.calendar),
            None => default_calendar(*year),
        })
        .collect()
}

fn view(
    conn: &mut AnyConnection,
    school_id: &str,
    year: SchoolYear,
) -> Result<CalendarView, RepoError> {
    Ok(match calendar::load(conn, school_id, &[year])?.pop() {
        Some(stored) => CalendarView {
            calendar: stored.calendar,
            region: stored.region,
            version: stored.version,
            updated_at: Some(stored.updated_at),
        },
        None => CalendarView {
            calendar: default_calendar(year)?,
            region: None,
            version: 0,
            updated_at: None,
        },
    })
}

/// A school's calendar for a school year: for everyone who may see the school, with absence on
/// for them there.
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    year: SchoolYear,
) -> Result<CalendarView, CalendarError> {
    module_school(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Some(SchoolAction::ReadSchool),
    )?;
    Ok(view(conn, school_id, year)?)
}

/// The calendar as iCalendar (RFC 5545): its holidays and study days as all-day events.
pub fn export(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    year: SchoolYear,
) -> Result<String, CalendarError> {
    let school = module_school(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Some(SchoolAction::ReadSchool),
    )?;
    let view = view(conn, school_id, year)?;
    let name = format!("{} {}", school.row().name, year.name());
    let school_uuid = persistence::ids::uuid(school_id);
    Ok(ical::export(&view.calendar, school_uuid, &name, Utc::now()))
}

fn refused(field: &str, code: &'static str, message: &str) -> CalendarError {
    CalendarError::Refused(vec![Refusal {
        field: field.to_owned(),
        reason: Invalid::new(code, message),
    }])
}

/// The domain names a day off's fields as the calendar holds them (`closures[2].last`); the
/// contract calls them `days_off[2].last_day`.
fn contract_field(mut refusal: Refusal) -> Refusal {
    refusal.field = refusal
        .field
        .replacen("closures", "days_off", 1)
        .replace(".first", ".first_day")
        .replace(".last", ".last_day");
    refusal
}

/// Whether the caller may set the school's calendar (absence on for them, `ManageSchool` theirs:
/// 404 or 403 otherwise), before the body is read.
pub fn may_set(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<(), CalendarError> {
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

/// What an admin sets: the lesson times, and the days off or a region to seed them from.
#[derive(Debug, Clone)]
pub struct SetCalendar {
    pub version: i32,
    pub region: Option<Region>,
    pub lessons: LessonTable,
    /// `None`: the region's holidays (the default region's when none is named).
    pub closures: Option<Vec<Closure>>,
}

/// Replaces the calendar of a school year, made on the version read (0 when the default was read).
pub fn set(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    year: SchoolYear,
    command: SetCalendar,
    now: NaiveDateTime,
) -> Result<CalendarView, CalendarError> {
    may_set(conn, actor, audit, school_id)?;
    let closures = match command.closures {
        Some(closures) => closures,
        None => match region_holidays(year, command.region.unwrap_or(DEFAULT_REGION)) {
            Some(holidays) => holidays,
            None => {
                return Err(refused(
                    "days_off",
                    "region_year_unknown",
                    "the region's vacations of this school year are not known; give the days off",
                ));
            }
        },
    };
    let calendar = SchoolCalendar::new(year, closures, command.lessons).map_err(|refusals| {
        CalendarError::Refused(refusals.into_iter().map(contract_field).collect())
    })?;
    let groups: Vec<String> = calendar
        .lessons()
        .groups
        .keys()
        .map(ToString::to_string)
        .collect();
    if !groups.is_empty()
        && calendar::groups_in_year(conn, school_id, year, &groups)? != groups.len()
    {
        return Err(refused(
            "groups",
            "unknown_group",
            "names a group that is not this school's in this school year",
        ));
    }
    transaction(conn, |conn| {
        match calendar::save(
            conn,
            school_id,
            &calendar,
            command.region,
            command.version,
            now,
        )? {
            Saved::Stale => Err(CalendarError::Stale),
            Saved::Version(_) => {
                let object = Object {
                    kind: "school_calendar",
                    id: Some(school_id),
                    school_id: Some(school_id),
                };
                audit.record(conn, "set_school_calendar", object, "ok")?;
                Ok(view(conn, school_id, year)?)
            }
        }
    })
}
