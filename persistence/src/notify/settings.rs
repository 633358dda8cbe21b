//! The schools' notification settings and the people's choices. No row means the default: the
//! 17:00–07:00 quiet hours and 16:00 overview of a school, the daily overview of a person (seed
//! 003). A stored value this version cannot read is an error, never quietly the default.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use domain::notify::{EmailContent, OptIn, PersonChoice, Preference, QuietHours, SchoolSettings};

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::schema::{notification_opt_ins, notification_preferences, school_notification_settings};
use crate::schools::VisibleSchool;

/// The only channel with a preference today; the inbox and the live stream always carry everything.
const EMAIL: &str = "email";

fn corrupt(column: &str, value: &str) -> RepoError {
    RepoError::Corrupt(format!("{column} = {value:?}"))
}

fn time(column: &str, value: &str) -> Result<NaiveTime, RepoError> {
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| corrupt(column, value))
}

fn hhmm(at: NaiveTime) -> String {
    at.format("%H:%M").to_string()
}

/// Quiet start and end, overview time, e-mail content, grade notifications: as stored.
type SettingsRow = (Option<String>, Option<String>, String, String, bool);

/// A school's settings (the defaults when it set none).
pub fn school_settings(
    conn: &mut AnyConnection,
    school_id: &str,
) -> Result<SchoolSettings, RepoError> {
    let row: Option<SettingsRow> = school_notification_settings::table
        .filter(school_notification_settings::school_id.eq(school_id))
        .select((
            school_notification_settings::quiet_start,
            school_notification_settings::quiet_end,
            school_notification_settings::digest_time,
            school_notification_settings::email_content,
            school_notification_settings::grade_notifications,
        ))
        .first(conn)
        .optional()?;
    let Some((start, end, digest, content, grades)) = row else {
        return Ok(SchoolSettings::default());
    };
    let quiet_hours = match (start, end) {
        (Some(start), Some(end)) => Some(
            QuietHours::new(time("quiet_start", &start)?, time("quiet_end", &end)?)
                .map_err(|_| corrupt("quiet_hours", &format!("{start}-{end}")))?,
        ),
        (None, None) => None,
        (start, end) => return Err(corrupt("quiet_hours", &format!("{start:?}-{end:?}"))),
    };
    Ok(SchoolSettings {
        quiet_hours,
        digest_time: time("digest_time", &digest)?,
        email_content: EmailContent::parse(&content)
            .ok_or_else(|| corrupt("email_content", &content))?,
        grade_notifications: grades,
    })
}

/// Stores a school's settings (replacing what it had).
pub fn put_school_settings(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    settings: &SchoolSettings,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let values = (
        school_notification_settings::school_id.eq(school.id()),
        school_notification_settings::quiet_start.eq(settings.quiet_hours.map(|q| hhmm(q.start()))),
        school_notification_settings::quiet_end.eq(settings.quiet_hours.map(|q| hhmm(q.end()))),
        school_notification_settings::digest_time.eq(hhmm(settings.digest_time)),
        school_notification_settings::email_content.eq(settings.email_content.as_str()),
        school_notification_settings::grade_notifications.eq(settings.grade_notifications),
        school_notification_settings::updated_at.eq(now),
    );
    on_backend!(conn, c => diesel::insert_into(school_notification_settings::table)
        .values(values.clone())
        .on_conflict(school_notification_settings::school_id)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}

/// The e-mail preferences of these accounts; those without a row are left out (the default).
pub fn preferences_of(
    conn: &mut AnyConnection,
    accounts: &[String],
) -> Result<HashMap<String, Preference>, RepoError> {
    let rows: Vec<(String, String)> = notification_preferences::table
        .filter(notification_preferences::account_id.eq_any(accounts))
        .filter(notification_preferences::channel.eq(EMAIL))
        .select((
            notification_preferences::account_id,
            notification_preferences::preference,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(account, value)| {
            let preference =
                Preference::parse(&value).ok_or_else(|| corrupt("preference", &value))?;
            Ok((account, preference))
        })
        .collect()
}

pub fn put_preference(
    conn: &mut AnyConnection,
    account_id: &str,
    preference: Preference,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let values = (
        notification_preferences::account_id.eq(account_id),
        notification_preferences::channel.eq(EMAIL),
        notification_preferences::preference.eq(preference.as_str()),
        notification_preferences::updated_at.eq(now),
    );
    on_backend!(conn, c => diesel::insert_into(notification_preferences::table)
        .values(values)
        .on_conflict((notification_preferences::account_id, notification_preferences::channel))
        .do_update()
        .set((
            notification_preferences::preference.eq(preference.as_str()),
            notification_preferences::updated_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// Which of these accounts opted in to `topic`.
pub fn opt_ins_of(
    conn: &mut AnyConnection,
    accounts: &[String],
    topic: OptIn,
) -> Result<HashSet<String>, RepoError> {
    Ok(notification_opt_ins::table
        .filter(notification_opt_ins::account_id.eq_any(accounts))
        .filter(notification_opt_ins::topic.eq(topic.as_str()))
        .select(notification_opt_ins::account_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Opts the account in to `topic` (`on`) or out; either twice changes nothing.
pub fn opt_in(
    conn: &mut AnyConnection,
    account_id: &str,
    topic: OptIn,
    on: bool,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    if on {
        let values = (
            notification_opt_ins::account_id.eq(account_id),
            notification_opt_ins::topic.eq(topic.as_str()),
            notification_opt_ins::created_at.eq(now),
        );
        on_backend!(conn, c => diesel::insert_into(notification_opt_ins::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c))?;
    } else {
        diesel::delete(
            notification_opt_ins::table
                .filter(notification_opt_ins::account_id.eq(account_id))
                .filter(notification_opt_ins::topic.eq(topic.as_str())),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Each account's side of an event of a kind that needs `topic` (if any): two queries for any
/// number of accounts.
pub fn choices_of(
    conn: &mut AnyConnection,
    accounts: &[String],
    topic: Option<OptIn>,
) -> Result<HashMap<String, PersonChoice>, RepoError> {
    let preferences = preferences_of(conn, accounts)?;
    let opted = match topic {
        Some(topic) => opt_ins_of(conn, accounts, topic)?,
        None => HashSet::new(),
    };
    Ok(accounts
        .iter()
        .map(|account| {
            let choice = PersonChoice {
                email: preferences.get(account).copied().unwrap_or_default(),
                opted_in: opted.contains(account),
            };
            (account.clone(), choice)
        })
        .collect())
}
