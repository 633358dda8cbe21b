//! The pupil card (`pupil_card::read`) and the pupil read by id (`pupils::find`) against a real
//! database: which scopes reach a pupil (`PupilScope::reaches`, applied in Rust after reading by
//! key, which must answer as the SQL scope filter does) and which guardians the card shows
//! (`GuardianScope`). Each test has a database of its own (SQLite, or PostgreSQL when
//! `DATABASE_URL` is a postgres URL).

#[allow(
    dead_code,
    reason = "the change-request builders are for the change-request tests"
)]
mod support;

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::scope::{GuardianScope, PupilScope};
use persistence::ids::uuid;
use persistence::pupil_card::{self, CardGroup, CardLink, PupilCard};
use persistence::schema::{guardians, pupils as pupils_table};
use persistence::{AnyConnection, RepoError, pupils};
use support::{Family, FamilyBuilder, TestDb, board, enrol, school};
use uuid::Uuid;

/// Board A with schools A1 and A2, board B with school B1. At A1: groups Plusklas and Groep 4
/// (written in that order, so their ids and names sort apart) and Groep 7; child P1 of separated
/// parents M1 (household H1) and D1 (household H2), in Plusklas and Groep 4; P2 of M2 in Groep 7;
/// P3 of M3 in no group. At A2: a Groep 4 of its own, with P4 of M4. At B1: P5 of M5.
struct World {
    board_a: String,
    board_b: String,
    a1: String,
    a2: String,
    b1: String,
    plusklas: String,
    groep4: String,
    groep7: String,
    a2_groep4: String,
    p1: Family,
    p2: Family,
    p3: Family,
    p4: Family,
    p5: Family,
}

impl World {
    fn build(conn: &mut AnyConnection) -> World {
        let board_a = board(conn, "Board A");
        let board_b = board(conn, "Board B");
        let a1 = school(conn, &board_a, "A1");
        let a2 = school(conn, &board_a, "A2");
        let b1 = school(conn, &board_b, "B1");
        let plusklas = group(conn, &a1, "Plusklas");
        let groep4 = group(conn, &a1, "Groep 4");
        let groep7 = group(conn, &a1, "Groep 7");
        let a2_groep4 = group(conn, &a2, "Groep 4");
        let p1 = FamilyBuilder::new(&a1, "P1")
            .separated()
            .guardian("M1", "H1")
            .guardian("D1", "H2")
            .insert(conn);
        enrol(conn, &p1.pupil, &plusklas);
        enrol(conn, &p1.pupil, &groep4);
        let p2 = FamilyBuilder::new(&a1, "P2")
            .guardian("M2", "H3")
            .insert(conn);
        enrol(conn, &p2.pupil, &groep7);
        let p3 = FamilyBuilder::new(&a1, "P3")
            .guardian("M3", "H4")
            .insert(conn);
        let p4 = FamilyBuilder::new(&a2, "P4")
            .guardian("M4", "H5")
            .insert(conn);
        enrol(conn, &p4.pupil, &a2_groep4);
        let p5 = FamilyBuilder::new(&b1, "P5")
            .guardian("M5", "H6")
            .insert(conn);
        World {
            board_a,
            board_b,
            a1,
            a2,
            b1,
            plusklas,
            groep4,
            groep7,
            a2_groep4,
            p1,
            p2,
            p3,
            p4,
            p5,
        }
    }

    fn pupils(&self) -> [&str; 5] {
        [
            &self.p1.pupil,
            &self.p2.pupil,
            &self.p3.pupil,
            &self.p4.pupil,
            &self.p5.pupil,
        ]
        .map(String::as_str)
    }
}

/// A group of the school in its school year 2024-2025 (created with its first group); the name
/// doubles as the group's LAS key.
fn group(conn: &mut AnyConnection, school_id: &str, name: &str) -> String {
    let (starts_on, ends_on) = (
        NaiveDate::from_ymd_opt(2024, 8, 1),
        NaiveDate::from_ymd_opt(2025, 7, 31),
    );
    let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else {
        panic!("the school year's dates are valid");
    };
    let year = support::school_year(conn, school_id, "2024-2025", starts_on, ends_on);
    support::group(conn, school_id, &year, name)
}

/// The pupil left the school (`pupils.left_on` set).
fn leave(conn: &mut AnyConnection, pupil: &str) {
    let updated = diesel::update(pupils_table::table.find(pupil))
        .set(pupils_table::left_on.eq(NaiveDate::from_ymd_opt(2025, 1, 31)))
        .execute(conn);
    assert!(matches!(updated, Ok(1)), "{pupil} left: {updated:?}");
}

/// The guardian record was deactivated (`guardians.deactivated_at` set).
fn deactivate_guardian(conn: &mut AnyConnection, guardian: &str) {
    let updated = diesel::update(guardians::table.find(guardian))
        .set(guardians::deactivated_at.eq(Some(persistence::ids::now())))
        .execute(conn);
    assert!(
        matches!(updated, Ok(1)),
        "{guardian} deactivated: {updated:?}"
    );
}

fn uuids(ids: &[&str]) -> Vec<Uuid> {
    ids.iter().map(|id| uuid(id)).collect()
}

/// A board admin's pupil scope.
fn boards(ids: &[&str]) -> PupilScope {
    PupilScope {
        boards: uuids(ids),
        ..PupilScope::default()
    }
}

/// The pupil scope of a school's whole-school roles.
fn schools(ids: &[&str]) -> PupilScope {
    PupilScope {
        schools: uuids(ids),
        ..PupilScope::default()
    }
}

/// A teacher's pupil scope.
fn groups(ids: &[&str]) -> PupilScope {
    PupilScope {
        groups: uuids(ids),
        ..PupilScope::default()
    }
}

/// A guardian's pupil scope: their children.
fn children(ids: &[&str]) -> PupilScope {
    PupilScope {
        pupils: uuids(ids),
        ..PupilScope::default()
    }
}

/// Staff whose roles cover guardians: the guardians of the pupils `scope` reaches.
fn via(scope: &PupilScope) -> GuardianScope {
    GuardianScope {
        via_pupils: scope.clone(),
        own: Vec::new(),
    }
}

/// A guardian's guardian scope: their own records only.
fn own(guardian_ids: &[&str]) -> GuardianScope {
    GuardianScope {
        via_pupils: PupilScope::default(),
        own: uuids(guardian_ids),
    }
}

/// The card, or None when it is not found (the only other answer a pupil out of reach may get).
fn card(
    conn: &mut AnyConnection,
    pupils: &PupilScope,
    guardians: &GuardianScope,
    id: &str,
) -> Option<PupilCard> {
    match pupil_card::read(conn, pupils, guardians, id) {
        Ok(card) => {
            assert_eq!(card.pupil.id, id);
            Some(card)
        }
        Err(RepoError::NotFound) => None,
        Err(other) => panic!("reading the card of {id}: {other}"),
    }
}

/// Whether `pupils::find` finds the pupil (not found being its only other answer).
fn found(conn: &mut AnyConnection, scope: &PupilScope, id: &str) -> bool {
    match pupils::find(conn, scope, id) {
        Ok(row) => {
            assert_eq!(row.id, id);
            true
        }
        Err(RepoError::NotFound) => false,
        Err(other) => panic!("finding {id}: {other}"),
    }
}

/// Whether the scope reaches the pupil, after checking that the card, `pupils::find` and the SQL
/// scope filter (`pupils::find_many`) all give the same answer.
fn reaches(conn: &mut AnyConnection, scope: &PupilScope, id: &str) -> bool {
    let by_card = card(conn, scope, &GuardianScope::default(), id).is_some();
    let by_find = found(conn, scope, id);
    let by_filter = match pupils::find_many(conn, scope, &[id.to_owned()]) {
        Ok(rows) => !rows.is_empty(),
        Err(e) => panic!("filtering {id}: {e}"),
    };
    assert_eq!(
        (by_card, by_find),
        (by_filter, by_filter),
        "card, find and the SQL filter disagree about {id} for {scope:?}"
    );
    by_filter
}

/// The ids of the guardians on a card, in its order.
fn guardian_ids(card: &PupilCard) -> Vec<&str> {
    card.guardians.iter().map(|(g, _)| g.id.as_str()).collect()
}

/// Guardian ids in the card's order (by id).
fn by_id(mut ids: Vec<&str>) -> Vec<&str> {
    ids.sort_unstable();
    ids
}

fn names(card: &PupilCard) -> Vec<&str> {
    card.groups.iter().map(|g| g.name.as_str()).collect()
}

#[test]
fn a_guardian_reads_their_childs_card_with_only_themselves_among_its_guardians() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let p1 = world.p1.pupil.as_str();
    let (m1, d1) = (world.p1.guardian("M1"), world.p1.guardian("D1"));
    let child = children(&[p1]);

    let shown = card(conn, &child, &own(&[m1]), p1).expect("M1 reads P1's card");
    assert_eq!(shown.pupil.school_id, world.a1);
    assert_eq!(shown.pupil.first_name, "Kind");
    assert_eq!(shown.pupil.last_name, "P1");
    assert!(shown.pupil.parents_separated);
    assert_eq!(shown.place.board_id.to_string(), world.board_a);
    assert_eq!(
        shown.groups,
        [
            CardGroup {
                id: world.groep4.clone(),
                name: "Groep 4".to_owned(),
            },
            CardGroup {
                id: world.plusklas.clone(),
                name: "Plusklas".to_owned(),
            },
        ]
    );
    // M1 only, not the other parent D1, with M1's relation to the child.
    assert_eq!(guardian_ids(&shown), [m1]);
    let (guardian, link) = &shown.guardians[0];
    assert_eq!(guardian.last_name, "M1");
    assert_eq!(guardian.email.as_deref(), Some("m1@family.example"));
    assert_eq!(
        link,
        &CardLink {
            relationship: "parent".to_owned(),
            parental_authority: true,
            household: "H1".to_owned(),
        }
    );

    // D1 reading the same card sees D1 only, in household H2.
    let shown = card(conn, &child, &own(&[d1]), p1).expect("D1 reads P1's card");
    assert_eq!(guardian_ids(&shown), [d1]);
    assert_eq!(shown.guardians[0].1.household, "H2");
    assert_eq!(names(&shown), ["Groep 4", "Plusklas"]);

    // Another family's child at the same school, in neither the card nor `find`.
    assert!(found(conn, &child, p1));
    for other in [&world.p2.pupil, &world.p3.pupil] {
        assert!(card(conn, &child, &own(&[m1]), other).is_none(), "{other}");
        assert!(!found(conn, &child, other), "{other}");
    }
    // Being a guardian of P2 as well does not show M2 on P1's card.
    let both = card(conn, &child, &own(&[m1, world.p2.guardian("M2")]), p1).expect("P1's card");
    assert_eq!(guardian_ids(&both), [m1]);
}

#[test]
fn a_teacher_reads_the_cards_of_their_groups_pupils_only_with_all_their_guardians() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let (p1, p2) = (world.p1.pupil.as_str(), world.p2.pupil.as_str());
    let (m1, d1) = (world.p1.guardian("M1"), world.p1.guardian("D1"));

    // Either of P1's groups reaches P1; the card lists every active guardian and all its groups.
    for taught in [&world.groep4, &world.plusklas] {
        let teacher = groups(&[taught]);
        let shown = card(conn, &teacher, &via(&teacher), p1).expect("the teacher reads P1's card");
        assert_eq!(guardian_ids(&shown), by_id(vec![m1, d1]));
        let mut households: Vec<(&str, &str)> = shown
            .guardians
            .iter()
            .map(|(g, link)| (g.id.as_str(), link.household.as_str()))
            .collect();
        households.sort_unstable();
        let mut expected = vec![(m1, "H1"), (d1, "H2")];
        expected.sort_unstable();
        assert_eq!(households, expected);
        assert_eq!(names(&shown), ["Groep 4", "Plusklas"]);
        assert!(found(conn, &teacher, p1));
        assert!(reaches(conn, &teacher, p1));
    }

    // The teacher of Groep 7 at the same school, and of A2's Groep 4 (same name, other school).
    for taught in [&world.groep7, &world.a2_groep4] {
        let teacher = groups(&[taught]);
        assert!(matches!(
            pupil_card::read(conn, &teacher, &via(&teacher), p1),
            Err(RepoError::NotFound)
        ));
        assert!(matches!(
            pupils::find(conn, &teacher, p1),
            Err(RepoError::NotFound)
        ));
        assert!(!reaches(conn, &teacher, p1));
    }
    // Groep 7's teacher does reach their own pupil P2, with P2's guardian.
    let groep7 = groups(&[&world.groep7]);
    let shown = card(conn, &groep7, &via(&groep7), p2).expect("the teacher reads P2's card");
    assert_eq!(guardian_ids(&shown), [world.p2.guardian("M2")]);
    assert_eq!(names(&shown), ["Groep 7"]);
    assert!(found(conn, &groep7, p2));
    // A2's teacher reaches P4 and nothing at A1.
    let a2_teacher = groups(&[&world.a2_groep4]);
    assert!(reaches(conn, &a2_teacher, &world.p4.pupil));
    for other in [p1, p2, world.p3.pupil.as_str(), world.p5.pupil.as_str()] {
        assert!(!reaches(conn, &a2_teacher, other), "{other}");
    }
}

#[test]
fn school_staff_reach_their_schools_pupils_and_board_admins_their_boards_schools() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let [p1, p2, p3, p4, p5] = world.pupils();
    let (m1, d1) = (world.p1.guardian("M1"), world.p1.guardian("D1"));

    let a1_staff = schools(&[&world.a1]);
    for pupil in [p1, p2, p3] {
        assert!(reaches(conn, &a1_staff, pupil), "{pupil}");
    }
    for pupil in [p4, p5] {
        assert!(!reaches(conn, &a1_staff, pupil), "{pupil}");
    }
    let shown = card(conn, &a1_staff, &via(&a1_staff), p1).expect("A1's staff read P1's card");
    assert_eq!(shown.place.board_id.to_string(), world.board_a);
    assert_eq!(guardian_ids(&shown), by_id(vec![m1, d1]));
    assert_eq!(names(&shown), ["Groep 4", "Plusklas"]);
    // Staff who see the pupils but not their guardians (a lunch supervisor): the card, no guardians.
    let lunch = card(conn, &a1_staff, &GuardianScope::default(), p1).expect("the card");
    assert!(lunch.guardians.is_empty());
    assert_eq!(names(&lunch), ["Groep 4", "Plusklas"]);

    // Another school of the same board, a school of another board, and both at once.
    let elsewhere = [
        schools(&[&world.a2]),
        schools(&[&world.b1]),
        schools(&[&world.a2, &world.b1]),
    ];
    // Only the pupil scope decides: a guardian scope that reaches P1 opens no card of P1.
    let reaching_guardians = GuardianScope {
        via_pupils: a1_staff.clone(),
        own: uuids(&[m1]),
    };
    for scope in &elsewhere {
        for guardians in [via(scope), reaching_guardians.clone()] {
            assert!(
                matches!(
                    pupil_card::read(conn, scope, &guardians, p1),
                    Err(RepoError::NotFound)
                ),
                "{scope:?} {guardians:?}"
            );
        }
        assert!(
            matches!(pupils::find(conn, scope, p1), Err(RepoError::NotFound)),
            "{scope:?}"
        );
        assert!(!reaches(conn, scope, p1), "{scope:?}");
    }
    assert!(reaches(conn, &schools(&[&world.a2]), p4));
    assert!(reaches(conn, &schools(&[&world.b1]), p5));

    // Board A: the pupils of A1 and A2, not of B1; board B the other way round.
    let board_a = boards(&[&world.board_a]);
    for pupil in [p1, p2, p3, p4] {
        assert!(reaches(conn, &board_a, pupil), "{pupil}");
    }
    assert!(!reaches(conn, &board_a, p5));
    let shown = card(conn, &board_a, &via(&board_a), p4).expect("board A reads P4's card");
    assert_eq!(shown.pupil.school_id, world.a2);
    assert_eq!(shown.place.board_id.to_string(), world.board_a);
    assert_eq!(guardian_ids(&shown), [world.p4.guardian("M4")]);
    let board_b = boards(&[&world.board_b]);
    assert!(reaches(conn, &board_b, p5));
    for pupil in [p1, p2, p3, p4] {
        assert!(!reaches(conn, &board_b, pupil), "{pupil}");
        assert!(
            card(conn, &board_b, &via(&board_b), pupil).is_none(),
            "{pupil}"
        );
    }
}

#[test]
fn a_pupil_who_left_is_not_found_in_any_scope() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let p1 = world.p1.pupil.as_str();
    let (m1, d1) = (world.p1.guardian("M1"), world.p1.guardian("D1"));
    let every = PupilScope {
        boards: uuids(&[&world.board_a]),
        schools: uuids(&[&world.a1]),
        groups: uuids(&[&world.groep4, &world.plusklas]),
        pupils: uuids(&[p1]),
    };
    let scopes = [
        boards(&[&world.board_a]),
        schools(&[&world.a1]),
        groups(&[&world.groep4]),
        groups(&[&world.plusklas]),
        children(&[p1]),
        every,
    ];
    for scope in &scopes {
        assert!(reaches(conn, scope, p1), "before leaving: {scope:?}");
    }

    leave(conn, p1);
    for scope in &scopes {
        assert!(!reaches(conn, scope, p1), "{scope:?}");
        assert!(
            matches!(pupils::find(conn, scope, p1), Err(RepoError::NotFound)),
            "{scope:?}"
        );
        let guardian_scopes = [
            GuardianScope::default(),
            via(scope),
            own(&[m1]),
            GuardianScope {
                via_pupils: scope.clone(),
                own: uuids(&[m1, d1]),
            },
        ];
        for guardians in &guardian_scopes {
            assert!(
                matches!(
                    pupil_card::read(conn, scope, guardians, p1),
                    Err(RepoError::NotFound)
                ),
                "{scope:?} {guardians:?}"
            );
        }
    }
    // The other pupils of the school and of the groups are still there.
    assert!(reaches(conn, &schools(&[&world.a1]), &world.p2.pupil));
    assert!(reaches(conn, &groups(&[&world.groep7]), &world.p2.pupil));
}

#[test]
fn a_pupil_in_no_group_has_a_card_and_a_deactivated_guardian_is_on_no_card() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let (p1, p3) = (world.p1.pupil.as_str(), world.p3.pupil.as_str());
    let m3 = world.p3.guardian("M3");

    // P3 is in no group: the school and P3's guardian read a card without groups.
    let a1_staff = schools(&[&world.a1]);
    let shown = card(conn, &a1_staff, &via(&a1_staff), p3).expect("A1's staff read P3's card");
    assert!(shown.groups.is_empty());
    assert_eq!(guardian_ids(&shown), [m3]);
    assert!(found(conn, &a1_staff, p3));
    let child = children(&[p3]);
    let shown = card(conn, &child, &own(&[m3]), p3).expect("M3 reads P3's card");
    assert!(shown.groups.is_empty());
    assert_eq!(shown.place.board_id.to_string(), world.board_a);
    assert_eq!(guardian_ids(&shown), [m3]);
    assert!(found(conn, &child, p3));
    // And no teacher reaches P3, whichever of the school's groups they teach.
    let every_group = groups(&[&world.plusklas, &world.groep4, &world.groep7]);
    assert!(!reaches(conn, &every_group, p3));

    // D1's record is deactivated: on no card of P1, whoever reads it.
    let (m1, d1) = (world.p1.guardian("M1"), world.p1.guardian("D1"));
    deactivate_guardian(conn, d1);
    let teacher = groups(&[&world.groep4]);
    let board_a = boards(&[&world.board_a]);
    let p1_child = children(&[p1]);
    let everything = GuardianScope {
        via_pupils: a1_staff.clone(),
        own: uuids(&[m1, d1]),
    };
    let readers = [
        (&a1_staff, via(&a1_staff), vec![m1]),
        (&teacher, via(&teacher), vec![m1]),
        (&board_a, via(&board_a), vec![m1]),
        (&p1_child, own(&[m1]), vec![m1]),
        (&p1_child, own(&[d1]), vec![]),
        (&a1_staff, everything, vec![m1]),
    ];
    for (pupils, guardians, expected) in &readers {
        let shown = card(conn, pupils, guardians, p1).expect("P1's card");
        assert_eq!(&guardian_ids(&shown), expected, "{pupils:?} {guardians:?}");
        assert_eq!(names(&shown), ["Groep 4", "Plusklas"]);
    }
    // The pupil itself is still reached.
    assert!(reaches(conn, &teacher, p1));
}

#[test]
fn an_empty_scope_reaches_no_pupil() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let m1 = world.p1.guardian("M1");
    let empty = PupilScope::default();
    let a1_staff = schools(&[&world.a1]);

    for pupil in world.pupils() {
        assert!(!reaches(conn, &empty, pupil), "{pupil}");
        assert!(
            matches!(pupils::find(conn, &empty, pupil), Err(RepoError::NotFound)),
            "{pupil}"
        );
        // A guardian scope does not stand in for the pupil scope: neither own records nor the
        // pupils that staff's guardian scope reaches.
        let guardian_scopes = [GuardianScope::default(), own(&[m1]), via(&a1_staff)];
        for guardians in &guardian_scopes {
            assert!(
                matches!(
                    pupil_card::read(conn, &empty, guardians, pupil),
                    Err(RepoError::NotFound)
                ),
                "{pupil} {guardians:?}"
            );
        }
    }
    // Nor is an id of no pupil found, in the widest scope.
    let unknown = Uuid::now_v7().to_string();
    let everywhere = boards(&[&world.board_a, &world.board_b]);
    assert!(!reaches(conn, &everywhere, &unknown));
}
