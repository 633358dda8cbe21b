//! Who may do what in the conversation planner: every endpoint × the nine actors × objects of the
//! caller's reach (a round at A1, a booking of P1), of another family (a booking of P2 in the same
//! round) and of another school (a round at B1, a booking of P5). Fresh objects are seeded for
//! every call, so one actor's change does not alter what the next meets; no answer may name another
//! family's booking. And with the planner switched off at A1, every endpoint is 404 for everyone
//! and nothing is written.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::planner::{DuoMode, RoundSettings, RoundTimes, Slot, Window};
use persistence::planner::{self, NewBooking, NewDesk, NewRound};
use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::utc;
use crate::helpers::TestApp;
use crate::leave::send;
use crate::world::{ACTORS, World};

/// Booking is open at this moment: the teachers' deadline has passed.
fn open() -> DateTime<Utc> {
    utc(2026, 12, 8, 9)
}

/// What one seeding made.
struct Seeded {
    round: String,
    desk: String,
    free_slot: String,
    booking: String,
}

/// A round at the school with one desk (its staff member, its group), published unless told,
/// and a booking of `pupil` (invited: `guardian`) in its first slot.
fn seed(
    app: &TestApp,
    world: &World,
    at: &str,
    published: bool,
    pupil: &str,
    guardian: &str,
) -> Seeded {
    let (school, staff, group) = if at == "A1" {
        (
            world.id("A1").to_owned(),
            world.id("S_teacher").to_owned(),
            world.id("G1").to_owned(),
        )
    } else {
        (
            world.id("B1").to_owned(),
            world.id("S_b1_admin").to_owned(),
            app.group_id("GB1"),
        )
    };
    let day = NaiveDate::from_ymd_opt(2026, 12, 14).unwrap();
    let settings = RoundSettings {
        name: "Gesprekken".to_owned(),
        purpose: None,
        windows: vec![Window {
            day,
            starts: NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
            ends: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        }],
        slot_minutes: 10,
        pause_minutes: 5,
        times: RoundTimes {
            teachers_deadline: utc(2026, 12, 4, 16),
            booking_opens: utc(2026, 12, 7, 7),
            booking_closes: utc(2026, 12, 11, 16),
        },
        guardians_may_change: true,
        max_bookings_per_pupil: 1,
        fairness: None,
    };
    // Two slots in the first hour; the second hour is free for a slot a teacher adds.
    let slots: Vec<Slot> = [14, 14]
        .iter()
        .zip([0, 15])
        .map(|(h, m)| {
            let starts = Utc.with_ymd_and_hms(2026, 12, 14, *h, m, 0).unwrap();
            Slot {
                starts_at: starts,
                ends_at: starts + chrono::Duration::minutes(10),
            }
        })
        .collect();
    let desks = [NewDesk {
        label: "Juf".to_owned(),
        staff: vec![staff],
        groups: vec![group.clone()],
    }];
    let mut conn = app.db.get().unwrap();
    let groups = [group];
    let new = NewRound {
        school_id: &school,
        created_by: None,
        settings: &settings,
        duo_mode: DuoMode::Share,
        groups: &groups,
        desks: &desks,
        slots: &slots,
    };
    let round = planner::insert(&mut conn, &new, utc(2026, 12, 1, 9)).unwrap();
    if published {
        assert!(planner::publish(&mut conn, &round.id, utc(2026, 12, 5, 9)).unwrap());
    }
    let desk = planner::desks_of(&mut conn, &round.id).unwrap().remove(0);
    let desk_slots = planner::slots_of(&mut conn, std::slice::from_ref(&desk.id)).unwrap();
    let invited = [world.id(guardian).to_owned()];
    let booking = NewBooking {
        round_id: &round.id,
        desk_id: &desk.id,
        slot_id: &desk_slots[0].id,
        pupil_id: world.id(pupil),
        household: None,
        booked_by: world.id(guardian),
        slot: desk_slots[0].slot,
        invited: &invited,
    };
    let booking = planner::insert_booking(&mut conn, &booking, open())
        .unwrap()
        .unwrap();
    Seeded {
        round: round.id,
        desk: desk.id,
        free_slot: desk_slots[1].id.clone(),
        booking: booking.id,
    }
}

struct Row {
    method: Method,
    /// `{S}` the school, `{R}` the round, `{D}` its desk, `{X}` a free slot, `{B}` the booking.
    path: &'static str,
    /// `{P}` is the column's pupil, `{X}` the free slot.
    body: Option<fn() -> Value>,
    published: bool,
    /// Expected per actor (in `ACTORS` order) for the own booking (P1), another family's (P2),
    /// and another school's (P5 at B1).
    own: [u16; 9],
    other_family: [u16; 9],
    other_school: [u16; 9],
}

const NONE: [u16; 9] = [404; 9];

fn new_round() -> Value {
    json!({
        "name": "Nieuw", "groups": ["{G}"],
        "windows": [{"day": "2026-12-21", "starts": "15:00", "ends": "16:00"}],
        "slot_minutes": 10, "pause_minutes": 0,
        "teachers_deadline": "2026-12-15T16:00:00Z", "booking_opens": "2026-12-16T07:00:00Z",
        "booking_closes": "2026-12-18T16:00:00Z"
    })
}
fn new_slot() -> Value {
    json!({"starts_at": "2026-12-14T15:00:00Z"})
}
fn block() -> Value {
    json!({"blocked": true})
}
fn booking() -> Value {
    json!({"slot_id": "{X}", "pupil_id": "{P}"})
}
fn reason() -> Value {
    json!({"reason": "Ziek"})
}
fn prepared() -> Value {
    json!({"state": "not_necessary"})
}
fn desk_day() -> Value {
    json!({"room": "Lokaal 4"})
}
fn day_off() -> Value {
    json!({"day": "2026-12-14", "reason": "Ziek"})
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let row = |method: Method, path, body, published, own, other_family, other_school| Row {
        method, path, body, published, own, other_family, other_school,
    };
    //                                         operator board school_admin director teacher care lunch guardian other_guardian
    vec![
        row(Method::POST, "/api/v1/schools/{S}/planner/rounds", Some(new_round as fn() -> Value), true,
            [404, 403, 201, 201, 403, 403, 403, 404, 404], [404, 403, 201, 201, 403, 403, 403, 404, 404], NONE),
        row(Method::GET, "/api/v1/schools/{S}/planner/rounds", None, true,
            [404, 404, 200, 200, 200, 200, 200, 200, 200], [404, 404, 200, 200, 200, 200, 200, 200, 200], NONE),
        row(Method::GET, "/api/v1/planner/rounds/{R}", None, true,
            [404, 404, 200, 200, 200, 404, 404, 200, 200], [404, 404, 200, 200, 200, 404, 404, 200, 200], NONE),
        row(Method::POST, "/api/v1/planner/rounds/{R}/publication", None, false,
            [404, 404, 200, 200, 403, 404, 404, 404, 404], [404, 404, 200, 200, 403, 404, 404, 404, 404], NONE),
        row(Method::GET, "/api/v1/planner/desks/{D}/slots", None, true,
            [404, 404, 200, 200, 200, 404, 404, 404, 404], [404, 404, 200, 200, 200, 404, 404, 404, 404], NONE),
        row(Method::POST, "/api/v1/planner/desks/{D}/slots", Some(new_slot as fn() -> Value), true,
            [404, 404, 201, 201, 409, 404, 404, 404, 404], [404, 404, 201, 201, 409, 404, 404, 404, 404], NONE),
        row(Method::PATCH, "/api/v1/planner/slots/{X}", Some(block as fn() -> Value), true,
            [404, 404, 200, 200, 409, 404, 404, 404, 404], [404, 404, 200, 200, 409, 404, 404, 404, 404], NONE),
        row(Method::GET, "/api/v1/planner/rounds/{R}/offer", None, true,
            [404, 404, 404, 404, 404, 404, 404, 200, 200], [404, 404, 404, 404, 404, 404, 404, 200, 200], NONE),
        row(Method::POST, "/api/v1/planner/rounds/{R}/bookings", Some(booking as fn() -> Value), true,
            [404, 404, 404, 404, 404, 404, 404, 409, 422], [404, 404, 404, 404, 404, 404, 404, 422, 409], NONE),
        row(Method::POST, "/api/v1/planner/bookings/{B}/withdrawal", Some(reason as fn() -> Value), true,
            [404, 404, 200, 200, 200, 404, 404, 200, 404], [404, 404, 200, 200, 200, 404, 404, 404, 200], NONE),
        row(Method::POST, "/api/v1/planner/desks/{D}/cancellations", Some(day_off as fn() -> Value), true,
            [404, 404, 200, 200, 200, 404, 404, 404, 404], [404, 404, 200, 200, 200, 404, 404, 404, 404], NONE),
        row(Method::GET, "/api/v1/planner/desks/{D}/schedule?day=2026-12-14", None, true,
            [404, 404, 200, 200, 200, 404, 404, 404, 404], [404, 404, 200, 200, 200, 404, 404, 404, 404], NONE),
        row(Method::GET, "/api/v1/planner/rounds/{R}/progress", None, true,
            [404, 404, 200, 200, 403, 404, 404, 404, 404], [404, 404, 200, 200, 403, 404, 404, 404, 404], NONE),
        row(Method::POST, "/api/v1/planner/rounds/{R}/reminders", None, true,
            [404, 404, 200, 200, 403, 404, 404, 404, 404], [404, 404, 200, 200, 403, 404, 404, 404, 404], NONE),
        row(Method::PUT, "/api/v1/planner/desks/{D}/preparations/{P}", Some(prepared as fn() -> Value), true,
            [404, 404, 200, 200, 200, 404, 404, 404, 404], [404, 404, 200, 200, 200, 404, 404, 404, 404], NONE),
        row(Method::PUT, "/api/v1/planner/desks/{D}/days/2026-12-14", Some(desk_day as fn() -> Value), true,
            [404, 404, 200, 200, 200, 404, 404, 404, 404], [404, 404, 200, 200, 200, 404, 404, 404, 404], NONE),
        row(Method::POST, "/api/v1/me/planner/feeds", None, true,
            [403, 403, 201, 201, 201, 201, 201, 201, 201], [403, 403, 201, 201, 201, 201, 201, 201, 201],
            [403, 403, 201, 201, 201, 201, 201, 201, 201]),
        row(Method::GET, "/api/v1/me/planner/feeds", None, true,
            [200; 9], [200; 9], [200; 9]),
        row(Method::GET, "/api/v1/me/planner/bookings", None, true,
            [200; 9], [200; 9], [200; 9]),
    ]
}

fn fill(template: &str, world: &World, at: &str, pupil: &str, seeded: &Seeded) -> String {
    let group = if at == "A1" {
        world.id("G1").to_owned()
    } else {
        "00000000-0000-7000-8000-000000000000".to_owned()
    };
    template
        .replace("{S}", world.id(at))
        .replace("{R}", &seeded.round)
        .replace("{D}", &seeded.desk)
        .replace("{X}", &seeded.free_slot)
        .replace("{B}", &seeded.booking)
        .replace("{P}", world.id(pupil))
        .replace("{G}", &group)
}

async fn run(app: &TestApp, world: &World, rows: &[Row]) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows {
        let objects = [
            ("A1", "P1", "M1", &row.own),
            ("A1", "P2", "M2", &row.other_family),
            ("B1", "P5", "M5", &row.other_school),
        ];
        for (at, pupil, guardian, expected) in objects {
            for (actor, want) in ACTORS.iter().zip(expected.iter()) {
                let seeded = seed(app, world, at, row.published, pupil, guardian);
                // Another family's booking in another round of A1, which must not leak.
                let (other_pupil, other_guardian) = if pupil == "P1" {
                    ("P2", "M2")
                } else {
                    ("P1", "M1")
                };
                let other = seed(app, world, "A1", true, other_pupil, other_guardian);
                let path = fill(row.path, world, at, pupil, &seeded);
                let body = row.body.map(|make| {
                    let text = fill(&make().to_string(), world, at, pupil, &seeded);
                    serde_json::from_str::<Value>(&text).unwrap()
                });
                let response = send(
                    app,
                    world.token(actor),
                    row.method.clone(),
                    &path,
                    body.as_ref(),
                )
                .await;
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                if status != *want {
                    failures.push(format!(
                        "{} {} as {actor} on {pupil}: {status}, want {want}: {text}",
                        row.method, row.path
                    ));
                }
                let owns_other = matches!(
                    (*actor, other_guardian),
                    ("guardian", "M1") | ("other_guardian", "M2")
                );
                if text.contains(&other.booking) && !owns_other {
                    failures.push(format!(
                        "{} {} as {actor} on {pupil}: leaks {}",
                        row.method, row.path, other.booking
                    ));
                }
            }
        }
    }
    failures
}

#[tokio::test]
async fn every_planner_endpoint_answers_each_actor_as_the_policy_says() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    app.clock.hold(Some(open()));
    let failures = run(&app, &world, &rows()).await;
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn with_the_planner_switched_off_its_endpoints_do_not_exist_and_nothing_is_written() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    app.clock.hold(Some(open()));
    crate::authorization::switch(&app, &world, "planner", &[]).await;
    let off: Vec<Row> = rows()
        .into_iter()
        .filter(|r| !r.path.starts_with("/api/v1/me/"))
        .map(|r| Row {
            own: NONE,
            other_family: NONE,
            other_school: NONE,
            ..r
        })
        .collect();
    let failures = run(&app, &world, &off).await;
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Only what the seeding wrote: two bookings, each live, per call.
    let seeded = app.scalar("SELECT COUNT(*) AS n FROM planner_rounds");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_bookings WHERE state = 'booked'"),
        seeded
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_slots WHERE added OR blocked"),
        0
    );
    // And the caller's own list holds nothing of a school where the planner is off.
    let mine = app
        .get_as(world.token("guardian"), "/api/v1/me/planner/bookings")
        .await;
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["items"], json!([]), "M1's bookings are all at A1");
}
