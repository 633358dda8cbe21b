//! Absences against a real database: which scopes reach a pupil and their absences (`pupil_at`,
//! `find`), a school's day (`of_school_on`) and a pupil's list (`of_pupil`) with their cursors, and
//! a group's current pupils. The writes (edits with their history, signals, settings, the signals'
//! read) are in `absence/writes.rs`. Each test has a database of its own (SQLite, or PostgreSQL
//! when `DATABASE_URL` says so).

#[allow(
    dead_code,
    reason = "the change-request builders are for the change-request tests"
)]
mod support;
#[path = "absence/writes.rs"]
mod writes;

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::modules::Module;
use domain::scope::PupilScope;
use persistence::absence::{
    AbsenceRow, NewAbsence, PupilAt, find, group_pupils, insert, of_pupil, of_school_on, pupil_at,
};
use persistence::ids::{now, uuid};
use persistence::modules::ModuleSchool;
use persistence::schema::pupils;
use persistence::{AnyConnection, RepoError};
use support::{FamilyBuilder, TestDb, board, enrol, gated_for, group, school, school_year};

/// A date of the test's calendar.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is a date"))
}

/// Board A with schools A1 and A2. A1 has school years 2024-2025 (group G24) and 2025-2026 (groups
/// G1, G2); A2 has 2025-2026 (group H1). P1 was in G24 and is in G1; P2 is in G2; P3 was in G1 and
/// has left; P4 is in H1 at A2.
pub struct World {
    pub a1: String,
    pub a2: String,
    pub g24: String,
    pub g1: String,
    pub g2: String,
    pub h1: String,
    pub p1: String,
    pub p2: String,
    pub p3: String,
    pub p4: String,
}

impl World {
    pub fn build(conn: &mut AnyConnection) -> World {
        let board = board(conn, "A");
        let (a1, a2) = (school(conn, &board, "A1"), school(conn, &board, "A2"));
        let y24 = school_year(conn, &a1, "2024-2025", day(2024, 8, 1), day(2025, 7, 31));
        let y25 = school_year(conn, &a1, "2025-2026", day(2025, 8, 1), day(2026, 7, 31));
        let z25 = school_year(conn, &a2, "2025-2026", day(2025, 8, 1), day(2026, 7, 31));
        let g24 = group(conn, &a1, &y24, "Groep 3");
        let (g1, g2) = (
            group(conn, &a1, &y25, "Groep 4"),
            group(conn, &a1, &y25, "Groep 5"),
        );
        let h1 = group(conn, &a2, &z25, "Groep 4");
        let mut pupil = |school: &str, child: &str, guardian: &str| {
            FamilyBuilder::new(school, child)
                .guardian(guardian, "H")
                .insert(conn)
                .pupil
        };
        let (p1, p2) = (pupil(&a1, "P1", "M1"), pupil(&a1, "P2", "M2"));
        let (p3, p4) = (pupil(&a1, "P3", "M3"), pupil(&a2, "P4", "M4"));
        enrol(conn, &p1, &g24);
        enrol(conn, &p1, &g1);
        enrol(conn, &p2, &g2);
        enrol(conn, &p3, &g1);
        enrol(conn, &p4, &h1);
        let left = diesel::update(pupils::table.find(&p3))
            .set(pupils::left_on.eq(day(2025, 9, 30)))
            .execute(conn);
        assert!(matches!(left, Ok(1)), "P3 left: {left:?}");
        World {
            a1,
            a2,
            g24,
            g1,
            g2,
            h1,
            p1,
            p2,
            p3,
            p4,
        }
    }

    /// A school through the absence module's gate, as its admin reaches it.
    pub fn school(&self, conn: &mut AnyConnection, id: &str) -> ModuleSchool {
        gated_for(conn, id, Module::Absence).unwrap_or_else(|| panic!("absence on at {id}"))
    }
}

/// The scope of a school's staff who see the whole school.
pub fn staff(school: &str) -> PupilScope {
    PupilScope {
        schools: vec![uuid(school)],
        ..PupilScope::default()
    }
}

fn teacher(groups: &[&str]) -> PupilScope {
    PupilScope {
        groups: groups.iter().map(|g| uuid(g)).collect(),
        ..PupilScope::default()
    }
}

fn guardian_of(pupil: &str) -> PupilScope {
    PupilScope {
        pupils: vec![uuid(pupil)],
        ..PupilScope::default()
    }
}

/// An absence registered by staff, authorized, from `first` to `last` (`None`: open).
pub fn absence(school: &str, pupil: &str, first: NaiveDate, last: Option<NaiveDate>) -> NewAbsence {
    NewAbsence {
        school_id: school.to_owned(),
        pupil_id: pupil.to_owned(),
        source: "staff",
        reported_by: None,
        reason: "other",
        kind: Some("authorized"),
        note: None,
        first_day: first,
        last_day: last,
        expected_return: None,
        minutes: None,
        late: false,
    }
}

/// Stores the absences; answers them as stored.
pub fn add(conn: &mut AnyConnection, new: &[NewAbsence]) -> Vec<AbsenceRow> {
    insert(conn, new, now()).unwrap_or_else(|e| panic!("absences stored: {e}"))
}

/// The absence withdrawn (through an edit, as the service withdraws it).
pub fn withdraw(conn: &mut AnyConnection, row: &AbsenceRow) {
    let after = AbsenceRow {
        withdrawn_at: Some(now()),
        ..row.clone()
    };
    let edited = persistence::absence::edit(conn, row, &after, &[], "", now());
    assert!(
        matches!(edited, Ok(persistence::absence::Edited::Done(_))),
        "withdrawn: {edited:?}"
    );
}

fn ids(rows: &[AbsenceRow]) -> Vec<String> {
    rows.iter().map(|r| r.id.clone()).collect()
}

fn not_found(result: Result<PupilAt, RepoError>) -> bool {
    matches!(result, Err(RepoError::NotFound))
}

#[test]
fn a_pupil_is_found_only_through_a_scope_that_reaches_them_and_only_while_at_school() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let on = day(2025, 10, 7);

    for scope in [staff(&w.a1), teacher(&[&w.g1]), guardian_of(&w.p1)] {
        let found = pupil_at(conn, &scope, &w.p1, on).unwrap();
        assert_eq!(
            (found.id.as_str(), found.school_id.as_str()),
            (&*w.p1, &*w.a1)
        );
        assert_eq!(found.last_name, "P1");
    }
    // Another school's staff, another group's teacher, another family, nobody.
    for scope in [
        staff(&w.a2),
        teacher(&[&w.g2, &w.h1]),
        guardian_of(&w.p2),
        PupilScope::default(),
    ] {
        assert!(not_found(pupil_at(conn, &scope, &w.p1, on)), "{scope:?}");
    }
    // A pupil who left is not found by their own school's staff, nor by their old group's teacher.
    assert!(not_found(pupil_at(conn, &staff(&w.a1), &w.p3, on)));
    assert!(not_found(pupil_at(conn, &teacher(&[&w.g1]), &w.p3, on)));
    assert!(not_found(pupil_at(
        conn,
        &staff(&w.a1),
        "no-such-pupil",
        on
    )));
}

#[test]
fn a_pupils_group_on_a_day_is_the_group_of_the_school_year_containing_it() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let scope = staff(&w.a1);

    let found = pupil_at(conn, &scope, &w.p1, day(2025, 10, 7)).unwrap();
    let mut groups = found.place.groups.clone();
    groups.sort_unstable();
    let mut expected = vec![uuid(&w.g24), uuid(&w.g1)];
    expected.sort_unstable();
    assert_eq!(groups, expected, "every group, of any school year");
    assert_eq!(found.place.pupil_id, uuid(&w.p1));
    assert_eq!(found.place.school_id, uuid(&w.a1));
    assert_eq!(found.group_on.as_deref(), Some(w.g1.as_str()));

    let mut at = |on| pupil_at(conn, &scope, &w.p1, on).unwrap().group_on;
    assert_eq!(at(day(2025, 3, 3)).as_deref(), Some(w.g24.as_str()));
    assert_eq!(at(day(2025, 7, 31)).as_deref(), Some(w.g24.as_str()));
    assert_eq!(at(day(2025, 8, 1)).as_deref(), Some(w.g1.as_str()));
    assert_eq!(at(day(2026, 9, 1)), None, "no group in a year not set up");
}

#[test]
fn an_absence_is_found_only_through_a_scope_that_reaches_its_pupil() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let on = day(2025, 10, 7);
    let stored = add(conn, &[absence(&w.a1, &w.p1, on, Some(on))]).remove(0);

    let (row, pupil) = find(conn, &staff(&w.a1), &stored.id, on).unwrap();
    assert_eq!(row, stored);
    assert_eq!(pupil.id, w.p1);
    for scope in [staff(&w.a2), teacher(&[&w.g2]), guardian_of(&w.p2)] {
        let hidden = find(conn, &scope, &stored.id, on);
        assert!(matches!(hidden, Err(RepoError::NotFound)), "{scope:?}");
    }
    let missing = find(conn, &staff(&w.a1), "no-such-absence", on);
    assert!(matches!(missing, Err(RepoError::NotFound)));
}

/// The ids of a school's day, page after page of `limit`.
fn day_ids(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    on: NaiveDate,
    groups: Option<&[String]>,
    limit: u16,
) -> Vec<String> {
    let (mut all, mut cursor) = (Vec::new(), None);
    loop {
        let page = of_school_on(conn, school, on, groups, cursor.as_deref(), limit)
            .unwrap_or_else(|e| panic!("the day reads: {e}"));
        assert!(page.items.len() <= usize::from(limit));
        all.extend(page.items.iter().map(|i| i.absence.id.clone()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
}

#[test]
fn a_schools_day_holds_the_absences_covering_it_of_its_current_pupils_by_cursor() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let on = day(2025, 10, 7);
    let (a1, p1, p2) = (w.a1.as_str(), w.p1.as_str(), w.p2.as_str());
    let rows = add(
        conn,
        &[
            absence(a1, p1, day(2025, 10, 6), Some(day(2025, 10, 8))),
            absence(a1, p2, day(2025, 10, 1), None),
            absence(a1, p2, day(2025, 10, 8), Some(day(2025, 10, 9))),
            absence(a1, p1, day(2025, 10, 1), Some(day(2025, 10, 6))),
            absence(a1, p2, on, Some(day(2025, 10, 10))),
            absence(a1, p1, day(2025, 10, 3), Some(on)),
            absence(a1, p1, on, Some(on)),
            absence(a1, &w.p3, on, Some(on)),
            absence(&w.a2, &w.p4, on, Some(on)),
            absence(a1, p1, day(2025, 10, 8), None),
        ],
    );
    withdraw(conn, &rows[6]);
    let school = w.school(conn, &w.a1);
    let pick = |i: &[usize]| {
        let mut picked: Vec<String> = i.iter().map(|i| rows[*i].id.clone()).collect();
        picked.sort();
        picked
    };
    let covering = pick(&[0, 1, 4, 5]);

    assert_eq!(day_ids(conn, &school, on, None, 50), covering);
    for limit in [1, 2, 3] {
        assert_eq!(day_ids(conn, &school, on, None, limit), covering, "{limit}");
    }
    // A teacher's groups: their pupils only (a left pupil's absence neither).
    let g2 = [w.g2.clone()];
    assert_eq!(day_ids(conn, &school, on, Some(&g2), 1), pick(&[1, 4]));
    let g1 = [w.g1.clone()];
    assert_eq!(day_ids(conn, &school, on, Some(&g1), 50), pick(&[0, 5]));
    let elsewhere = [w.h1.clone()];
    assert!(day_ids(conn, &school, on, Some(&elsewhere), 50).is_empty());
    assert!(day_ids(conn, &school, on, Some(&[]), 50).is_empty());
    // An open absence counts from its first day on, for as long as it is open.
    assert_eq!(
        day_ids(conn, &school, day(2026, 3, 2), None, 50),
        pick(&[1, 9])
    );
    assert!(day_ids(conn, &school, day(2025, 9, 30), None, 50).is_empty());
    // The other school's day holds its own pupil's absence only.
    let a2 = w.school(conn, &w.a2);
    assert_eq!(day_ids(conn, &a2, on, None, 50), pick(&[8]));
}

#[test]
fn a_pupils_absences_are_listed_newest_first_by_cursor_withdrawn_ones_too() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let mut made = Vec::new();
    for d in [1, 2, 3, 4, 5] {
        let on = day(2025, 11, d);
        made.extend(add(conn, &[absence(&w.a1, &w.p1, on, Some(on))]));
    }
    add(conn, &[absence(&w.a1, &w.p2, day(2025, 11, 6), None)]);
    withdraw(conn, &made[2]);
    let pupil = pupil_at(conn, &staff(&w.a1), &w.p1, day(2025, 11, 6)).unwrap();

    let (mut seen, mut cursor, mut pages) = (Vec::new(), None, 0);
    loop {
        let page = of_pupil(conn, &pupil, cursor.as_deref(), 2).unwrap();
        pages += 1;
        seen.extend(ids(&page.items));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut newest_first = ids(&made);
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    assert_eq!(pages, 3);
    let all = of_pupil(conn, &pupil, None, 10).unwrap();
    assert_eq!(all.next_cursor, None);
    assert!(all.items.iter().any(|r| r.withdrawn_at.is_some()));
}

#[test]
fn a_groups_pupils_are_its_current_ones_and_only_for_its_own_school() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let school = w.school(conn, &w.a1);

    assert_eq!(
        group_pupils(conn, &school, &w.g1).unwrap(),
        Some(vec![w.p1.clone()])
    );
    assert_eq!(
        group_pupils(conn, &school, &w.g2).unwrap(),
        Some(vec![w.p2.clone()])
    );
    assert_eq!(
        group_pupils(conn, &school, &w.h1).unwrap(),
        None,
        "A2's group"
    );
    assert_eq!(group_pupils(conn, &school, "no-such-group").unwrap(), None);
    let a2 = w.school(conn, &w.a2);
    assert_eq!(
        group_pupils(conn, &a2, &w.h1).unwrap(),
        Some(vec![w.p4.clone()])
    );
}
