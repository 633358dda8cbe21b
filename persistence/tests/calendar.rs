//! A school's calendar against a real database: a save made on the version read (the first on
//! version 0) round-trips through `load` and replaces what was stored; a save on a stale version
//! changes nothing; a stored value this version cannot read is an error, never a default; and
//! which groups are the school's in a school year. Each test has a database of its own (SQLite,
//! or PostgreSQL when `DATABASE_URL` says so).

#[allow(
    dead_code,
    reason = "the family and change-request builders are for the other tests"
)]
mod support;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use domain::calendar::{Closure, LessonTable, Region, SchoolCalendar, WeekMinutes};
use domain::school_year::SchoolYear;
use persistence::calendar::{Saved, StoredCalendar, groups_in_year, load, save, version_of};
use persistence::ids::{now, uuid};
use persistence::schema::{school_calendar_groups, school_days_off};
use persistence::{AnyConnection, RepoError};
use support::{TestDb, board, group, school, school_year};

const YEAR: SchoolYear = SchoolYear { start_year: 2025 };

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is a date"))
}

fn minutes(days: [u32; 7]) -> WeekMinutes {
    WeekMinutes::new(days).unwrap_or_else(|| panic!("{days:?} are lesson times"))
}

fn calendar(year: SchoolYear, closures: Vec<Closure>, lessons: LessonTable) -> SchoolCalendar {
    SchoolCalendar::new(year, closures, lessons)
        .unwrap_or_else(|refusals| panic!("a valid calendar: {refusals:?}"))
}

/// Board A with schools A1 and A2. A1 has school years 2024-2025 (group G24) and 2025-2026
/// (groups G1, G2); A2 has 2025-2026 (group H1).
struct World {
    a1: String,
    a2: String,
    g24: String,
    g1: String,
    g2: String,
    h1: String,
}

impl World {
    fn build(conn: &mut AnyConnection) -> World {
        let board = board(conn, "A");
        let (a1, a2) = (school(conn, &board, "A1"), school(conn, &board, "A2"));
        let y24 = school_year(conn, &a1, "2024-2025", day(2024, 8, 1), day(2025, 7, 31));
        let y25 = school_year(conn, &a1, "2025-2026", day(2025, 8, 1), day(2026, 7, 31));
        let z25 = school_year(conn, &a2, "2025-2026", day(2025, 8, 1), day(2026, 7, 31));
        World {
            g24: group(conn, &a1, &y24, "Groep 3"),
            g1: group(conn, &a1, &y25, "Groep 4"),
            g2: group(conn, &a1, &y25, "Groep 5"),
            h1: group(conn, &a2, &z25, "Groep 4"),
            a1,
            a2,
        }
    }

    /// 2025-2026 with a study day and two holidays (given out of order), shorter days for G1.
    fn first(&self) -> SchoolCalendar {
        let lessons = LessonTable::new(minutes([300, 300, 180, 300, 300, 0, 0]))
            .with_group(uuid(&self.g1), minutes([240, 240, 0, 240, 240, 0, 0]));
        let closures = vec![
            Closure::holiday("Kerstvakantie", day(2025, 12, 20), day(2026, 1, 4)),
            Closure::study_day("Studiedag", day(2025, 9, 15)),
            Closure::holiday("Herfstvakantie", day(2025, 10, 18), day(2025, 10, 26)),
        ];
        calendar(YEAR, closures, lessons)
    }

    /// 2025-2026 changed: one holiday, other default times, G2's times instead of G1's.
    fn second(&self) -> SchoolCalendar {
        let lessons = LessonTable::new(minutes([330, 330, 225, 330, 330, 0, 0]))
            .with_group(uuid(&self.g2), minutes([330, 330, 0, 330, 0, 0, 0]));
        let closures = vec![Closure::holiday(
            "Voorjaarsvakantie",
            day(2026, 2, 14),
            day(2026, 2, 22),
        )];
        calendar(YEAR, closures, lessons)
    }
}

fn only(conn: &mut AnyConnection, school_id: &str, year: SchoolYear) -> StoredCalendar {
    let mut stored = load(conn, school_id, &[year]).unwrap_or_else(|e| panic!("loads: {e}"));
    assert_eq!(stored.len(), 1, "one calendar of {school_id} for {year:?}");
    stored.remove(0)
}

fn count_days_off(conn: &mut AnyConnection, school_id: &str) -> i64 {
    school_days_off::table
        .filter(school_days_off::school_id.eq(school_id))
        .count()
        .get_result(conn)
        .unwrap_or_else(|e| panic!("days off counted: {e}"))
}

fn count_group_times(conn: &mut AnyConnection, school_id: &str) -> i64 {
    school_calendar_groups::table
        .filter(school_calendar_groups::school_id.eq(school_id))
        .count()
        .get_result(conn)
        .unwrap_or_else(|e| panic!("group times counted: {e}"))
}

#[test]
fn a_first_save_round_trips_and_a_second_first_save_is_stale() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    assert!(load(conn, &w.a1, &[YEAR]).unwrap().is_empty());
    assert_eq!(version_of(conn, &w.a1, YEAR).unwrap(), 0);

    let cal = w.first();
    let saved = save(conn, &w.a1, &cal, Some(Region::Middle), 0, now()).unwrap();
    assert_eq!(saved, Saved::Version(1));
    let stored = only(conn, &w.a1, YEAR);
    assert_eq!(stored.calendar, cal);
    assert_eq!((stored.region, stored.version), (Some(Region::Middle), 1));
    let lessons = stored.calendar.lessons();
    assert_eq!(lessons.default, minutes([300, 300, 180, 300, 300, 0, 0]));
    assert_eq!(lessons.groups.len(), 1);
    assert_eq!(
        lessons.groups.get(&uuid(&w.g1)),
        Some(&minutes([240, 240, 0, 240, 240, 0, 0]))
    );
    let days_off: Vec<(&str, &str, NaiveDate, NaiveDate)> = stored
        .calendar
        .closures()
        .iter()
        .map(|c| (c.kind.as_str(), c.name.as_str(), c.first, c.last))
        .collect();
    assert_eq!(
        days_off,
        [
            ("study_day", "Studiedag", day(2025, 9, 15), day(2025, 9, 15)),
            (
                "holiday",
                "Herfstvakantie",
                day(2025, 10, 18),
                day(2025, 10, 26)
            ),
            (
                "holiday",
                "Kerstvakantie",
                day(2025, 12, 20),
                day(2026, 1, 4)
            ),
        ]
    );
    assert_eq!(version_of(conn, &w.a1, YEAR).unwrap(), 1);

    // Another first save (made without seeing the first): stale, the first stays.
    let saved = save(conn, &w.a1, &w.second(), None, 0, now()).unwrap();
    assert_eq!(saved, Saved::Stale);
    let stored = only(conn, &w.a1, YEAR);
    assert_eq!(
        (stored.calendar, stored.region, stored.version),
        (cal, Some(Region::Middle), 1)
    );
}

#[test]
fn a_save_on_the_current_version_replaces_everything_and_one_on_a_stale_version_nothing() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    save(conn, &w.a1, &w.first(), Some(Region::North), 0, now()).unwrap();

    let second = w.second();
    let saved = save(conn, &w.a1, &second, None, 1, now()).unwrap();
    assert_eq!(saved, Saved::Version(2));
    let stored = only(conn, &w.a1, YEAR);
    assert_eq!(
        (&stored.calendar, stored.region, stored.version),
        (&second, None, 2)
    );
    assert_eq!(stored.calendar.lessons().groups.get(&uuid(&w.g1)), None);
    // The old rows are gone, not merely unread.
    assert_eq!(count_days_off(conn, &w.a1), 1);
    assert_eq!(count_group_times(conn, &w.a1), 1);

    // Made on version 1 (or a version never stored): stale, version 2 stays.
    for stale in [1, 3] {
        let saved = save(conn, &w.a1, &w.first(), Some(Region::South), stale, now()).unwrap();
        assert_eq!(saved, Saved::Stale, "on version {stale}");
        let stored = only(conn, &w.a1, YEAR);
        assert_eq!(
            (&stored.calendar, stored.region, stored.version),
            (&second, None, 2)
        );
        assert_eq!(count_days_off(conn, &w.a1), 1);
        assert_eq!(count_group_times(conn, &w.a1), 1);
    }
}

#[test]
fn loading_several_years_answers_the_stored_ones_of_that_school_only() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let last = SchoolYear { start_year: 2024 };
    save(conn, &w.a1, &w.first(), None, 0, now()).unwrap();
    let a2_last = calendar(last, Vec::new(), LessonTable::default());
    save(conn, &w.a2, &a2_last, None, 0, now()).unwrap();

    let stored = load(conn, &w.a1, &[last, YEAR, YEAR.next()]).unwrap();
    let years: Vec<SchoolYear> = stored.iter().map(|s| s.calendar.year()).collect();
    assert_eq!(years, [YEAR]);
    assert_eq!(stored[0].calendar, w.first());
    assert!(load(conn, &w.a1, &[]).unwrap().is_empty());
    assert!(
        load(conn, &w.a1, &[last]).unwrap().is_empty(),
        "A2's year is A2's"
    );
    assert_eq!(only(conn, &w.a2, last).calendar, a2_last);
}

#[test]
fn stored_lesson_times_this_version_cannot_read_are_corrupt_not_a_default() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    save(conn, &w.a1, &w.first(), None, 0, now()).unwrap();

    for table in ["school_calendars", "school_calendar_groups"] {
        for bad in [
            "lots",
            "300,300,180,300,300,0",
            "300,300,180,300,300,0,0,0",
            "999,0,0,0,0,0,0",
            "-1,0,0,0,0,0,0",
            "",
        ] {
            conn.batch_execute(&format!(
                "UPDATE {table} SET lesson_minutes = '{bad}' WHERE school_id = '{}'",
                w.a1
            ))
            .unwrap_or_else(|e| panic!("{table} written: {e}"));
            let read = load(conn, &w.a1, &[YEAR]);
            assert!(
                matches!(read, Err(RepoError::Corrupt(_))),
                "{table} {bad:?}: {read:?}"
            );
        }
        conn.batch_execute(&format!(
            "UPDATE {table} SET lesson_minutes = '300,300,180,300,300,0,0' WHERE school_id = '{}'",
            w.a1
        ))
        .unwrap_or_else(|e| panic!("{table} restored: {e}"));
    }
    assert_eq!(
        load(conn, &w.a1, &[YEAR]).unwrap().len(),
        1,
        "readable again"
    );
}

#[test]
fn only_the_schools_own_groups_of_that_school_year_are_counted() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let all = [&w.g24, &w.g1, &w.g2, &w.h1].map(String::clone);
    let last = SchoolYear { start_year: 2024 };

    assert_eq!(groups_in_year(conn, &w.a1, YEAR, &all).unwrap(), 2);
    assert_eq!(groups_in_year(conn, &w.a1, last, &all).unwrap(), 1);
    assert_eq!(groups_in_year(conn, &w.a2, YEAR, &all).unwrap(), 1);
    assert_eq!(groups_in_year(conn, &w.a1, YEAR.next(), &all).unwrap(), 0);
    assert_eq!(groups_in_year(conn, &w.a1, YEAR, &[]).unwrap(), 0);
    let unknown = ["no-such-group".to_owned(), w.g1.clone()];
    assert_eq!(groups_in_year(conn, &w.a1, YEAR, &unknown).unwrap(), 1);
}
