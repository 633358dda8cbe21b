//! News posts against a real database: which posts a guardian's feed holds (`FeedScope`), the
//! feed's order and cursor while new posts arrive, read receipts, and the groups a post may go to.
//! Each test has a database of its own (SQLite, or PostgreSQL when `DATABASE_URL` says so).

#[allow(
    dead_code,
    reason = "the change-request builders are for the change-request tests"
)]
mod support;

use chrono::{Duration, Utc};
use domain::actor::{Actor, Child, GuardianLink};
use domain::mail::Language;
use domain::modules::Module;
use domain::news::{Audience, CheckedPost, Confirmation, FeedKey, NewPost, Priority, Release};
use persistence::ids::{now, uuid};
use persistence::modules::ModuleSchool;
use persistence::news::{self, FeedScope};
use persistence::{AnyConnection, accounts};
use support::{
    Family, FamilyBuilder, TestDb, board, enrol, gated_for, group, school, school_year as year,
};

/// Board A with schools A1 and A2. At A1: groups G1 and G2 of this school year and G0 of a year
/// that ended; P1 (of M1) in G1, P2 (of M2) in G2. At A2: group H1 with P3 (of M3). Guardian M4 has
/// a child at each school: Q1 in G1 and Q2 in H1.
struct World {
    a1: String,
    a2: String,
    g1: String,
    g2: String,
    g0: String,
    h1: String,
    author: String,
    m1: Actor,
    m2: Actor,
    m3: Actor,
    m4: Actor,
}

/// The guardian link of a family's guardian `key`, with its child.
fn link(board: &str, school: &str, family: &Family, key: &str) -> GuardianLink {
    GuardianLink {
        board_id: uuid(board),
        school_id: uuid(school),
        guardian_id: uuid(family.guardian(key)),
        children: vec![Child {
            pupil_id: uuid(&family.pupil),
            parental_authority: true,
        }],
    }
}

fn guardian(links: Vec<GuardianLink>) -> Actor {
    Actor {
        guardian: links,
        ..Actor::default()
    }
}

impl World {
    fn build(conn: &mut AnyConnection) -> World {
        let board = board(conn, "A");
        let (a1, a2) = (school(conn, &board, "A1"), school(conn, &board, "A2"));
        let today = Utc::now().date_naive();
        let (this_start, this_end) = (today - Duration::days(100), today + Duration::days(200));
        let (old_start, old_end) = (today - Duration::days(500), today - Duration::days(101));
        let (y1, y0) = (
            year(conn, &a1, "this", this_start, this_end),
            year(conn, &a1, "old", old_start, old_end),
        );
        let y2 = year(conn, &a2, "this", this_start, this_end);
        let (g1, g2, g0) = (
            group(conn, &a1, &y1, "G1"),
            group(conn, &a1, &y1, "G2"),
            group(conn, &a1, &y0, "G0"),
        );
        let h1 = group(conn, &a2, &y2, "H1");
        let p1 = FamilyBuilder::new(&a1, "P1")
            .guardian("M1", "H")
            .insert(conn);
        let p2 = FamilyBuilder::new(&a1, "P2")
            .guardian("M2", "H")
            .insert(conn);
        let p3 = FamilyBuilder::new(&a2, "P3")
            .guardian("M3", "H")
            .insert(conn);
        let q1 = FamilyBuilder::new(&a1, "Q1")
            .guardian("M4", "H")
            .insert(conn);
        let q2 = FamilyBuilder::new(&a2, "Q2")
            .guardian("M4", "H")
            .insert(conn);
        enrol(conn, &p1.pupil, &g1);
        enrol(conn, &p2.pupil, &g2);
        enrol(conn, &p3.pupil, &h1);
        enrol(conn, &q1.pupil, &g1);
        enrol(conn, &q2.pupil, &h1);
        // P1 was in G0 last year: last year's group posts are not P1's guardians' any more.
        enrol(conn, &p1.pupil, &g0);
        let author = accounts::insert_person(conn, "author@a1.example", None)
            .unwrap_or_else(|e| panic!("author written: {e}"))
            .id;
        World {
            m1: guardian(vec![link(&board, &a1, &p1, "M1")]),
            m2: guardian(vec![link(&board, &a1, &p2, "M2")]),
            m3: guardian(vec![link(&board, &a2, &p3, "M3")]),
            m4: guardian(vec![
                link(&board, &a1, &q1, "M4"),
                link(&board, &a2, &q2, "M4"),
            ]),
            a1,
            a2,
            g1,
            g2,
            g0,
            h1,
            author,
        }
    }

    fn news_at(&self, conn: &mut AnyConnection, school: &str) -> ModuleSchool {
        gated_for(conn, school, Module::News).unwrap_or_else(|| panic!("news is on at {school}"))
    }

    /// Posts a checked post at `school`; its id.
    fn post(&self, conn: &mut AnyConnection, school: &str, post: Post) -> String {
        let at = self.news_at(conn, school);
        news::insert(conn, &at, &post.checked(school), &self.author, now())
            .unwrap_or_else(|e| panic!("post written: {e}"))
            .unwrap_or_else(|| panic!("{} has the post's groups", school))
    }

    fn feed(&self, conn: &mut AnyConnection, actor: &Actor, schools: &[&str]) -> Vec<String> {
        let scope = scope(conn, actor, schools);
        news::feed(conn, &scope, None, 100, now())
            .unwrap_or_else(|e| panic!("feed read: {e}"))
            .into_iter()
            .map(|item| item.post.title)
            .collect()
    }
}

fn scope(conn: &mut AnyConnection, actor: &Actor, schools: &[&str]) -> FeedScope {
    let schools: Vec<String> = schools.iter().map(|s| (*s).to_owned()).collect();
    FeedScope::for_guardian(conn, actor, &schools, Utc::now().date_naive())
        .unwrap_or_else(|e| panic!("feed scope read: {e}"))
}

/// A post as a test writes it.
struct Post {
    title: &'static str,
    audience: Audience,
    release: Release,
    pinned: bool,
    expires_in: Option<Duration>,
}

impl Post {
    fn to(title: &'static str, audience: Audience) -> Post {
        Post {
            title,
            audience,
            release: Release::Now,
            pinned: false,
            expires_in: None,
        }
    }

    fn groups(title: &'static str, groups: &[&str]) -> Post {
        Post::to(
            title,
            Audience::Groups(groups.iter().map(|g| uuid(g)).collect()),
        )
    }

    fn checked(self, school: &str) -> CheckedPost {
        CheckedPost {
            post: NewPost {
                school_id: uuid(school),
                title: self.title.to_owned(),
                body: "Tekst".to_owned(),
                language: Language::Dutch,
                audience: self.audience,
                priority: Priority::Normal,
                pinned: self.pinned,
                comments_enabled: false,
                confirmation: Confirmation::None,
                draft: matches!(self.release, Release::Draft),
                publish_at: None,
                expires_at: self.expires_in.map(|d| Utc::now() + d),
                attachments: Vec::new(),
            },
            release: self.release,
        }
    }
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

#[test]
fn a_guardian_sees_the_posts_of_their_childrens_schools_and_current_groups_only() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    w.post(conn, &w.a1, Post::to("A1 school", Audience::School));
    w.post(conn, &w.a1, Post::groups("A1 G1", &[&w.g1]));
    w.post(conn, &w.a1, Post::groups("A1 G2", &[&w.g2]));
    w.post(conn, &w.a2, Post::to("A2 school", Audience::School));
    w.post(conn, &w.a2, Post::groups("A2 H1", &[&w.h1]));
    // Not in any feed: a draft, a post scheduled for tomorrow, an expired one, a deleted one.
    let mut draft = Post::to("draft", Audience::School);
    draft.release = Release::Draft;
    w.post(conn, &w.a1, draft);
    let mut later = Post::to("tomorrow", Audience::School);
    later.release = Release::At(Utc::now() + Duration::days(1));
    w.post(conn, &w.a1, later);
    let mut expired = Post::to("expired", Audience::School);
    expired.expires_in = Some(Duration::seconds(-1));
    w.post(conn, &w.a1, expired);
    let deleted = w.post(conn, &w.a1, Post::to("deleted", Audience::School));
    let a1 = w.news_at(conn, &w.a1);
    assert!(news::delete(conn, &a1, &deleted, now()).unwrap_or(false));
    let a2 = w.news_at(conn, &w.a2);
    assert!(
        !news::delete(conn, &a2, &deleted, now()).unwrap_or(true),
        "another school cannot delete it"
    );

    assert_eq!(
        w.feed(conn, &w.m1, &[&w.a1]),
        ["A1 G1", "A1 school"],
        "newest first"
    );
    assert_eq!(
        sorted(w.feed(conn, &w.m2, &[&w.a1])),
        ["A1 G2", "A1 school"]
    );
    assert_eq!(
        sorted(w.feed(conn, &w.m3, &[&w.a2])),
        ["A2 H1", "A2 school"]
    );
    assert_eq!(
        sorted(w.feed(conn, &w.m4, &[&w.a1, &w.a2])),
        ["A1 G1", "A1 school", "A2 H1", "A2 school"],
        "children at two schools"
    );
    assert_eq!(
        w.feed(conn, &w.m4, &[&w.a1, &w.a2]),
        ["A2 H1", "A2 school", "A1 G1", "A1 school"],
        "the schools' pages merged newest first"
    );
    assert_eq!(
        sorted(w.feed(conn, &w.m4, &[&w.a1])),
        ["A1 G1", "A1 school"],
        "a school where news is off for guardians is left out by the service"
    );
    assert!(
        w.feed(conn, &w.m1, &[&w.a2]).is_empty(),
        "a school that is not the guardian's adds nothing"
    );
    assert!(w.feed(conn, &Actor::default(), &[&w.a1]).is_empty());
}

#[test]
fn a_post_goes_only_to_current_groups_of_its_own_school() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let a1 = w.news_at(conn, &w.a1);
    for groups in [
        vec![w.g0.clone()],
        vec![w.h1.clone()],
        vec![w.g1.clone(), w.h1.clone()],
    ] {
        let post = Post::to(
            "x",
            Audience::Groups(groups.iter().map(|g| uuid(g)).collect()),
        );
        let written = news::insert(conn, &a1, &post.checked(&w.a1), &w.author, now())
            .unwrap_or_else(|e| panic!("insert ran: {e}"));
        assert_eq!(written, None, "{groups:?}");
    }
    assert!(
        w.feed(conn, &w.m1, &[&w.a1]).is_empty(),
        "nothing was written"
    );
}

#[test]
fn pages_keep_their_order_and_cursor_while_newer_posts_arrive() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let mut pinned = Post::to("pinned", Audience::School);
    pinned.pinned = true;
    w.post(conn, &w.a1, pinned);
    for title in ["one", "two", "three", "four"] {
        w.post(conn, &w.a1, Post::to(title, Audience::School));
    }
    let scope = scope(conn, &w.m1, &[&w.a1]);
    let mut seen = Vec::new();
    let mut keys: Vec<FeedKey> = Vec::new();
    let mut cursor: Option<FeedKey> = None;
    let mut arrivals = ["five", "six", "seven"].into_iter();
    loop {
        let page = news::feed(conn, &scope, cursor.as_ref(), 2, now())
            .unwrap_or_else(|e| panic!("page read: {e}"));
        if page.is_empty() {
            break;
        }
        for item in &page {
            seen.push(item.post.title.clone());
            keys.extend(item.post.feed_key());
        }
        cursor = page.last().and_then(|item| item.post.feed_key());
        // A newer post arrives between pages: it belongs before the cursor, never after it.
        if let Some(title) = arrivals.next() {
            w.post(conn, &w.a1, Post::to(title, Audience::School));
        }
    }
    assert_eq!(seen, ["pinned", "four", "three", "two", "one"]);
    let mut in_order = keys.clone();
    in_order.sort();
    assert_eq!(keys, in_order, "the domain's feed order");
}

#[test]
fn a_read_is_recorded_once_and_shows_in_that_guardians_feed_only() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    let post = w.post(conn, &w.a1, Post::to("A1 school", Audience::School));
    let m1 = w.m1.guardian[0].guardian_id.to_string();
    assert_eq!(news::mark_read(conn, &post, &m1, now()).ok(), Some(true));
    assert_eq!(
        news::mark_read(conn, &post, &m1, now()).ok(),
        Some(false),
        "harmless twice"
    );
    let read = |conn: &mut AnyConnection, actor: &Actor| {
        let scope = scope(conn, actor, &[&w.a1]);
        news::find_in_feed(conn, &scope, &post, now())
            .unwrap_or_else(|e| panic!("post in the feed: {e}"))
            .read
    };
    assert!(read(conn, &w.m1));
    assert!(!read(conn, &w.m2));
    let scope = scope(conn, &w.m3, &[&w.a2]);
    assert!(
        news::find_in_feed(conn, &scope, &post, now()).is_err(),
        "not in another school's guardian's feed"
    );
}

#[test]
fn a_post_for_the_childs_group_behind_many_for_other_groups_is_still_found() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let conn = &mut conn;
    let w = World::build(conn);
    w.post(conn, &w.a1, Post::groups("for G1", &[&w.g1]));
    // More posts to another group than one walk of the school's feed takes (the feed reads a
    // school's posts a chunk at a time and keeps those that reach the guardian).
    for _ in 0..450 {
        w.post(conn, &w.a1, Post::groups("for G2", &[&w.g2]));
    }
    let scope = scope(conn, &w.m1, &[&w.a1]);
    let page = news::feed(conn, &scope, None, 25, now()).unwrap();
    let titles: Vec<&str> = page.iter().map(|item| item.post.title.as_str()).collect();
    assert_eq!(titles, ["for G1"]);
}
