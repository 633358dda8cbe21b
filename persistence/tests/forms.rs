//! Sign-up forms in the database (issue #13): the table refuses more placed than places and a
//! child or a household twice on one option whatever the code above it does; tickets number
//! arrivals; the audience follows groups and year groups; a household without a key from the LAS
//! is the guardian alone.

#[allow(dead_code, reason = "the builders are for the other persistence tests")]
mod support;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use domain::forms::{Allocation, CreateForm, NewOption, Per, SignupState};
use domain::news::Audience;
use persistence::AnyConnection;
use persistence::forms::{self, NewSignup};
use support::{FamilyBuilder, TestDb, board, enrol, school};

struct World {
    school: String,
    form: String,
    option: String,
    families: Vec<(String, String)>,
}

#[expect(
    clippy::unwrap_used,
    reason = "a fixture that cannot be written ends the test"
)]
fn world(conn: &mut AnyConnection, year_groups: Vec<i32>) -> World {
    let board = board(conn, "Board");
    let school = school(conn, &board, "A1");
    let (Some(starts), Some(ends)) = (
        NaiveDate::from_ymd_opt(2026, 8, 1),
        NaiveDate::from_ymd_opt(2027, 7, 31),
    ) else {
        panic!("valid dates");
    };
    let year = support::school_year(conn, &school, "2026-2027", starts, ends);
    let group = support::group(conn, &school, &year, "Groep 4");
    let mut families = Vec::new();
    for (child, guardian, household) in [("P1", "M1", "H1"), ("P2", "M2", ""), ("P3", "M3", "H3")] {
        let family = FamilyBuilder::new(&school, child)
            .guardian(guardian, household)
            .insert(conn);
        if child != "P3" {
            enrol(conn, &family.pupil, &group);
        }
        families.push((family.pupil.clone(), family.guardian(guardian).to_owned()));
    }
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let command = CreateForm {
        title: "Sportdag".into(),
        description: None,
        audience: Audience::School,
        year_groups,
        opens_at: now,
        closes_at: now + Duration::days(7),
        options: vec![NewOption {
            label: "Meedoen".into(),
            per: Per::Child,
            capacity: Some(1),
        }],
        questions: Vec::new(),
        waiting_list: true,
        max_per_child: None,
        allocation: Allocation::Immediate,
    };
    let author = persistence::accounts::insert_person(conn, "author@school.example", None).unwrap();
    let form = forms::insert(conn, &school, &command, &author.id, now).unwrap();
    let option = forms::options_of(conn, &form).unwrap()[0].id.clone();
    World {
        school,
        form,
        option,
        families,
    }
}

#[expect(
    clippy::unwrap_used,
    reason = "a fixture that cannot be written ends the test"
)]
fn sign_up(
    conn: &mut AnyConnection,
    w: &World,
    i: usize,
    household: &str,
    state: SignupState,
) -> Option<String> {
    let now = Utc::now();
    let response = forms::insert_response(conn, &w.form, household, &w.families[i].1, "{}", now)
        .unwrap()
        .map_or_else(
            || {
                forms::household_response(conn, &w.form, household)
                    .unwrap()
                    .unwrap()
                    .id
            },
            |r| r.id,
        );
    let new = NewSignup {
        form_id: &w.form,
        option_id: &w.option,
        response_id: &response,
        pupil_id: Some(&w.families[i].0),
        household,
        state,
        preference: None,
    };
    forms::add(conn, &new, now).unwrap().map(|s| s.id)
}

#[test]
fn the_table_refuses_more_placed_than_places_whatever_the_code_does() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let w = world(&mut conn, Vec::new());
    assert!(sign_up(&mut conn, &w, 0, "H1", SignupState::Placed).is_some());
    // A second place on a one-place option: the CHECK refuses it.
    let now = Utc::now();
    let response = forms::insert_response(&mut conn, &w.form, "H2", &w.families[1].1, "{}", now)
        .unwrap()
        .unwrap();
    let over = NewSignup {
        form_id: &w.form,
        option_id: &w.option,
        response_id: &response.id,
        pupil_id: Some(&w.families[1].0),
        household: "H2",
        state: SignupState::Placed,
        preference: None,
    };
    assert!(forms::add(&mut conn, &over, now).is_err());
    let raw = conn.batch_execute(&format!(
        "UPDATE form_options SET placed = 2 WHERE id = '{}'",
        w.option
    ));
    assert!(raw.is_err(), "the CHECK constraint holds for any writer");
}

#[test]
fn a_child_is_on_an_option_once_and_tickets_number_arrivals() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let w = world(&mut conn, Vec::new());
    let first = sign_up(&mut conn, &w, 0, "H1", SignupState::Placed).unwrap();
    let second = sign_up(&mut conn, &w, 1, "H2", SignupState::Waiting).unwrap();
    // The same child again, from another household: refused by the unique index.
    assert_eq!(sign_up(&mut conn, &w, 0, "H1b", SignupState::Waiting), None);
    let signups = forms::of_form(&mut conn, &w.form).unwrap();
    let ticket = |id: &str| signups.iter().find(|s| s.id == id).unwrap().ticket;
    assert_eq!((ticket(&first), ticket(&second)), (1, 2));
    let option = &forms::options_of(&mut conn, &w.form).unwrap()[0];
    assert_eq!((option.placed, option.waiting), (1, 1));
}

#[test]
fn the_audience_follows_year_groups_and_a_household_without_a_key_is_the_guardian_alone() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let w = world(&mut conn, vec![4]);
    let form = forms::find(&mut conn, &w.form).unwrap();
    assert_eq!(form.school_id, w.school);
    // The world's groups have no year group: a year-group form reaches nobody.
    assert!(
        forms::pupils_reached(&mut conn, &form, None)
            .unwrap()
            .is_empty()
    );
    conn.batch_execute("UPDATE school_groups SET year_group = 4")
        .unwrap();
    let reached: Vec<String> = forms::pupils_reached(&mut conn, &form, None)
        .unwrap()
        .into_iter()
        .map(|p| p.pupil_id)
        .collect();
    // P3 is in no group: not in a year group's audience.
    assert_eq!(reached.len(), 2);
    assert!(!reached.contains(&w.families[2].0));
    let (pupil, guardian) = &w.families[1];
    assert_eq!(
        forms::household_of(&mut conn, guardian, std::slice::from_ref(pupil)).unwrap(),
        Some(format!("guardian:{guardian}"))
    );
}
