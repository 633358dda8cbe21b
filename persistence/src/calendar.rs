//! A school's calendar per school year in the database: the lesson times (school default and the
//! groups that differ) and the days off. What is stored is read back into the domain's
//! [`SchoolCalendar`]; a value this version cannot read is an error, never a default. A school year
//! with nothing stored has no row: the service answers the default calendar then.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::calendar::{Closure, ClosureKind, LessonTable, Region, SchoolCalendar, WeekMinutes};
use domain::school_year::SchoolYear;

use crate::connection::{AnyConnection, batch_insert, on_backend};
use crate::error::RepoError;
use crate::ids::uuid;
use crate::schema::{school_calendar_groups, school_calendars, school_days_off};

/// A calendar as stored, with what the calendar itself does not hold.
#[derive(Debug, Clone)]
pub struct StoredCalendar {
    pub calendar: SchoolCalendar,
    /// The holiday region its vacations were seeded from, when one was named.
    pub region: Option<Region>,
    /// Raised by every save; a save names the version it was made on (no lost update).
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

/// Minutes per weekday, Monday first, as stored: `330,330,225,330,330,0,0`.
pub fn write_minutes(minutes: &WeekMinutes) -> String {
    minutes
        .0
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn read_minutes(column: &str, value: &str) -> Result<WeekMinutes, RepoError> {
    let corrupt = || RepoError::Corrupt(format!("{column} = {value:?}"));
    let days: Vec<u32> = value
        .split(',')
        .map(|d| d.parse().map_err(|_| corrupt()))
        .collect::<Result<_, _>>()?;
    let days: [u32; 7] = days.try_into().map_err(|_| corrupt())?;
    WeekMinutes::new(days).ok_or_else(corrupt)
}

/// The calendars of `school_id` for the school years that have one stored, in three statements
/// for any number of years.
pub fn load(
    conn: &mut AnyConnection,
    school_id: &str,
    years: &[SchoolYear],
) -> Result<Vec<StoredCalendar>, RepoError> {
    let starts: Vec<i32> = years.iter().map(|y| y.start_year).collect();
    let heads: Vec<(i32, Option<String>, String, i32, NaiveDateTime)> = school_calendars::table
        .filter(school_calendars::school_id.eq(school_id))
        .filter(school_calendars::start_year.eq_any(&starts))
        .select((
            school_calendars::start_year,
            school_calendars::region,
            school_calendars::lesson_minutes,
            school_calendars::version,
            school_calendars::updated_at,
        ))
        .load(conn)?;
    if heads.is_empty() {
        return Ok(Vec::new());
    }
    let groups: Vec<(i32, String, String)> = school_calendar_groups::table
        .filter(school_calendar_groups::school_id.eq(school_id))
        .filter(school_calendar_groups::start_year.eq_any(&starts))
        .select((
            school_calendar_groups::start_year,
            school_calendar_groups::group_id,
            school_calendar_groups::lesson_minutes,
        ))
        .load(conn)?;
    let days_off: Vec<(i32, String, String, NaiveDate, NaiveDate)> = school_days_off::table
        .filter(school_days_off::school_id.eq(school_id))
        .filter(school_days_off::start_year.eq_any(&starts))
        .order((school_days_off::start_year, school_days_off::position))
        .select((
            school_days_off::start_year,
            school_days_off::kind,
            school_days_off::name,
            school_days_off::first_day,
            school_days_off::last_day,
        ))
        .load(conn)?;
    heads
        .into_iter()
        .map(|(start_year, region, minutes, version, updated_at)| {
            let year = SchoolYear { start_year };
            let mut lessons =
                LessonTable::new(read_minutes("school_calendars.lesson_minutes", &minutes)?);
            for (_, group, minutes) in groups.iter().filter(|g| g.0 == start_year) {
                let minutes = read_minutes("school_calendar_groups.lesson_minutes", minutes)?;
                lessons = lessons.with_group(uuid(group), minutes);
            }
            let closures = days_off
                .iter()
                .filter(|d| d.0 == start_year)
                .map(|(_, kind, name, first, last)| {
                    let kind = ClosureKind::parse(kind).ok_or_else(|| {
                        RepoError::Corrupt(format!("school_days_off.kind = {kind:?}"))
                    })?;
                    Ok(Closure {
                        kind,
                        name: name.clone(),
                        first: *first,
                        last: *last,
                    })
                })
                .collect::<Result<Vec<_>, RepoError>>()?;
            let calendar = SchoolCalendar::new(year, closures, lessons).map_err(|refusals| {
                RepoError::Corrupt(format!("school calendar {start_year}: {refusals:?}"))
            })?;
            let region = region
                .map(|r| {
                    Region::parse(&r).ok_or_else(|| {
                        RepoError::Corrupt(format!("school_calendars.region = {r:?}"))
                    })
                })
                .transpose()?;
            Ok(StoredCalendar {
                calendar,
                region,
                version,
                updated_at,
            })
        })
        .collect()
}

/// The outcome of a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Stored; the calendar's new version.
    Version(i32),
    /// The stored version is not the one the save was made on: nothing changed.
    Stale,
}

/// Replaces the calendar of `school_id` for its school year, made on `version` (0: none was stored
/// yet). Run inside a transaction: the head's guarded write decides, the rest follows it.
pub fn save(
    conn: &mut AnyConnection,
    school_id: &str,
    calendar: &SchoolCalendar,
    region: Option<Region>,
    version: i32,
    now: NaiveDateTime,
) -> Result<Saved, RepoError> {
    let start_year = calendar.year().start_year;
    let minutes = write_minutes(&calendar.lessons().default);
    let region = region.map(|r| r.as_str().to_owned());
    let written = if version == 0 {
        // A first save: the primary key lets one of two parallel first saves in.
        let inserted = on_backend!(conn, c => diesel::insert_into(school_calendars::table)
            .values((
                school_calendars::school_id.eq(school_id),
                school_calendars::start_year.eq(start_year),
                school_calendars::region.eq(&region),
                school_calendars::lesson_minutes.eq(&minutes),
                school_calendars::version.eq(1),
                school_calendars::updated_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        inserted == 1
    } else {
        diesel::update(
            school_calendars::table
                .filter(school_calendars::school_id.eq(school_id))
                .filter(school_calendars::start_year.eq(start_year))
                .filter(school_calendars::version.eq(version)),
        )
        .set((
            school_calendars::region.eq(&region),
            school_calendars::lesson_minutes.eq(&minutes),
            school_calendars::version.eq(version + 1),
            school_calendars::updated_at.eq(now),
        ))
        .execute(conn)?
            == 1
    };
    if !written {
        return Ok(Saved::Stale);
    }
    diesel::delete(
        school_calendar_groups::table
            .filter(school_calendar_groups::school_id.eq(school_id))
            .filter(school_calendar_groups::start_year.eq(start_year)),
    )
    .execute(conn)?;
    diesel::delete(
        school_days_off::table
            .filter(school_days_off::school_id.eq(school_id))
            .filter(school_days_off::start_year.eq(start_year)),
    )
    .execute(conn)?;
    let groups: Vec<_> = calendar
        .lessons()
        .groups
        .iter()
        .map(|(group, minutes)| {
            (
                school_calendar_groups::school_id.eq(school_id),
                school_calendar_groups::start_year.eq(start_year),
                school_calendar_groups::group_id.eq(group.to_string()),
                school_calendar_groups::lesson_minutes.eq(write_minutes(minutes)),
            )
        })
        .collect();
    if !groups.is_empty() {
        batch_insert!(conn, school_calendar_groups::table, &groups)?;
    }
    let days: Vec<_> = calendar
        .closures()
        .iter()
        .zip(0..)
        .map(|(closure, position): (&Closure, i32)| {
            (
                school_days_off::school_id.eq(school_id),
                school_days_off::start_year.eq(start_year),
                school_days_off::position.eq(position),
                school_days_off::kind.eq(closure.kind.as_str()),
                school_days_off::name.eq(closure.name.clone()),
                school_days_off::first_day.eq(closure.first),
                school_days_off::last_day.eq(closure.last),
            )
        })
        .collect();
    if !days.is_empty() {
        batch_insert!(conn, school_days_off::table, &days)?;
    }
    Ok(Saved::Version(if version == 0 { 1 } else { version + 1 }))
}

/// The current version of a stored calendar, for the answer's `ETag` and a save's check; 0 when
/// none is stored.
pub fn version_of(
    conn: &mut AnyConnection,
    school_id: &str,
    year: SchoolYear,
) -> Result<i32, RepoError> {
    let version = school_calendars::table
        .filter(school_calendars::school_id.eq(school_id))
        .filter(school_calendars::start_year.eq(year.start_year))
        .select(school_calendars::version)
        .first::<i32>(conn)
        .optional()?;
    Ok(version.unwrap_or(0))
}

/// Per year, the stored calendars by school year (for callers that look them up by date).
pub fn by_year(stored: Vec<StoredCalendar>) -> BTreeMap<SchoolYear, StoredCalendar> {
    stored.into_iter().map(|s| (s.calendar.year(), s)).collect()
}

/// How many of `groups` are groups of `school_id` in school year `year`.
pub fn groups_in_year(
    conn: &mut AnyConnection,
    school_id: &str,
    year: SchoolYear,
    groups: &[String],
) -> Result<usize, RepoError> {
    use crate::schema::{school_groups, school_years};
    let found: i64 = school_groups::table
        .inner_join(school_years::table)
        .filter(school_groups::id.eq_any(groups))
        .filter(school_groups::school_id.eq(school_id))
        .filter(school_years::starts_on.between(year.starts_on(), year.ends_on()))
        .select(diesel::dsl::count_star())
        .get_result(conn)?;
    Ok(usize::try_from(found).unwrap_or(0))
}
