//! A school's absence settings; without a row, the defaults.

use chrono::{NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use domain::absence::{AbsenceSettings, DEFAULT_CUTOFF};

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::schema::school_absence_settings;

/// The settings of a school as stored, or the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub absence: AbsenceSettings,
    /// Guardians are told when their child is registered absent without a report.
    pub notify_unreported: bool,
    /// Holiday leave is requested at least this many weeks ahead.
    pub leave_notice_weeks: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            absence: AbsenceSettings {
                cutoff: DEFAULT_CUTOFF,
            },
            notify_unreported: false,
            leave_notice_weeks: domain::leave::LeaveSettings::default().advance_weeks,
        }
    }
}

pub fn get(conn: &mut AnyConnection, school_id: &str) -> Result<Settings, RepoError> {
    let row: Option<(String, bool, i32)> = school_absence_settings::table
        .filter(school_absence_settings::school_id.eq(school_id))
        .select((
            school_absence_settings::report_cutoff,
            school_absence_settings::notify_unreported,
            school_absence_settings::leave_notice_weeks,
        ))
        .get_result(conn)
        .optional()?;
    let Some((cutoff, notify_unreported, weeks)) = row else {
        return Ok(Settings::default());
    };
    let cutoff = NaiveTime::parse_from_str(&cutoff, "%H:%M").map_err(|_| {
        RepoError::Corrupt(format!(
            "school_absence_settings.report_cutoff = {cutoff:?}"
        ))
    })?;
    let leave_notice_weeks = u32::try_from(weeks).map_err(|_| {
        RepoError::Corrupt(format!(
            "school_absence_settings.leave_notice_weeks = {weeks}"
        ))
    })?;
    Ok(Settings {
        absence: AbsenceSettings { cutoff },
        notify_unreported,
        leave_notice_weeks,
    })
}

pub fn put(
    conn: &mut AnyConnection,
    school_id: &str,
    settings: &Settings,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let values = (
        school_absence_settings::school_id.eq(school_id),
        school_absence_settings::report_cutoff.eq(settings
            .absence
            .cutoff
            .format("%H:%M")
            .to_string()),
        school_absence_settings::notify_unreported.eq(settings.notify_unreported),
        school_absence_settings::leave_notice_weeks
            .eq(i32::try_from(settings.leave_notice_weeks).unwrap_or(i32::MAX)),
        school_absence_settings::updated_at.eq(now),
    );
    on_backend!(conn, c => diesel::insert_into(school_absence_settings::table)
        .values(values.clone())
        .on_conflict(school_absence_settings::school_id)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}
