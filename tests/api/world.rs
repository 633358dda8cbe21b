//! A small, explicit world of two boards for authorization tests, built from persistence's roster
//! writes. Every object carries a marker in its name, so a test can tell from any answer whether
//! an object leaked.
//!
//! Board A: school A1 (groups G1, G2) and school A2; board B: school B1.
//! A1: pupil P1 in G1 (guardians M1 and D1, separated households), P2 in G1 (guardian M2),
//!     P3 in G2 (guardian M3); staff: admin, director, teacher of G1, care staff, lunch supervisor.
//! A2: pupil P4 (guardian M4). B1: pupil P5 (guardian M5), staff: admin.
//! Change requests: CR1 by M1 about P1 (A1), CR5 by M5 about P5 (B1).
//! Webhooks: W1 at A1 with one delivery WD1 (of news post N1), W5 at B1.

use std::collections::HashMap;

use diesel::connection::SimpleConnection;

use domain::change_request::{Change, Field, SubjectKind};
use persistence::change_request::{self as change_requests, NewRequest};
use persistence::guardians::GuardianPupilRow;
use persistence::roster::{
    self, NewGroup, NewGuardian, NewPupil, NewStaff, PersonName, RosterRows,
};
use persistence::{Database, accounts, boards, schools};

use crate::helpers::TestApp;

pub const PASSWORD: &str = "world-test-password";

/// The people who act in the matrix, in its column order.
pub const ACTORS: [&str; 9] = [
    "operator",
    "board_admin",
    "school_admin",
    "director",
    "teacher",
    "care_staff",
    "lunch_supervisor",
    "guardian",
    "other_guardian",
];

pub struct World {
    /// Object name (`A1`, `P3`, `M1`, `boardA`, …) to id.
    pub ids: HashMap<&'static str, String>,
    /// Actor name to access token.
    pub tokens: HashMap<&'static str, String>,
}

impl World {
    pub fn id(&self, name: &str) -> &str {
        self.ids
            .get(name)
            .unwrap_or_else(|| panic!("no object {name}"))
    }

    pub fn token(&self, actor: &str) -> &str {
        self.tokens
            .get(actor)
            .unwrap_or_else(|| panic!("no actor {actor}"))
    }

    /// Replaces `{A1}`-style placeholders with ids.
    pub fn path(&self, template: &str) -> String {
        let mut path = template.to_owned();
        for (name, id) in &self.ids {
            path = path.replace(&format!("{{{name}}}"), id);
        }
        assert!(!path.contains('{'), "unresolved placeholder in {path}");
        path
    }

    pub async fn build(app: &TestApp) -> World {
        let db = app.db.clone();
        let (ids, logins) = tokio::task::spawn_blocking(move || write(&db))
            .await
            .unwrap();
        let mut tokens = HashMap::new();
        for (actor, email) in logins {
            let response = app.login(&email, PASSWORD).await;
            assert_eq!(response.status(), 200, "login of {actor}");
            let body: serde_json::Value = response.json().await.unwrap();
            tokens.insert(actor, body["access_token"].as_str().unwrap().to_owned());
        }
        World { ids, tokens }
    }
}

fn name(first: &str, marker: &str) -> PersonName {
    PersonName {
        first_name: first.to_owned(),
        name_prefix: None,
        last_name: marker.to_owned(),
    }
}

/// The school year of today (in Amsterdam): the world's year, the one a sync accepts.
pub fn this_school_year() -> domain::school_year::SchoolYear {
    domain::school_year::SchoolYear::containing(domain::schedule::school_date(chrono::Utc::now()))
}

/// `this_school_year()` by name, e.g. `2026-2027`.
pub fn this_year() -> String {
    this_school_year().name()
}

/// The school year after this one, by name.
pub fn next_year() -> String {
    this_school_year().next().name()
}

/// The marker in an object's last name: `Marker` + the object's name, e.g. `MarkerP3`.
pub fn marker(object: &str) -> String {
    format!("Marker{object}")
}

type Logins = Vec<(&'static str, String)>;

fn write(db: &Database) -> (HashMap<&'static str, String>, Logins) {
    let hash = api::auth::password::hash(PASSWORD).unwrap();
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    let mut logins: Logins = Vec::new();
    let mut conn = db.get().unwrap();
    let conn = &mut *conn;

    let operator = accounts::insert_operator(conn, "operator@world.example", &hash).unwrap();
    logins.push(("operator", operator.email));
    let board_a = boards::insert(conn, "Board A").unwrap();
    let board_b = boards::insert(conn, "Board B").unwrap();
    for board in [&board_a, &board_b] {
        persistence::disclosures::insert_defaults(conn, &board.id).unwrap();
    }
    let admin = accounts::insert_person(conn, "board-admin@world.example", Some(&hash)).unwrap();
    roster::add_board_admin(conn, &admin.id, &board_a.id).unwrap();
    logins.push(("board_admin", admin.email));

    let mut school = |board: &str, name: &str, brin: &str| {
        schools::insert(
            conn,
            &schools::NewSchool {
                board_id: board,
                name,
                brin,
                admin_email: None,
            },
        )
        .unwrap()
        .id
    };
    let a1 = school(&board_a.id, "School A1", "11AA");
    let a2 = school(&board_a.id, "School A2", "22AA");
    let b1 = school(&board_b.id, "School B1", "33BB");
    ids.insert("boardA", board_a.id.clone());
    ids.insert("boardB", board_b.id.clone());

    let year = |conn: &mut persistence::AnyConnection, school: &str| {
        let y = this_school_year();
        roster::insert_school_year(conn, school, &y.name(), y.starts_on(), y.ends_on())
            .unwrap()
            .id
    };
    let group = |conn: &mut persistence::AnyConnection, school: &str, year: &str, key: &str| {
        roster::insert_group(
            conn,
            &NewGroup {
                school_id: school,
                school_year_id: year,
                las_key: key,
                name: key,
                year_group: Some(1),
                is_combined: false,
            },
        )
        .unwrap()
        .id
    };
    let (y_a1, y_a2, y_b1) = (year(conn, &a1), year(conn, &a2), year(conn, &b1));
    ids.insert("Y_A1", y_a1.clone());
    let g1 = group(conn, &a1, &y_a1, "G1");
    let g2 = group(conn, &a1, &y_a1, "G2");
    ids.insert("G1", g1.clone());
    ids.insert("G2", g2.clone());
    let g_a2 = group(conn, &a2, &y_a2, "GA2");
    let g_b1 = group(conn, &b1, &y_b1, "GB1");

    let mut rows = RosterRows::default();
    let mut pupil =
        |rows: &mut RosterRows, key: &'static str, school: &str, group: &str, separated: bool| {
            let row = roster::pupil_row(NewPupil {
                school_id: school.to_owned(),
                las_key: key.to_owned(),
                name: name("Kind", &marker(key)),
                date_of_birth: None,
                parents_separated: separated,
            });
            rows.enrolments.push((row.id.clone(), group.to_owned()));
            ids.insert(key, row.id.clone());
            rows.pupils.push(row);
        };
    pupil(&mut rows, "P1", &a1, &g1, true);
    pupil(&mut rows, "P2", &a1, &g1, false);
    pupil(&mut rows, "P3", &a1, &g2, false);
    pupil(&mut rows, "P4", &a2, &g_a2, false);
    pupil(&mut rows, "P5", &b1, &g_b1, false);

    // (guardian, school, pupil, household)
    let guardians = [
        ("M1", &a1, "P1", "H1"),
        ("D1", &a1, "P1", "H1b"),
        ("M2", &a1, "P2", "H2"),
        ("M3", &a1, "P3", "H3"),
        ("M4", &a2, "P4", "H4"),
        ("M5", &b1, "P5", "H5"),
    ];
    for (key, school, pupil, household) in guardians {
        let row = roster::guardian_row(NewGuardian {
            school_id: school.clone(),
            las_key: key.to_owned(),
            name: name("Ouder", &marker(key)),
            email: Some(format!("{}@world.example", key.to_lowercase())),
            phone: Some(format!("+31 6 {key}")),
        });
        rows.guardian_links.push(GuardianPupilRow {
            guardian_id: row.id.clone(),
            pupil_id: ids[pupil].clone(),
            relationship: "parent".to_owned(),
            parental_authority: true,
            household: household.to_owned(),
        });
        ids.insert(key, row.id.clone());
        rows.guardians.push(row);
    }

    // (actor, school, role, group)
    let staff = [
        ("school_admin", &a1, "school_admin", None),
        ("director", &a1, "director", None),
        ("teacher", &a1, "teacher", Some(&g1)),
        ("care_staff", &a1, "care_staff", None),
        ("lunch_supervisor", &a1, "lunch_supervisor", None),
        ("b1_admin", &b1, "school_admin", None),
    ];
    let mut staff_emails = Vec::new();
    for (actor, school, role, group) in staff {
        let email = format!("{actor}@world.example");
        let row = roster::staff_row(NewStaff {
            school_id: school.clone(),
            las_key: actor.to_owned(),
            name: name("Juf", &marker(actor)),
            email: Some(email.clone()),
            phone: Some(format!("+31 30 {actor}")),
        });
        rows.staff_roles.push((row.id.clone(), role.to_owned()));
        if let Some(group) = group {
            rows.staff_groups.push((row.id.clone(), group.clone()));
        }
        staff_emails.push((actor, email, row.id.clone()));
        if actor == "teacher" {
            ids.insert("S_teacher", row.id.clone());
        } else if actor == "b1_admin" {
            ids.insert("S_b1_admin", row.id.clone());
        }
        rows.staff.push(row);
    }
    roster::insert_rows(conn, &rows).unwrap();

    let mut admin_account = String::new();
    for (actor, email, staff_id) in staff_emails {
        let account = accounts::insert_person(conn, &email, Some(&hash)).unwrap();
        roster::link_staff_account(conn, &staff_id, &account.id).unwrap();
        if actor == "school_admin" {
            admin_account = account.id.clone();
        }
        if actor != "b1_admin" {
            logins.push((actor, email));
        }
    }
    for (actor, guardian) in [("guardian", "M1"), ("other_guardian", "M2")] {
        let email = format!("{}@world.example", guardian.to_lowercase());
        let account = accounts::insert_person(conn, &email, Some(&hash)).unwrap();
        roster::link_guardian_account(conn, &ids[guardian], &account.id).unwrap();
        logins.push((actor, email));
    }
    for (request, school, pupil, guardian, household) in [
        ("CR1", &a1, "P1", "M1", "H1"),
        ("CR5", &b1, "P5", "M5", "H5"),
    ] {
        let change = Change {
            field: Field::LastName,
            current: Some(marker(pupil)),
            proposed: Some(format!("Nieuw{pupil}")),
        };
        let row = change_requests::submit(
            conn,
            &NewRequest {
                school_id: school,
                kind: SubjectKind::Pupil,
                subject_id: &ids[pupil],
                requested_by: &ids[guardian],
                household: Some(household),
                remark: None,
                language: "nl",
                changes: &[change],
            },
        )
        .unwrap();
        ids.insert(request, row.id);
    }
    // News: N1 to all of A1, N2 to A1's G2 (not the guardians' children's group), N5 to B1.
    for (post, school, group) in [("N1", &a1, None), ("N2", &a1, Some(&g2)), ("N5", &b1, None)] {
        let id = persistence::ids::new_id();
        let audience = if group.is_some() { "groups" } else { "school" };
        conn.batch_execute(&format!(
            "INSERT INTO news_posts (id, school_id, author_id, title, body, language, audience, \
             priority, pinned, comments_enabled, confirmation, published_at, live_at, created_at, \
             updated_at) VALUES ('{id}', '{school}', '{admin_account}', 'Nieuws {marker}', 'Tekst', \
             'nl', '{audience}', 'normal', FALSE, FALSE, 'none', CURRENT_TIMESTAMP, \
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            marker = marker(post)
        ))
        .unwrap();
        if let Some(group) = group {
            conn.batch_execute(&format!(
                "INSERT INTO news_post_groups (post_id, group_id) VALUES ('{id}', '{group}')"
            ))
            .unwrap();
        }
        ids.insert(post, id);
    }
    add_webhooks(conn, &mut ids, &a1, &b1);
    add_absences(conn, &mut ids, &a1, &b1);
    ids.insert("A1", a1);
    ids.insert("A2", a2);
    ids.insert("B1", b1);
    (ids, logins)
}

/// W1 at A1 with one delivery (WD1, of N1) and W5 at B1, their descriptions marked. Their URL's
/// host never resolves (`.invalid`), so the app's worker sends nothing anywhere.
fn add_webhooks(
    conn: &mut persistence::AnyConnection,
    ids: &mut HashMap<&'static str, String>,
    a1: &str,
    b1: &str,
) {
    use domain::notify::EventKind;
    use persistence::webhooks::endpoints::{self, NewEndpoint};
    use persistence::webhooks::{EventRef, deliveries, enqueue_for_event};

    let mut w1 = None;
    for (hook, school) in [("W1", a1), ("W5", b1)] {
        let scope = domain::scope::SchoolScope {
            boards: Vec::new(),
            schools: vec![persistence::ids::uuid(school)],
        };
        let visible = schools::find_visible(conn, &scope, school).unwrap();
        let new = NewEndpoint {
            url: "https://hooks.example.invalid/in",
            description: Some(&marker(hook)),
            event_types: &[EventKind::NewsPublished],
            secret: "whsec_world",
        };
        let endpoint = endpoints::insert(conn, &visible, &new, persistence::ids::now()).unwrap();
        ids.insert(hook, endpoint.id.clone());
        w1 = w1.or(Some(endpoint));
    }
    let event = EventRef {
        id: persistence::ids::new_id(),
        school_id: a1.to_owned(),
        kind: EventKind::NewsPublished,
        object_kind: "news_post".to_owned(),
        object_id: ids["N1"].clone(),
        occurred_at: persistence::ids::now(),
    };
    enqueue_for_event(conn, &event).unwrap();
    let page = deliveries::list(conn, &w1.unwrap(), None, 1).unwrap();
    ids.insert("WD1", page.items[0].0.id.clone());
}

/// A roster of nothing for the current school year (an empty export, or a client gone rogue).
pub fn empty_roster() -> serde_json::Value {
    serde_json::json!({"school_year": this_year(), "groups": [], "pupils": [], "guardians": [],
                       "staff": []})
}

impl World {
    /// Gives school A1 the administration address that mail to the school goes to.
    pub fn set_a1_admin_email(&self, app: &TestApp) {
        app.execute_sql(&format!(
            "UPDATE schools SET admin_email = 'administratie@a1.example' WHERE id = '{}'",
            self.id("A1")
        ));
    }
}

/// ABS1: P1's sick report at A1 (medical detail in its note, marked); ABS5: P5's at B1.
fn add_absences(
    conn: &mut persistence::AnyConnection,
    ids: &mut HashMap<&'static str, String>,
    a1: &str,
    b1: &str,
) {
    let today = domain::schedule::school_date(chrono::Utc::now());
    for (name, school, pupil) in [("ABS1", a1, "P1"), ("ABS5", b1, "P5")] {
        let new = persistence::absence::NewAbsence {
            school_id: school.to_owned(),
            pupil_id: ids[pupil].clone(),
            source: "guardian",
            reported_by: None,
            reason: "sick",
            kind: Some("sick"),
            note: Some(marker(name)),
            first_day: today,
            last_day: Some(today),
            expected_return: None,
            minutes: None,
            late: false,
        };
        let row = persistence::absence::insert(conn, &[new], persistence::ids::now())
            .unwrap()
            .remove(0);
        ids.insert(name, row.id);
    }
}
