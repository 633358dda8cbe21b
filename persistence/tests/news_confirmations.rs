//! News, second part, against a real database: the accounts that still owe a read confirmation
//! (what the notification engine's resend needs), guarded edits with their history, and comments
//! reached through their school only. Each test has a database of its own.

#[allow(
    dead_code,
    reason = "the change-request builders are for the change-request tests"
)]
mod support;

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use domain::mail::Language;
use domain::modules::Module;
use domain::news::confirm::AudienceLink;
use domain::news::{Audience, CheckedPost, Confirmation, EditPost, NewPost, Priority, Release};
use persistence::guardians::GuardianPupilRow;
use persistence::ids::{now, uuid};
use persistence::modules::ModuleSchool;
use persistence::news::{self, Edited, comments, confirmations};
use persistence::roster::{self, RosterRows};
use persistence::{AnyConnection, RepoError, accounts};
use support::{Family, FamilyBuilder, TestDb, board, enrol, gated_for, group, school, school_year};

/// School A1 with groups G1 and G2 (and school A2). P1's parents are separated: M1 (household
/// H1) and D1 (H2). P2 lives with M2 and D2 (two household keys, one family). P3 (G2) has M3,
/// who has no account. P4's only guardian M4 is deactivated. M1 is also the guardian of P5 (G2).
/// Every guardian but M3 has an account, named after them.
struct World {
    a1: String,
    a2: String,
    g1: String,
    g2: String,
    author: String,
    p1: Family,
    p2: Family,
    p5: String,
    /// Account ids by guardian key.
    accounts: std::collections::HashMap<&'static str, String>,
}

impl World {
    fn build(conn: &mut AnyConnection) -> World {
        let board = board(conn, "A");
        let (a1, a2) = (school(conn, &board, "A1"), school(conn, &board, "A2"));
        let today = Utc::now().date_naive();
        let year = school_year(
            conn,
            &a1,
            "this",
            today - Duration::days(100),
            today + Duration::days(200),
        );
        let (g1, g2) = (group(conn, &a1, &year, "G1"), group(conn, &a1, &year, "G2"));
        let p1 = FamilyBuilder::new(&a1, "P1")
            .separated()
            .guardian("M1", "H1")
            .guardian("D1", "H2")
            .insert(conn);
        let p2 = FamilyBuilder::new(&a1, "P2")
            .guardian("M2", "H3")
            .guardian("D2", "H4")
            .insert(conn);
        let p3 = FamilyBuilder::new(&a1, "P3")
            .guardian("M3", "H5")
            .insert(conn);
        let p4 = FamilyBuilder::new(&a1, "P4")
            .guardian("M4", "H6")
            .insert(conn);
        let p5 = FamilyBuilder::new(&a1, "P5").insert(conn);
        let sibling = RosterRows {
            guardian_links: vec![GuardianPupilRow {
                guardian_id: p1.guardian("M1").to_owned(),
                pupil_id: p5.pupil.clone(),
                relationship: "parent".to_owned(),
                parental_authority: true,
                household: "H1".to_owned(),
            }],
            ..RosterRows::default()
        };
        roster::insert_rows(conn, &sibling).unwrap_or_else(|e| panic!("sibling linked: {e}"));
        for (pupil, group) in [
            (&p1.pupil, &g1),
            (&p2.pupil, &g1),
            (&p4.pupil, &g1),
            (&p3.pupil, &g2),
            (&p5.pupil, &g2),
        ] {
            enrol(conn, pupil, group);
        }
        let mut ids = std::collections::HashMap::new();
        for (family, key) in [
            (&p1, "M1"),
            (&p1, "D1"),
            (&p2, "M2"),
            (&p2, "D2"),
            (&p4, "M4"),
        ] {
            let account = accounts::insert_person(conn, &format!("{key}@x.example"), None)
                .unwrap_or_else(|e| panic!("account: {e}"));
            ids.insert(key, account.id.clone());
            roster::link_guardian_account(conn, family.guardian(key), &account.id)
                .unwrap_or_else(|e| panic!("linked: {e}"));
        }
        conn.batch_execute(&format!(
            "UPDATE guardians SET deactivated_at = CURRENT_TIMESTAMP WHERE id = '{}'",
            p4.guardian("M4")
        ))
        .unwrap_or_else(|e| panic!("deactivated: {e}"));
        let author = accounts::insert_person(conn, "author@a1.example", None)
            .unwrap_or_else(|e| panic!("author: {e}"))
            .id;
        World {
            a1,
            a2,
            g1,
            g2,
            author,
            p1,
            p2,
            p5: p5.pupil,
            accounts: ids,
        }
    }

    fn news_at(&self, conn: &mut AnyConnection, school: &str) -> ModuleSchool {
        gated_for(conn, school, Module::News).unwrap_or_else(|| panic!("news on at {school}"))
    }

    fn post(
        &self,
        conn: &mut AnyConnection,
        audience: Audience,
        confirmation: Confirmation,
        release: Release,
    ) -> String {
        let at = self.news_at(conn, &self.a1);
        let checked = CheckedPost {
            post: NewPost {
                school_id: uuid(&self.a1),
                title: "Toestemming".to_owned(),
                body: "Tekst".to_owned(),
                language: Language::Dutch,
                audience,
                priority: Priority::Normal,
                pinned: false,
                comments_enabled: false,
                confirmation,
                draft: release == Release::Draft,
                publish_at: None,
                expires_at: None,
                attachments: Vec::new(),
            },
            release,
        };
        news::insert(conn, &at, &checked, &self.author, now())
            .unwrap_or_else(|e| panic!("post written: {e}"))
            .unwrap_or_else(|| panic!("groups are A1's"))
    }

    /// The accounts that still owe a confirmation.
    fn owing(&self, conn: &mut AnyConnection, post: &str) -> Vec<String> {
        news::unconfirmed_accounts(conn, post).unwrap_or_else(|e| panic!("read: {e}"))
    }

    /// The accounts of these guardians, sorted as `unconfirmed_accounts` answers.
    fn emails(&self, keys: &[&str]) -> Vec<String> {
        let mut ids: Vec<String> = keys.iter().map(|k| self.accounts[k].clone()).collect();
        ids.sort();
        ids
    }

    /// M1 confirms the post for both of their children, P1 and P5.
    fn m1_confirms(&self, conn: &mut AnyConnection, post: &str) -> usize {
        let m1 = self.p1.guardian("M1");
        let links = [&self.p1.pupil, &self.p5].map(|pupil| AudienceLink {
            pupil_id: pupil.clone(),
            guardian_id: m1.to_owned(),
            household: "H1".to_owned(),
            parents_separated: *pupil == self.p1.pupil,
        });
        confirmations::confirm(conn, post, &links, now()).unwrap_or_else(|e| panic!("{e}"))
    }
}

#[test]
fn per_child_the_guardians_of_each_unconfirmed_child_owe_it() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let post = w.post(conn, Audience::School, Confirmation::PerChild, Release::Now);
    // M3 has no account, M4 is deactivated: nobody to name for P3 and P4.
    assert_eq!(w.owing(conn, &post), w.emails(&["M1", "D1", "M2", "D2"]));
    assert_eq!(w.m1_confirms(conn, &post), 2);
    assert_eq!(w.m1_confirms(conn, &post), 0, "written once");
    // P1 is confirmed by its mother, so its father owes nothing either.
    assert_eq!(w.owing(conn, &post), w.emails(&["M2", "D2"]));
    // A disabled account is no one to remind.
    conn.batch_execute(
        "UPDATE accounts SET disabled_at = CURRENT_TIMESTAMP WHERE email = 'D2@x.example'",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.owing(conn, &post), w.emails(&["M2"]));
}

#[test]
fn per_household_each_open_household_of_separated_parents_owes_it() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let post = w.post(
        conn,
        Audience::School,
        Confirmation::PerHousehold,
        Release::Now,
    );
    w.m1_confirms(conn, &post);
    // P1's father's household is still open; P2's parents are one family (not separated).
    assert_eq!(w.owing(conn, &post), w.emails(&["D1", "M2", "D2"]));
    let d2 = w.p2.guardian("D2");
    let links = [AudienceLink {
        pupil_id: w.p2.pupil.clone(),
        guardian_id: d2.to_owned(),
        household: "H4".to_owned(),
        parents_separated: false,
    }];
    confirmations::confirm(conn, &post, &links, now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.owing(conn, &post), w.emails(&["D1"]));
}

#[test]
fn a_group_post_is_owed_by_its_groups_guardians_only_and_only_while_it_is_live() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let to_g2 = Audience::Groups(vec![uuid(&w.g2)]);
    let post = w.post(conn, to_g2.clone(), Confirmation::PerChild, Release::Now);
    // G2: P3 (M3, no account) and P5 (M1).
    assert_eq!(w.owing(conn, &post), w.emails(&["M1"]));
    w.m1_confirms(conn, &post);
    assert!(w.owing(conn, &post).is_empty());
    let to_g1 = Audience::Groups(vec![uuid(&w.g1)]);
    let to_g1 = w.post(conn, to_g1, Confirmation::PerChild, Release::Now);
    assert_eq!(w.owing(conn, &to_g1), w.emails(&["M1", "D1", "M2", "D2"]));
    // Nothing is owed for a draft, a scheduled post, a post that asks none, or a deleted one.
    let later = Release::At(Utc::now() + Duration::days(1));
    for (confirmation, release) in [
        (Confirmation::PerChild, Release::Draft),
        (Confirmation::PerChild, later),
        (Confirmation::None, Release::Now),
    ] {
        let post = w.post(conn, Audience::School, confirmation, release);
        assert!(
            w.owing(conn, &post).is_empty(),
            "{confirmation:?} {release:?}"
        );
    }
    let deleted = w.post(conn, Audience::School, Confirmation::PerChild, Release::Now);
    let a1 = w.news_at(conn, &w.a1);
    assert!(news::delete(conn, &a1, &deleted, now()).unwrap_or(false));
    assert!(w.owing(conn, &deleted).is_empty());
    assert!(
        w.owing(conn, "00000000-0000-0000-0000-000000000000")
            .is_empty()
    );
}

#[test]
fn an_edit_applies_to_its_version_only_and_keeps_the_old_text() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let post = w.post(conn, Audience::School, Confirmation::None, Release::Now);
    let a1 = w.news_at(conn, &w.a1);
    let retitle = EditPost {
        title: Some("Nieuw".to_owned()),
        ..EditPost::default()
    };
    let edit = |conn: &mut AnyConnection, at: &ModuleSchool, version: i32| {
        news::edit(conn, at, &post, version, &retitle, &w.author, now())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(edit(conn, &a1, 1), Edited::Applied(2));
    assert_eq!(edit(conn, &a1, 1), Edited::Stale);
    let a2 = w.news_at(conn, &w.a2);
    assert_eq!(
        edit(conn, &a2, 2),
        Edited::Gone,
        "not another school's to edit"
    );
    let history = news::revisions(conn, &a1, &post, None, 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].title.as_str(), history[0].body.as_str()),
        ("Toestemming", "Tekst")
    );
    assert!(
        news::revisions(conn, &a2, &post, None, 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty(),
        "nor to read its history"
    );
}

#[test]
fn comments_are_reached_through_their_school_only_and_hidden_once() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let post = w.post(conn, Audience::School, Confirmation::None, Release::Now);
    let (a1, a2) = (w.news_at(conn, &w.a1), w.news_at(conn, &w.a2));
    let m1 = w.p1.guardian("M1");
    let written =
        comments::insert(conn, &a1, &post, m1, "Leuk", now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        comments::insert(conn, &a2, &post, m1, "Elders", now()),
        Err(RepoError::NotFound)
    ));
    let hide = |conn: &mut AnyConnection, at: &ModuleSchool| {
        comments::set_hidden(conn, at, &post, &written.id, true, &w.author, now())
    };
    assert!(matches!(hide(conn, &a2), Err(RepoError::NotFound)));
    assert_eq!(hide(conn, &a1).ok(), Some(true));
    assert_eq!(hide(conn, &a1).ok(), Some(false), "already hidden");
    let page = |conn: &mut AnyConnection, with_hidden| {
        comments::page(conn, &a1, &post, with_hidden, None, 10).unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(page(conn, false).is_empty());
    let staff = page(conn, true);
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].last_name, "M1");
    assert!(comments::page(conn, &a2, &post, true, None, 10).is_err());
}
