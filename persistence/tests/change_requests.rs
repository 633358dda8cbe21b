//! The scoped reads of change requests against a real database: who finds a request by id, whose
//! "my requests" list holds it, and what a school's queue lists. Each test has a database of its
//! own (SQLite, or PostgreSQL when `DATABASE_URL` is a postgres URL).

#[allow(
    dead_code,
    reason = "the school-year builders are for the news and card tests"
)]
mod support;

use domain::change_request::{ChangeRequest, Field, Outcome, RequestScope, Status};
use persistence::change_request::{decide, find, list_at, list_for_guardian};
use persistence::{AnyConnection, RepoError};
use support::{Family, FamilyBuilder, RequestBuilder, TestDb, board, gated, queue_of, school};

/// Board A with schools A1 and A2, board B with school B1. At A1: child P1 of separated parents
/// M1 (household H1) and D1 with his partner S1 (household H2); child P2 of M2 (household H3).
/// At A2: P4 of M4. At B1: P5 of M5.
struct World {
    a1: String,
    a2: String,
    b1: String,
    p1: Family,
    p2: Family,
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
        let p1 = FamilyBuilder::new(&a1, "P1")
            .separated()
            .guardian("M1", "H1")
            .guardian("D1", "H2")
            .guardian("S1", "H2")
            .insert(conn);
        let p2 = FamilyBuilder::new(&a1, "P2")
            .guardian("M2", "H3")
            .insert(conn);
        let p4 = FamilyBuilder::new(&a2, "P4")
            .guardian("M4", "H4")
            .insert(conn);
        let p5 = FamilyBuilder::new(&b1, "P5")
            .guardian("M5", "H5")
            .insert(conn);
        World {
            a1,
            a2,
            b1,
            p1,
            p2,
            p4,
            p5,
        }
    }

    /// M1's request about P1, made from household H1.
    fn m1_about_p1(&self, conn: &mut AnyConnection) -> ChangeRequest {
        RequestBuilder::about_child(&self.a1, &self.p1.pupil, self.p1.guardian("M1"), "H1")
            .submit(conn)
    }
}

/// A guardian's scope: their own requests, at `schools` (where the module is on for guardians).
fn guardian_scope(guardian: &str, schools: &[&str]) -> RequestScope {
    RequestScope {
        guardian_schools: schools.iter().map(|s| (*s).to_owned()).collect(),
        guardians: vec![guardian.to_owned()],
        ..RequestScope::default()
    }
}

fn ids(requests: &[ChangeRequest]) -> Vec<&str> {
    requests.iter().map(|r| r.id.as_str()).collect()
}

/// Whether `find` answers "not found" (the only answer a request outside the scope may give).
fn hidden(conn: &mut AnyConnection, scope: &RequestScope, id: &str) -> bool {
    matches!(find(conn, scope, id), Err(RepoError::NotFound))
}

#[test]
fn a_request_is_found_in_its_own_schools_queue_and_in_no_other() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let request = world.m1_about_p1(conn);

    let found = find(conn, &RequestScope::queue_of(&world.a1), &request.id).unwrap();
    assert_eq!(found.id, request.id);
    assert_eq!(found.subject_id, world.p1.pupil);
    assert_eq!(found.fields.len(), 1);

    // Another school of the same board, a school of another board, and both at once.
    for other in [&world.a2, &world.b1] {
        let queue = RequestScope::queue_of(other);
        assert!(hidden(conn, &queue, &request.id), "in the queue of {other}");
    }
    let elsewhere = RequestScope {
        admin_schools: vec![world.a2.clone(), world.b1.clone()],
        ..RequestScope::default()
    };
    assert!(hidden(conn, &elsewhere, &request.id));
    // Being a guardian somewhere does not open another school's queue either.
    let m4 = RequestScope {
        admin_schools: vec![world.a2.clone()],
        ..guardian_scope(world.p4.guardian("M4"), &[&world.a1, &world.a2])
    };
    assert!(hidden(conn, &m4, &request.id));
}

#[test]
fn a_guardian_sees_their_own_request_only_where_the_module_is_on_for_guardians() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let m1 = world.p1.guardian("M1");
    let about_child = world.m1_about_p1(conn);
    let about_self = RequestBuilder::about_self(&world.a1, m1).submit(conn);

    let on = guardian_scope(m1, &[&world.a1]);
    assert_eq!(find(conn, &on, &about_child.id).unwrap().id, about_child.id);
    assert_eq!(find(conn, &on, &about_self.id).unwrap().id, about_self.id);
    let listed = list_for_guardian(conn, &on, None, 10).unwrap();
    assert_eq!(ids(&listed.items), [&about_self.id, &about_child.id]);

    // On at other schools only, or nowhere: the module is off for guardians at A1.
    for schools in [&[world.a2.as_str(), world.b1.as_str()][..], &[]] {
        let off = guardian_scope(m1, schools);
        assert!(hidden(conn, &off, &about_child.id), "at {schools:?}");
        assert!(hidden(conn, &off, &about_self.id), "at {schools:?}");
        let listed = list_for_guardian(conn, &off, None, 10).unwrap();
        assert!(listed.items.is_empty(), "at {schools:?}");
        assert_eq!(listed.next_cursor, None);
    }
}

#[test]
fn the_other_parent_sees_requests_about_the_child_per_household_when_separated() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let (pupil, d1) = (world.p1.pupil.clone(), world.p1.guardian("D1"));
    let from_h1 = world.m1_about_p1(conn);
    // S1, D1's partner, asks from D1's household: not D1's own request.
    let from_h2 =
        RequestBuilder::about_child(&world.a1, &pupil, world.p1.guardian("S1"), "H2").submit(conn);

    // Parents together: every request about the child.
    let together = RequestScope {
        children: vec![pupil.clone()],
        ..guardian_scope(d1, &[&world.a1])
    };
    assert_eq!(find(conn, &together, &from_h1.id).unwrap().id, from_h1.id);
    assert_eq!(find(conn, &together, &from_h2.id).unwrap().id, from_h2.id);
    let listed = list_for_guardian(conn, &together, None, 10).unwrap();
    assert_eq!(ids(&listed.items), [&from_h2.id, &from_h1.id]);

    // Separated: only what was asked from D1's own household.
    let separated = RequestScope {
        children_of_household: vec![(pupil.clone(), "H2".to_owned())],
        ..guardian_scope(d1, &[&world.a1])
    };
    assert!(hidden(conn, &separated, &from_h1.id));
    assert_eq!(find(conn, &separated, &from_h2.id).unwrap().id, from_h2.id);
    let listed = list_for_guardian(conn, &separated, None, 10).unwrap();
    assert_eq!(ids(&listed.items), [&from_h2.id]);

    // And the same household of another child opens nothing about this one.
    let other_child = RequestScope {
        children_of_household: vec![(world.p2.pupil.clone(), "H1".to_owned())],
        ..guardian_scope(d1, &[&world.a1])
    };
    assert!(hidden(conn, &other_child, &from_h1.id));
}

#[test]
fn a_guardians_list_ignores_their_queues_and_pages_newest_first() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let m2 = world.p2.guardian("M2");
    let in_the_queue = world.m1_about_p1(conn);
    let first = RequestBuilder::about_self(&world.a1, m2).submit(conn);
    let second = RequestBuilder::about_child(&world.a1, &world.p2.pupil, m2, "H3").submit(conn);
    // Replaces `first` (same subject, still open); a replaced request stays in the list.
    let third = RequestBuilder::about_self(&world.a1, m2).submit(conn);

    // M2 also works A1's queue.
    let scope = RequestScope {
        admin_schools: vec![world.a1.clone()],
        children: vec![world.p2.pupil.clone()],
        ..guardian_scope(m2, &[&world.a1])
    };
    assert_eq!(
        find(conn, &scope, &in_the_queue.id).unwrap().id,
        in_the_queue.id
    );

    let page = list_for_guardian(conn, &scope, None, 2).unwrap();
    assert_eq!(ids(&page.items), [&third.id, &second.id]);
    assert_eq!(page.next_cursor.as_deref(), Some(second.id.as_str()));
    let rest = list_for_guardian(conn, &scope, page.next_cursor.as_deref(), 2).unwrap();
    assert_eq!(ids(&rest.items), [&first.id]);
    assert_eq!(rest.items[0].status, Status::Replaced);
    assert_eq!(rest.next_cursor, None);

    // A page that ends exactly at the last request says there is no more.
    let all = list_for_guardian(conn, &scope, None, 3).unwrap();
    assert_eq!(ids(&all.items), [&third.id, &second.id, &first.id]);
    assert_eq!(all.next_cursor, None);
}

#[test]
fn a_school_that_switched_change_requests_off_has_no_queue_to_read() {
    let db = TestDb::new();
    let conn = &mut db.conn();
    let world = World::build(conn);
    assert!(gated(conn, &world.a1).is_some());
    // Only guardians keep the module: for the school's admins it does not exist.
    let guardians_only = domain::modules::ModuleSettings {
        on: vec![(
            domain::modules::Module::ChangeRequests,
            domain::modules::Audience::Guardian,
        )],
    };
    persistence::modules::replace(conn, &world.a1, &guardians_only).unwrap();
    assert!(gated(conn, &world.a1).is_none());
    assert!(gated(conn, &world.a2).is_some());
}

#[test]
fn a_schools_queue_lists_its_own_requests_by_status_oldest_first() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let m2 = world.p2.guardian("M2");
    let first = world.m1_about_p1(conn);
    let at_a2 = RequestBuilder::about_self(&world.a2, world.p4.guardian("M4")).submit(conn);
    let second = RequestBuilder::about_child(&world.a1, &world.p2.pupil, m2, "H3").submit(conn);
    let at_b1 = RequestBuilder::about_self(&world.b1, world.p5.guardian("M5")).submit(conn);
    let third = RequestBuilder::about_self(&world.a1, m2).submit(conn);
    let rejection = [(
        Field::LastName,
        Outcome::Rejected,
        Some("Niet zo".to_owned()),
    )];
    let decided = decide(conn, &second.id, &rejection, "staff-account").unwrap();
    assert_eq!(decided, Some(Status::Rejected));

    let a1 = queue_of(conn, &world.a1);
    let all = list_at(conn, &a1, None, None, 10).unwrap();
    assert_eq!(ids(&all.items), [&first.id, &second.id, &third.id]);
    assert_eq!(all.next_cursor, None);

    let page = list_at(conn, &a1, None, None, 2).unwrap();
    assert_eq!(ids(&page.items), [&first.id, &second.id]);
    assert_eq!(page.next_cursor.as_deref(), Some(second.id.as_str()));
    let rest = list_at(conn, &a1, None, page.next_cursor.as_deref(), 2).unwrap();
    assert_eq!(ids(&rest.items), [&third.id]);
    assert_eq!(rest.next_cursor, None);

    let open = list_at(conn, &a1, Some(Status::Open), None, 1).unwrap();
    assert_eq!(ids(&open.items), [&first.id]);
    let open_rest = list_at(
        conn,
        &a1,
        Some(Status::Open),
        open.next_cursor.as_deref(),
        1,
    )
    .unwrap();
    assert_eq!(ids(&open_rest.items), [&third.id]);
    assert_eq!(open_rest.next_cursor, None);
    let rejected = list_at(conn, &a1, Some(Status::Rejected), None, 10).unwrap();
    assert_eq!(ids(&rejected.items), [&second.id]);
    assert_eq!(rejected.items[0].status, Status::Rejected);
    let processed = list_at(conn, &a1, Some(Status::Processed), None, 10).unwrap();
    assert!(processed.items.is_empty());

    let a2 = queue_of(conn, &world.a2);
    assert_eq!(
        ids(&list_at(conn, &a2, None, None, 10).unwrap().items),
        [&at_a2.id]
    );
    let b1 = queue_of(conn, &world.b1);
    assert_eq!(
        ids(&list_at(conn, &b1, None, None, 10).unwrap().items),
        [&at_b1.id]
    );
}

#[test]
fn another_familys_request_is_never_in_a_guardians_scope() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let world = World::build(conn);
    let m1 = world.p1.guardian("M1");
    let own = world.m1_about_p1(conn);
    let m2 = world.p2.guardian("M2");
    let about_p2 = RequestBuilder::about_child(&world.a1, &world.p2.pupil, m2, "H3").submit(conn);
    let about_m2 = RequestBuilder::about_self(&world.a1, m2).submit(conn);
    let at_b1 = RequestBuilder::about_self(&world.b1, world.p5.guardian("M5")).submit(conn);

    // M1 with the module on everywhere, whether P1's parents count as together or separated.
    let everywhere = [world.a1.as_str(), world.a2.as_str(), world.b1.as_str()];
    let scopes = [
        RequestScope {
            children: vec![world.p1.pupil.clone()],
            ..guardian_scope(m1, &everywhere)
        },
        RequestScope {
            children_of_household: vec![(world.p1.pupil.clone(), "H1".to_owned())],
            ..guardian_scope(m1, &everywhere)
        },
    ];
    for scope in &scopes {
        for other in [&about_p2, &about_m2, &at_b1] {
            assert!(hidden(conn, scope, &other.id), "{scope:?} finds {other:?}");
        }
        let listed = list_for_guardian(conn, scope, None, 10).unwrap();
        assert_eq!(ids(&listed.items), [&own.id], "{scope:?}");
    }
}
