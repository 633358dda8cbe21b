//! The conversation planner (issue #12): a round made centrally, teachers' times until the
//! deadline, publication, booking with one booking per slot under any concurrency, unbooking and
//! cancelling. World: school A1 with the teacher of G1 (P1 of separated M1 and D1, P2 of M2); G2
//! (P3) has no teacher.

use chrono::{DateTime, TimeZone, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::World;

pub(crate) fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// When the round is made, when teachers have checked, when booking is open, after the close.
pub(crate) const MADE: (i32, u32, u32, u32, u32) = (2026, 12, 1, 9, 0);
pub(crate) const CHECKED: (i32, u32, u32, u32, u32) = (2026, 12, 5, 9, 0);
pub(crate) const OPEN: (i32, u32, u32, u32, u32) = (2026, 12, 8, 9, 0);
pub(crate) const CLOSED: (i32, u32, u32, u32, u32) = (2026, 12, 12, 9, 0);

pub(crate) fn at(app: &TestApp, (y, m, d, h, min): (i32, u32, u32, u32, u32)) {
    app.clock.hold(Some(utc(y, m, d, h, min)));
}

/// A round for G1 and G2 on 14 December, 15:00–16:00 Amsterdam: four slots of 10 minutes with
/// 5 minutes' pause.
pub(crate) fn round_input(world: &World) -> Value {
    json!({
        "name": "Tienminutengesprekken",
        "purpose": "Voortgang",
        "groups": [world.id("G1"), world.id("G2")],
        "windows": [{"day": "2026-12-14", "starts": "15:00", "ends": "16:00"}],
        "slot_minutes": 10,
        "pause_minutes": 5,
        "teachers_deadline": "2026-12-04T16:00:00Z",
        "booking_opens": "2026-12-07T07:00:00Z",
        "booking_closes": "2026-12-11T16:00:00Z",
    })
}

pub(crate) async fn create_round(app: &TestApp, world: &World, input: &Value) -> Value {
    at(app, MADE);
    let response = app
        .post_json_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/planner/rounds"),
            input,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

pub(crate) async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

/// The round's only desk (the teacher of G1) and its slots as the teacher sees them.
pub(crate) async fn desk_slots(
    app: &TestApp,
    world: &World,
    round: &Value,
) -> (String, Vec<Value>) {
    let desk = round["desks"][0]["id"].as_str().unwrap().to_owned();
    let slots = app
        .get_as(
            world.token("teacher"),
            &format!("/api/v1/planner/desks/{desk}/slots"),
        )
        .await;
    let slots = json_of(slots, 200).await;
    (desk, slots["slots"].as_array().unwrap().clone())
}

/// A round of `round_input`, published, with the clock where booking is open: its id, its desk
/// and the desk's slots.
pub(crate) async fn open_round(app: &TestApp, world: &World) -> (String, String, Vec<Value>) {
    let round = create_round(app, world, &round_input(world)).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    let (desk, slots) = desk_slots(app, world, &round).await;
    publish(app, world, &round_id).await;
    at(app, OPEN);
    (round_id, desk, slots)
}

pub(crate) async fn publish(app: &TestApp, world: &World, round_id: &str) {
    at(app, CHECKED);
    let response = app
        .post_json_as(
            world.token("school_admin"),
            &format!("/api/v1/planner/rounds/{round_id}/publication"),
            &json!({}),
        )
        .await;
    json_of(response, 200).await;
}

pub(crate) async fn book(
    app: &TestApp,
    token: &str,
    round_id: &str,
    slot: &str,
    pupil: &str,
) -> reqwest::Response {
    app.post_json_as(
        token,
        &format!("/api/v1/planner/rounds/{round_id}/bookings"),
        &json!({"slot_id": slot, "pupil_id": pupil}),
    )
    .await
}

#[tokio::test]
async fn a_round_gets_a_desk_per_teacher_with_the_slots_of_its_windows() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let round = create_round(&app, &world, &round_input(&world)).await;
    assert_eq!(round["phase"], "availability");
    let desks = round["desks"].as_array().unwrap();
    assert_eq!(desks.len(), 1, "G2 has no teacher: no desk; {round}");
    assert_eq!(desks[0]["staff_ids"], json!([world.id("S_teacher")]));
    assert_eq!(desks[0]["group_ids"], json!([world.id("G1")]));
    let (_, slots) = desk_slots(&app, &world, &round).await;
    let starts: Vec<&str> = slots
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap())
        .collect();
    // 15:00 Amsterdam is 14:00 UTC in December.
    assert_eq!(
        starts,
        [
            "2026-12-14T14:00:00Z",
            "2026-12-14T14:15:00Z",
            "2026-12-14T14:30:00Z",
            "2026-12-14T14:45:00Z"
        ]
    );
}

#[tokio::test]
async fn a_round_is_refused_per_field_and_only_the_schools_planners_make_one() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    at(&app, MADE);
    let path = world.path("/api/v1/schools/{A1}/planner/rounds");
    let mut bad = round_input(&world);
    bad["windows"][0]["ends"] = json!("14:00");
    bad["booking_closes"] = json!("2026-12-06T07:00:00Z");
    // A pupil's id is no group of the school.
    bad["groups"] = json!([world.id("G1"), world.id("P1")]);
    let response = app
        .post_json_as(world.token("school_admin"), &path, &bad)
        .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    let fields = error_fields(&problem);
    for field in ["windows[0].ends", "booking_closes", "groups[1]"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM planner_rounds"), 0);

    let good = round_input(&world);
    // Staff of the school and the board's admins see the school: 403; a guardian: no planner of
    // staff there, 404.
    for role in ["teacher", "board_admin"] {
        let response = app.post_json_as(world.token(role), &path, &good).await;
        assert_problem(response, 403, "forbidden").await;
    }
    let guardian = app
        .post_json_as(world.token("guardian"), &path, &good)
        .await;
    assert_eq!(guardian.status(), 404);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM planner_rounds"), 0);
}

#[tokio::test]
async fn teachers_check_their_times_until_the_deadline_then_the_round_is_published() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let round = create_round(&app, &world, &round_input(&world)).await;
    let round_id = round["id"].as_str().unwrap();
    let (desk, slots) = desk_slots(&app, &world, &round).await;
    let first = slots[0]["id"].as_str().unwrap();
    let teacher = world.token("teacher");
    let block = |slot: String, blocked: bool| {
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/planner/slots/{slot}"),
        )
        .bearer_auth(teacher)
        .json(&json!({"blocked": blocked}))
        .send()
    };
    let blocked = json_of(block(first.to_owned(), true).await.unwrap(), 200).await;
    assert_eq!(blocked["blocked"], true);
    // A slot added in the window's pause is refused (it overlaps), one after the window too.
    let add = |starts: &str| {
        app.request(
            reqwest::Method::POST,
            &format!("/api/v1/planner/desks/{desk}/slots"),
        )
        .bearer_auth(teacher)
        .json(&json!({"starts_at": starts}))
        .send()
    };
    let overlapping = add("2026-12-14T14:05:00Z").await.unwrap();
    assert_problem(overlapping, 422, "validation-failed").await;
    let outside = add("2026-12-14T15:00:00Z").await.unwrap();
    assert_problem(outside, 422, "validation-failed").await;

    // Guardians do not see it before publication; publishing before the deadline is refused.
    let guardian_view = app
        .get_as(
            world.token("guardian"),
            &format!("/api/v1/planner/rounds/{round_id}"),
        )
        .await;
    assert_eq!(guardian_view.status(), 404);
    let early = app
        .post_json_as(
            world.token("school_admin"),
            &format!("/api/v1/planner/rounds/{round_id}/publication"),
            &json!({}),
        )
        .await;
    assert_problem(early, 409, "conflict").await;

    // After the deadline the teacher can no longer change times; the school publishes.
    at(&app, CHECKED);
    let late = block(first.to_owned(), false).await.unwrap();
    assert_problem(late, 409, "conflict").await;
    publish(&app, &world, round_id).await;
    let seen = app
        .get_as(
            world.token("guardian"),
            &format!("/api/v1/planner/rounds/{round_id}"),
        )
        .await;
    let seen = json_of(seen, 200).await;
    assert_eq!(seen["phase"], "scheduled");
    // Booking has not opened yet.
    let second = slots[1]["id"].as_str().unwrap();
    let response = book(
        &app,
        world.token("guardian"),
        round_id,
        second,
        world.id("P1"),
    )
    .await;
    assert_problem(response, 409, "conflict").await;
}

#[tokio::test]
async fn guardians_book_one_slot_per_child_unbook_while_open_and_cancel_with_a_reason_after() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, _, slots) = crate::planner::open_round(&app, &world).await;
    let slot = |i: usize| slots[i]["id"].as_str().unwrap().to_owned();
    let (m1, m2) = (world.token("guardian"), world.token("other_guardian"));

    let offer = app
        .get_as(m1, &format!("/api/v1/planner/rounds/{round_id}/offer"))
        .await;
    let offer = json_of(offer, 200).await;
    assert_eq!(offer["children"][0]["pupil_id"], world.id("P1"));
    assert_eq!(
        offer["children"][0]["free_slots"].as_array().unwrap().len(),
        4
    );

    let booked = json_of(
        book(&app, m1, &round_id, &slot(0), world.id("P1")).await,
        201,
    )
    .await;
    assert_eq!(booked["state"], "booked");
    // P1's parents are separated: M1's booking is their household's own.
    assert_eq!(booked["household"], "H1");
    // The same slot for another family, and a second slot at the desk for P1: 409.
    let taken = book(&app, m2, &round_id, &slot(0), world.id("P2")).await;
    assert_problem(taken, 409, "conflict").await;
    let second = book(&app, m1, &round_id, &slot(1), world.id("P1")).await;
    assert_problem(second, 409, "conflict").await;
    // Another family's child: refused, nothing booked.
    let not_mine = book(&app, m1, &round_id, &slot(1), world.id("P2")).await;
    assert_problem(not_mine, 422, "validation-failed").await;
    let p2 = json_of(
        book(&app, m2, &round_id, &slot(1), world.id("P2")).await,
        201,
    )
    .await;
    assert_eq!(
        p2["household"],
        Value::Null,
        "P2's parents are not separated: joint"
    );

    // M1 unbooks while booking is open: the slot is free again for M2... who has one already.
    let booking = booked["id"].as_str().unwrap();
    let withdrawal = format!("/api/v1/planner/bookings/{booking}/withdrawal");
    let unbooked = json_of(app.post_json_as(m1, &withdrawal, &json!({})).await, 200).await;
    assert_eq!(unbooked["state"], "unbooked");
    let again = json_of(
        book(&app, m1, &round_id, &slot(0), world.id("P1")).await,
        201,
    )
    .await;

    // Another family cannot end it; after the close M1 cancels only with a reason.
    let again_path = format!(
        "/api/v1/planner/bookings/{}/withdrawal",
        again["id"].as_str().unwrap()
    );
    let other = app.post_json_as(m2, &again_path, &json!({})).await;
    assert_eq!(other.status(), 404);
    at(&app, CLOSED);
    let no_reason = app.post_json_as(m1, &again_path, &json!({})).await;
    let problem = assert_problem(no_reason, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["reason"]);
    let cancelled = app
        .post_json_as(m1, &again_path, &json!({"reason": "Ziek"}))
        .await;
    let cancelled = json_of(cancelled, 200).await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "Ziek");
    let mine = json_of(app.get_as(m1, "/api/v1/me/planner/bookings").await, 200).await;
    let states: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["unbooked", "cancelled"]);
}

#[tokio::test]
async fn a_booked_slot_is_never_blocked_silently() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, _, slots) = crate::planner::open_round(&app, &world).await;
    let slot = slots[2]["id"].as_str().unwrap().to_owned();
    json_of(
        book(
            &app,
            world.token("other_guardian"),
            &round_id,
            &slot,
            world.id("P2"),
        )
        .await,
        201,
    )
    .await;
    // The school's admin may still change slots while booking is open, but not this one.
    let response = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/planner/slots/{slot}"),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&json!({"blocked": true}))
        .send()
        .await
        .unwrap();
    assert_problem(response, 409, "conflict").await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_bookings WHERE state = 'booked'"),
        1
    );
}

#[tokio::test]
async fn a_retried_booking_with_the_same_key_books_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, _, slots) = crate::planner::open_round(&app, &world).await;
    let body = json!({"slot_id": slots[0]["id"], "pupil_id": world.id("P2")});
    let send = || {
        app.request(
            reqwest::Method::POST,
            &format!("/api/v1/planner/rounds/{round_id}/bookings"),
        )
        .bearer_auth(world.token("other_guardian"))
        .header("Idempotency-Key", "booking-retry-1")
        .json(&body)
        .send()
    };
    let first = json_of(send().await.unwrap(), 201).await;
    let retry = send().await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["Idempotent-Replayed"], "true");
    let retried: Value = retry.json().await.unwrap();
    assert_eq!(retried["id"], first["id"]);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM planner_bookings"), 1);
}

#[tokio::test]
async fn racing_guardians_get_one_booking_per_slot_and_every_loser_a_409() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, _, slots) = crate::planner::open_round(&app, &world).await;
    // Both families, each for their child, try every slot three times at once.
    let mut attempts = Vec::new();
    for _ in 0..3 {
        for slot in &slots {
            for (token, pupil) in [("guardian", "P1"), ("other_guardian", "P2")] {
                let slot = slot["id"].as_str().unwrap().to_owned();
                attempts.push((token, pupil, slot));
            }
        }
    }
    let answers = join_all(attempts.iter().map(|(token, pupil, slot)| {
        book(&app, world.token(token), &round_id, slot, world.id(pupil))
    }))
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    let won = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(won, 2, "one booking per child at the desk: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_bookings WHERE state = 'booked'"),
        2
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) AS n FROM (SELECT slot_id FROM planner_bookings \
             WHERE state = 'booked' GROUP BY slot_id HAVING COUNT(*) > 1) twice"
        ),
        0
    );
}

#[tokio::test]
async fn racing_for_a_single_slot_books_it_once_and_every_other_answer_is_409() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut input = round_input(&world);
    input["windows"][0]["ends"] = json!("15:10");
    let round = create_round(&app, &world, &input).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    let (_, slots) = desk_slots(&app, &world, &round).await;
    assert_eq!(slots.len(), 1);
    let slot = slots[0]["id"].as_str().unwrap().to_owned();
    publish(&app, &world, &round_id).await;
    at(&app, OPEN);
    let attempts: Vec<(&str, &str)> = (0..8)
        .flat_map(|_| [("guardian", "P1"), ("other_guardian", "P2")])
        .collect();
    let answers =
        join_all(attempts.iter().map(|(token, pupil)| {
            book(&app, world.token(token), &round_id, &slot, world.id(pupil))
        }))
        .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_bookings WHERE state = 'booked'"),
        1,
        "bookings equal slots"
    );
}

#[tokio::test]
async fn a_retried_round_with_the_same_key_is_made_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    at(&app, MADE);
    let input = round_input(&world);
    let send = || {
        app.request(
            reqwest::Method::POST,
            &world.path("/api/v1/schools/{A1}/planner/rounds"),
        )
        .bearer_auth(world.token("school_admin"))
        .header("Idempotency-Key", "round-retry-1")
        .json(&input)
        .send()
    };
    let first = json_of(send().await.unwrap(), 201).await;
    let retry = send().await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["Idempotent-Replayed"], "true");
    let again: Value = retry.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM planner_rounds"), 1);
}
