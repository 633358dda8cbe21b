//! The notification engine (SPEC §6, issue #10) seen from outside: who a post reaches (once per
//! person, children named together), quiet hours, the daily overview, urgent messages, notice-only
//! mails, and scheduled posts notified exactly once with two workers. The engine runs when a test
//! says so, at the instant it names (`TestApp::notify_at`).

use chrono::{DateTime, Duration, Utc};
use persistence::outbox::{self, OutboxRow};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;
pub use crate::news::world;
use crate::world::World;

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

/// Posts to all of A1 as the school admin; answers the post.
pub async fn post_to_school(app: &TestApp, world: &World, title: &str, priority: &str) -> Value {
    let body = json!({"title": title, "body": format!("Tekst van {title}"), "priority": priority,
                      "audience": {"kind": "school"}});
    post(app, world, &body).await
}

pub async fn post(app: &TestApp, world: &World, body: &Value) -> Value {
    let response = app
        .post_json_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/news"),
            body,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

pub async fn inbox(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_as(token, &format!("/api/v1/me/notifications{query}"))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The caller's inbox items about one object.
fn about<'a>(inbox: &'a Value, object: &Value) -> Vec<&'a Value> {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["object"]["id"] == *object)
        .collect()
}

pub async fn set_email(app: &TestApp, token: &str, preference: &str) {
    let response = app
        .request(Method::PUT, "/api/v1/me/notification-preferences")
        .bearer_auth(token)
        .json(&json!({"email": preference, "grade_notifications": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// The mails in the outbox to an address.
pub fn mails_to(app: &TestApp, address: &str) -> Vec<OutboxRow> {
    outbox::pending(&mut app.db.get().unwrap())
        .unwrap()
        .into_iter()
        .filter(|m| m.to_address == address)
        .collect()
}

fn subjects(mails: &[OutboxRow]) -> Vec<String> {
    mails.iter().map(|m| m.subject.clone()).collect()
}

const M1: &str = "m1@world.example";
const M2: &str = "m2@world.example";

#[tokio::test]
async fn a_post_reaches_each_guardian_once_with_their_children_named_together() {
    let (app, world) = world().await;
    // M1 is a guardian of P2 too: two children in the audience, one notification.
    app.execute_sql(&format!(
        "UPDATE pupils SET first_name = 'Sanne' WHERE id = '{}';
         UPDATE pupils SET first_name = 'Daan' WHERE id = '{}';
         INSERT INTO guardian_pupils (guardian_id, pupil_id, relationship, parental_authority, household)
         VALUES ('{}', '{}', 'mother', TRUE, 'H1')",
        world.id("P1"),
        world.id("P2"),
        world.id("M1"),
        world.id("P2")
    ));
    let school_wide = post_to_school(&app, &world, "Studiedag", "normal").await;
    let to_g2 = post(
        &app,
        &world,
        &json!({"title": "Alleen G2", "body": "Tekst",
                "audience": {"kind": "groups", "group_ids": [world.id("G2")]}}),
    )
    .await;
    app.notify_at(Utc::now());

    let m1 = inbox(&app, world.token("guardian"), "").await;
    let items = about(&m1, &school_wide["id"]);
    assert_eq!(items.len(), 1, "one item per person: {m1}");
    assert_eq!(items[0]["children"], "Daan en Sanne");
    assert_eq!(items[0]["type"], "news.published");
    assert_eq!(items[0]["object"]["kind"], "news_post");
    assert_eq!(items[0]["title"], "Studiedag");
    let m2 = inbox(&app, world.token("other_guardian"), "").await;
    assert_eq!(about(&m2, &school_wide["id"])[0]["children"], "Daan");
    // Their children are in G1: a post to G2 reaches neither; staff get no guardian notices.
    assert!(about(&m1, &to_g2["id"]).is_empty());
    assert!(about(&m2, &to_g2["id"]).is_empty());
    let teacher = inbox(&app, world.token("teacher"), "").await;
    assert_eq!(teacher["items"], json!([]));
}

#[tokio::test]
async fn quiet_hours_hold_a_post_at_half_past_five_until_seven_and_urgent_goes_at_once() {
    let (app, world) = world().await;
    set_email(&app, world.token("guardian"), "immediate").await;
    post_to_school(&app, &world, "Gewoon bericht", "normal").await;
    post_to_school(&app, &world, "Spoedbericht", "urgent").await;

    // 1 December, 17:30 in Amsterdam (UTC+1).
    app.notify_at(at("2026-12-01T16:30:00Z"));
    assert_eq!(subjects(&mails_to(&app, M1)), ["[Spoed] Spoedbericht"]);
    // Held until the quiet period ends at 07:00 local, not a minute before.
    app.notify_at(at("2026-12-02T05:59:00Z"));
    assert_eq!(mails_to(&app, M1).len(), 1);
    app.notify_at(at("2026-12-02T06:00:00Z"));
    let mails = subjects(&mails_to(&app, M1));
    assert!(mails.contains(&"Gewoon bericht".to_owned()), "{mails:?}");
    let held = mails_to(&app, M1)
        .into_iter()
        .find(|m| m.subject == "Gewoon bericht")
        .unwrap();
    assert!(held.body.contains("Tekst van Gewoon bericht"));
    assert!(held.body.contains("gaat over Kind"), "names the child");
}

#[tokio::test]
async fn the_daily_overview_gathers_the_days_posts_and_off_still_gets_urgent() {
    let (app, world) = world().await;
    // M1 keeps the default (the daily overview); M2 switches e-mail off.
    set_email(&app, world.token("other_guardian"), "off").await;
    post_to_school(&app, &world, "Eerste", "normal").await;
    post_to_school(&app, &world, "Tweede", "important").await;
    post_to_school(&app, &world, "Brand", "urgent").await;

    // 11:00 in Amsterdam: only the urgent one goes, to both.
    app.notify_at(at("2026-12-01T10:00:00Z"));
    assert_eq!(subjects(&mails_to(&app, M1)), ["[Spoed] Brand"]);
    assert_eq!(subjects(&mails_to(&app, M2)), ["[Spoed] Brand"]);
    // 16:00, the overview: one mail for M1 with the other posts; nothing more for M2.
    app.notify_at(at("2026-12-01T15:00:00Z"));
    let m1 = mails_to(&app, M1);
    assert_eq!(m1.len(), 2, "{:?}", subjects(&m1));
    let overview = &m1[1];
    assert_eq!(overview.kind, "digest");
    assert!(
        overview.body.contains("- Eerste (Kind)"),
        "{}",
        overview.body
    );
    assert!(overview.body.contains("- Tweede (Kind)"));
    assert!(!overview.body.contains("Brand"), "urgent went on its own");
    assert_eq!(mails_to(&app, M2).len(), 1);
    // The inbox has them all, whatever the e-mail preference.
    let m2 = inbox(&app, world.token("other_guardian"), "").await;
    assert!(m2["items"].as_array().unwrap().len() >= 3);
}

#[tokio::test]
async fn a_school_can_keep_content_out_of_mail() {
    let (app, world) = world().await;
    let settings = json!({"quiet_hours": {"start": "17:00", "end": "07:00"}, "daily_overview_at": "16:00",
                          "email_content": "notice_only", "grade_notifications": false});
    let response = app
        .request(
            Method::PUT,
            &world.path("/api/v1/schools/{A1}/notification-settings"),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    set_email(&app, world.token("guardian"), "immediate").await;
    post_to_school(&app, &world, "Hoofdluis in groep 3", "normal").await;
    app.notify_at(at("2026-12-01T10:00:00Z"));
    let mails = mails_to(&app, M1);
    assert!(!mails.is_empty());
    for mail in mails {
        assert!(!mail.subject.contains("Hoofdluis"), "{}", mail.subject);
        assert!(!mail.body.contains("Hoofdluis"), "{}", mail.body);
        assert!(mail.body.contains("nieuw bericht"));
    }
}

#[tokio::test]
async fn a_scheduled_post_notifies_exactly_once_with_two_workers() {
    let (app, world) = world().await;
    let publish_at = Utc::now() + Duration::hours(1);
    let scheduled = post(
        &app,
        &world,
        &json!({"title": "Later", "body": "Tekst", "audience": {"kind": "school"},
                "publish_at": publish_at.to_rfc3339()}),
    )
    .await;
    assert_eq!(scheduled["state"], "scheduled");
    let events = |app: &TestApp| {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM notification_events WHERE object_id = '{}'",
            scheduled["id"].as_str().unwrap()
        ))
    };
    app.notify_at(Utc::now());
    assert_eq!(events(&app), 0, "not live yet: nobody is told");

    // Two workers at once, each several rounds, after it went live.
    let when = publish_at + Duration::minutes(1);
    let workers: Vec<_> = (0..2)
        .map(|n| {
            let db = app.db.clone();
            std::thread::spawn(move || {
                for _ in 0..3 {
                    api::services::news::release_due(&db, when.naive_utc()).unwrap();
                    api::services::notify::fan_out(&db, &format!("worker-{n}"), when).unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(events(&app), 1);
    let m1 = inbox(&app, world.token("guardian"), "").await;
    assert_eq!(about(&m1, &scheduled["id"]).len(), 1);
}

#[tokio::test]
async fn a_post_deleted_before_it_went_out_and_a_module_switched_off_tell_nobody() {
    let (app, world) = world().await;
    let gone = post_to_school(&app, &world, "Vergissing", "urgent").await;
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/v1/news/{}", gone["id"].as_str().unwrap()),
        )
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    app.notify_at(Utc::now());
    let m1 = inbox(&app, world.token("guardian"), "").await;
    assert!(about(&m1, &gone["id"]).is_empty());
    assert!(
        mails_to(&app, M1)
            .iter()
            .all(|m| !m.subject.contains("Vergissing"))
    );

    // News off for guardians at A1: a new post reaches no guardian.
    let off = app
        .request(Method::PUT, &world.path("/api/v1/schools/{A1}/modules"))
        .bearer_auth(world.token("school_admin"))
        .json(&json!({"modules": [{"module": "news", "audiences": ["school_admin"]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 200);
    let quiet = post_to_school(&app, &world, "Alleen intern", "urgent").await;
    app.notify_at(Utc::now());
    let m1 = inbox(&app, world.token("guardian"), "").await;
    assert!(about(&m1, &quiet["id"]).is_empty());
}

#[tokio::test]
async fn a_reminder_reaches_only_those_who_still_owe_a_confirmation_whatever_their_preference() {
    let (app, world) = world().await;
    let asking = post(
        &app,
        &world,
        &json!({"title": "Toestemming schoolreis", "body": "Tekst", "audience": {"kind": "school"},
                "confirmation": "per_child"}),
    )
    .await;
    let id = asking["id"].as_str().unwrap();
    let confirmed = app
        .request(Method::PUT, &format!("/api/v1/news/{id}/confirmation"))
        .bearer_auth(world.token("guardian"))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    set_email(&app, world.token("other_guardian"), "off").await;

    let remind = |actor: &'static str, post: String| {
        let app = &app;
        let world = &world;
        async move {
            app.request(
                Method::POST,
                &format!("/api/v1/news/{post}/confirmation-reminders"),
            )
            .bearer_auth(world.token(actor))
            .send()
            .await
            .unwrap()
        }
    };
    assert_eq!(remind("teacher", id.to_owned()).await.status(), 403);
    let plain = post_to_school(&app, &world, "Zonder bevestiging", "normal").await;
    let refused = remind("school_admin", plain["id"].as_str().unwrap().to_owned()).await;
    assert_eq!(refused.status(), 409);
    let sent = remind("school_admin", id.to_owned()).await;
    assert_eq!(sent.status(), 202);
    assert_eq!(sent.json::<Value>().await.unwrap()["reminded"], 1);

    app.notify_at(at("2026-12-01T10:00:00Z"));
    let reminders = |inbox: &Value| -> usize {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["type"] == "news.confirmation_requested")
            .count()
    };
    assert_eq!(
        reminders(&inbox(&app, world.token("other_guardian"), "").await),
        1
    );
    assert_eq!(
        reminders(&inbox(&app, world.token("guardian"), "").await),
        0
    );
    // E-mail off, but a request to confirm is always mailed.
    let mails = subjects(&mails_to(&app, M2));
    assert_eq!(mails, ["Herinnering: Toestemming schoolreis"]);
}
