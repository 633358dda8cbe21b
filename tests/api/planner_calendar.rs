//! Calendar feeds of the planner (issue #12): a guardian's and a teacher's secret iCalendar URL,
//! read back with an independent parser (the `ical` crate). A booking is an event with a stable
//! UID; unbooking it keeps the UID with a later SEQUENCE and STATUS CANCELLED; another family's
//! booking never shows; a revoked feed is 404; the secret is stored only as its hash. World as in
//! `planner.rs`: the teacher of G1 at A1, M1 (P1) and M2 (P2).

use std::io::BufReader;

use chrono::{TimeZone, Utc};
use ical::parser::ical::component::IcalEvent;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::world::World;

fn hold(app: &TestApp, (m, d): (u32, u32)) {
    app.clock
        .hold(Some(Utc.with_ymd_and_hms(2026, m, d, 9, 0, 0).unwrap()));
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

/// A published round for G1 on 14 December, 15:00–16:00 Amsterdam, booking open: its id, its
/// desk's label and slots.
async fn open_round(app: &TestApp, world: &World) -> (String, String, Vec<String>) {
    hold(app, (12, 1));
    let input = json!({
        "name": "Tienminutengesprekken",
        "groups": [world.id("G1")],
        "windows": [{"day": "2026-12-14", "starts": "15:00", "ends": "16:00"}],
        "slot_minutes": 10,
        "pause_minutes": 5,
        "teachers_deadline": "2026-12-04T16:00:00Z",
        "booking_opens": "2026-12-07T07:00:00Z",
        "booking_closes": "2026-12-11T16:00:00Z",
    });
    let admin = world.token("school_admin");
    let path = world.path("/api/v1/schools/{A1}/planner/rounds");
    let round = json_of(app.post_json_as(admin, &path, &input).await, 201).await;
    let id = round["id"].as_str().unwrap().to_owned();
    let desk = &round["desks"][0];
    let slots_path = format!(
        "/api/v1/planner/desks/{}/slots",
        desk["id"].as_str().unwrap()
    );
    let slots = json_of(app.get_as(world.token("teacher"), &slots_path).await, 200).await;
    let slots = slots["slots"].as_array().unwrap();
    let slots = slots.iter().map(|s| s["id"].as_str().unwrap().to_owned());
    hold(app, (12, 5));
    let publication = format!("/api/v1/planner/rounds/{id}/publication");
    json_of(app.post_json_as(admin, &publication, &json!({})).await, 200).await;
    hold(app, (12, 8));
    let label = desk["label"].as_str().unwrap().to_owned();
    (id, label, slots.collect())
}

async fn book(
    app: &TestApp,
    world: &World,
    who: &str,
    round: &str,
    slot: &str,
    pupil: &str,
) -> String {
    let body = json!({"slot_id": slot, "pupil_id": world.id(pupil)});
    let path = format!("/api/v1/planner/rounds/{round}/bookings");
    let booking = json_of(app.post_json_as(world.token(who), &path, &body).await, 201).await;
    booking["id"].as_str().unwrap().to_owned()
}

/// Makes a feed for `who`: its id and URL.
async fn make_feed(app: &TestApp, world: &World, who: &str) -> (String, String) {
    let response = app
        .post_json_as(world.token(who), "/api/v1/me/planner/feeds", &json!({}))
        .await;
    let feed = json_of(response, 201).await;
    let url = feed["url"].as_str().unwrap().to_owned();
    (feed["id"].as_str().unwrap().to_owned(), url)
}

/// The feed's events, fetched without a token and parsed by the `ical` crate.
async fn events(app: &TestApp, url: &str) -> Vec<IcalEvent> {
    let response = app.request(Method::GET, url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let mut calendars = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("one VCALENDAR").expect(&text);
    assert!(calendars.next().is_none());
    let refresh = calendar
        .properties
        .iter()
        .find(|p| p.name == "X-PUBLISHED-TTL");
    assert_eq!(refresh.and_then(|p| p.value.as_deref()), Some("PT1H"));
    calendar.events
}

fn value<'a>(event: &'a IcalEvent, name: &str) -> &'a str {
    let found = event.properties.iter().find(|p| p.name == name);
    found.and_then(|p| p.value.as_deref()).unwrap_or_default()
}

fn uids(events: &[IcalEvent]) -> Vec<&str> {
    events.iter().map(|e| value(e, "UID")).collect()
}

#[tokio::test]
async fn a_booking_is_an_event_in_both_feeds_and_unbooking_cancels_it_under_the_same_uid() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round, label, slots) = open_round(&app, &world).await;
    let mine = book(&app, &world, "guardian", &round, &slots[0], "P1").await;
    let theirs = book(&app, &world, "other_guardian", &round, &slots[1], "P2").await;
    let (_, guardian_url) = make_feed(&app, &world, "guardian").await;
    let (_, teacher_url) = make_feed(&app, &world, "teacher").await;

    let shown = events(&app, &guardian_url).await;
    let uid = format!("{mine}@ouderportaal");
    assert_eq!(
        uids(&shown),
        [uid.as_str()],
        "another family's booking never shows"
    );
    let event = &shown[0];
    assert_eq!(value(event, "SEQUENCE"), "0");
    assert_eq!(value(event, "STATUS"), "CONFIRMED");
    // 15:00 Amsterdam is 14:00 UTC in December.
    assert_eq!(value(event, "DTSTART"), "20261214T140000Z");
    assert_eq!(value(event, "DTEND"), "20261214T141000Z");
    assert_eq!(
        value(event, "SUMMARY"),
        "Gesprek Tienminutengesprekken — Kind"
    );
    assert_eq!(value(event, "LOCATION"), label);

    // The teacher's feed has every booking at their desk.
    let at_desk = events(&app, &teacher_url).await;
    let other = format!("{theirs}@ouderportaal");
    assert_eq!(uids(&at_desk), [uid.as_str(), other.as_str()]);

    let withdrawal = format!("/api/v1/planner/bookings/{mine}/withdrawal");
    let unbooked = app
        .post_json_as(world.token("guardian"), &withdrawal, &json!({}))
        .await;
    assert_eq!(json_of(unbooked, 200).await["state"], "unbooked");
    for url in [&guardian_url, &teacher_url] {
        let shown = events(&app, url).await;
        let event = shown.iter().find(|e| value(e, "UID") == uid).unwrap();
        assert_eq!(value(event, "SEQUENCE"), "1");
        assert_eq!(value(event, "STATUS"), "CANCELLED");
        assert_eq!(value(event, "DTSTART"), "20261214T140000Z");
    }

    // Only the hash of the secret is stored.
    let secret = guardian_url
        .trim_start_matches("/api/v1/planner/feeds/")
        .trim_end_matches(".ics");
    assert_eq!(secret.len(), 43);
    let clear = format!("SELECT COUNT(*) AS n FROM planner_feeds WHERE secret_hash = '{secret}'");
    assert_eq!(app.scalar(&clear), 0);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM planner_feeds"), 2);
}

#[tokio::test]
async fn a_revoked_feed_is_404_and_only_its_owner_revokes_or_lists_it() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (feed, url) = make_feed(&app, &world, "guardian").await;
    assert!(events(&app, &url).await.is_empty());

    let listed = app
        .get_as(world.token("guardian"), "/api/v1/me/planner/feeds")
        .await;
    let listed = json_of(listed, 200).await;
    assert_eq!(listed["items"][0]["id"], feed.as_str());
    assert_eq!(listed["items"][0]["revoked_at"], Value::Null);
    assert!(
        !listed.to_string().contains(".ics"),
        "never the secret: {listed}"
    );
    let theirs = app
        .get_as(world.token("other_guardian"), "/api/v1/me/planner/feeds")
        .await;
    assert_eq!(json_of(theirs, 200).await["items"], json!([]));

    let path = format!("/api/v1/me/planner/feeds/{feed}");
    let delete = |who: &str| {
        app.request(Method::DELETE, &path)
            .bearer_auth(world.token(who))
            .send()
    };
    let other = delete("other_guardian").await.unwrap();
    assert_problem(other, 404, "not-found").await;
    assert_eq!(events(&app, &url).await.len(), 0, "still live");
    assert_eq!(delete("guardian").await.unwrap().status(), 204);
    assert_eq!(
        delete("guardian").await.unwrap().status(),
        204,
        "again: no change"
    );

    let gone = app.request(Method::GET, &url).send().await.unwrap();
    assert_problem(gone, 404, "not-found").await;
    let listed = app
        .get_as(world.token("guardian"), "/api/v1/me/planner/feeds")
        .await;
    assert!(json_of(listed, 200).await["items"][0]["revoked_at"].is_string());
    for unknown in [
        "/api/v1/planner/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",
        "/api/v1/planner/feeds/short.ics",
    ] {
        let response = app.request(Method::GET, unknown).send().await.unwrap();
        assert_problem(response, 404, "not-found").await;
    }
}

#[tokio::test]
async fn a_feed_leaves_out_schools_where_the_planner_is_off_for_that_person() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round, _, slots) = open_round(&app, &world).await;
    let booking = book(&app, &world, "guardian", &round, &slots[0], "P1").await;
    let (_, guardian_url) = make_feed(&app, &world, "guardian").await;
    let (_, teacher_url) = make_feed(&app, &world, "teacher").await;
    assert_eq!(events(&app, &guardian_url).await.len(), 1);

    // On for teachers only: the teacher still sees the booking, the guardian no longer.
    crate::authorization::switch(&app, &world, "planner", &["teacher"]).await;
    assert!(events(&app, &guardian_url).await.is_empty());
    let uid = format!("{booking}@ouderportaal");
    assert_eq!(uids(&events(&app, &teacher_url).await), [uid.as_str()]);
}

#[tokio::test]
async fn parallel_creates_never_pass_the_limit_of_live_feeds() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let token = world.token("guardian");
    let body = json!({});
    let answers = futures_util::future::join_all(
        (0..16).map(|_| app.post_json_as(token, "/api/v1/me/planner/feeds", &body)),
    )
    .await;
    let created = answers.iter().filter(|r| r.status() == 201).count();
    let refused = answers.iter().filter(|r| r.status() == 409).count();
    assert_eq!((created, refused), (10, 6), "the limit is 10 live feeds");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_feeds WHERE revoked_at IS NULL"),
        10
    );
}
