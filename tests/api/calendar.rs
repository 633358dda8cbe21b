//! The school calendar (#11 item 1): the default until an admin sets one, setting it (guarded by
//! version, days off checked per field, groups of the school only), the iCalendar export, who may
//! read and set it, and the absence switch.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::news::world;
use crate::world::{World, this_year};

fn path(world: &World) -> String {
    world.path(&format!("/api/v1/schools/{{A1}}/calendar/{}", this_year()))
}

async fn put(app: &TestApp, world: &World, actor: &str, body: &Value) -> reqwest::Response {
    app.request(Method::PUT, &path(world))
        .bearer_auth(world.token(actor))
        .json(body)
        .send()
        .await
        .unwrap()
}

fn start_year() -> i32 {
    crate::world::this_school_year().start_year
}

fn day(month: u32, day: u32) -> String {
    let year = if month >= 8 {
        start_year()
    } else {
        start_year() + 1
    };
    format!("{year}-{month:02}-{day:02}")
}

#[tokio::test]
async fn until_an_admin_sets_it_the_default_calendar_is_answered_to_everyone_at_the_school() {
    let (app, world) = world().await;
    for actor in ["school_admin", "teacher", "guardian", "board_admin"] {
        let response = app.get_as(world.token(actor), &path(&world)).await;
        assert_eq!(response.status(), 200, "{actor}");
        let calendar: Value = response.json().await.unwrap();
        assert_eq!(calendar["version"], 0);
        assert_eq!(calendar["school_year"], this_year());
        assert_eq!(
            calendar["lesson_minutes"],
            json!([330, 330, 225, 330, 330, 0, 0])
        );
        let school_days = calendar["school_days"].as_u64().unwrap();
        // About 40 school weeks of five days; the default holds vacations and days off.
        assert!((150..=200).contains(&school_days), "{school_days}");
        assert!(!calendar["days_off"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_admin_sets_the_calendar_on_the_version_read_and_a_stale_save_changes_nothing() {
    let (app, world) = world().await;
    let body = json!({
        "version": 0,
        "lesson_minutes": [300, 300, 240, 300, 300, 0, 0],
        "groups": [{"group_id": world.id("G1"), "lesson_minutes": [300, 300, 0, 300, 300, 0, 0]}],
        "days_off": [
            {"kind": "holiday", "name": "Herfstvakantie", "first_day": day(10, 17), "last_day": day(10, 25)},
            {"kind": "study_day", "name": "Studiedag", "first_day": day(11, 30), "last_day": day(11, 30)},
        ],
    });
    let response = put(&app, &world, "school_admin", &body).await;
    assert_eq!(response.status(), 200);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["days_off"].as_array().unwrap().len(), 2);
    assert_eq!(stored["groups"][0]["lesson_minutes"][2], 0);
    // No summer holiday now: every weekday of the year but the 6 days off (9 days, 5 of them
    // weekdays, plus one study day) is a school day.
    let read: Value = app
        .get_as(world.token("guardian"), &path(&world))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read, stored);

    // Saved again on version 0: the calendar changed meanwhile.
    let response = put(&app, &world, "school_admin", &body).await;
    assert_problem(response, 409, "conflict").await;
    let after: Value = app
        .get_as(world.token("school_admin"), &path(&world))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["version"], 1);

    // Without days off, the named region's vacations are stored.
    let seeded =
        json!({"version": 1, "region": "south", "lesson_minutes": [330, 330, 225, 330, 330, 0, 0]});
    let response = put(&app, &world, "school_admin", &seeded).await;
    if this_year() == "2026-2027" {
        assert_eq!(response.status(), 200);
        let stored: Value = response.json().await.unwrap();
        assert_eq!(stored["region"], "south");
        assert_eq!(stored["version"], 2);
        assert!(stored["groups"].as_array().unwrap().is_empty());
        let names: Vec<&str> = stored["days_off"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert!(names.iter().any(|n| n.contains("erst")), "{names:?}");
    } else {
        // A year whose vacations are not held: the days off must be given.
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert_eq!(error_fields(&problem), ["days_off"]);
    }
}

#[tokio::test]
async fn a_bad_calendar_is_refused_per_field_and_nothing_is_stored() {
    let (app, world) = world().await;
    let body = json!({
        "version": 0,
        "lesson_minutes": [300, 300, 600, 300, 300, 0, 0],
        "days_off": [
            {"kind": "holiday", "name": "Omgekeerd", "first_day": day(10, 25), "last_day": day(10, 17)},
            {"kind": "study_day", "name": " ", "first_day": day(11, 30), "last_day": day(11, 30)},
        ],
    });
    let problem = assert_problem(
        put(&app, &world, "school_admin", &body).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["lesson_minutes"]);
    let body = json!({
        "version": 0,
        "lesson_minutes": [300, 300, 240, 300, 300, 0, 0],
        "days_off": [
            {"kind": "holiday", "name": "Omgekeerd", "first_day": day(10, 25), "last_day": day(10, 17)},
            {"kind": "study_day", "name": " ", "first_day": day(11, 30), "last_day": day(11, 30)},
        ],
    });
    let problem = assert_problem(
        put(&app, &world, "school_admin", &body).await,
        422,
        "validation-failed",
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["days_off[0].last_day", "days_off[1].name"]);
    // A group of another school.
    let body = json!({
        "version": 0,
        "lesson_minutes": [300, 300, 240, 300, 300, 0, 0],
        "groups": [{"group_id": "0190a000-0000-7000-8000-000000000001", "lesson_minutes": [300, 300, 0, 300, 300, 0, 0]}],
        "days_off": [],
    });
    let problem = assert_problem(
        put(&app, &world, "school_admin", &body).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["groups"]);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM school_calendars"), 0);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM school_days_off"), 0);
}

#[tokio::test]
async fn only_the_schools_admins_set_it_and_a_bad_school_year_is_named() {
    let (app, world) = world().await;
    let body =
        json!({"version": 0, "lesson_minutes": [300, 300, 240, 300, 300, 0, 0], "days_off": []});
    for (actor, status) in [
        ("teacher", 403),
        ("director", 403),
        ("guardian", 403),
        ("board_admin", 200),
    ] {
        let response = put(&app, &world, actor, &body).await;
        assert_eq!(response.status(), status, "{actor}");
    }
    let response = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/calendar/2026-2028"),
        )
        .await;
    let problem = assert_problem(response, 400, "bad-request").await;
    assert_eq!(error_fields(&problem), ["path.school_year"]);
}

#[tokio::test]
async fn the_calendar_exports_as_icalendar_with_its_days_off() {
    let (app, world) = world().await;
    let body = json!({
        "version": 0,
        "lesson_minutes": [300, 300, 240, 300, 300, 0, 0],
        "days_off": [{"kind": "holiday", "name": "Herfstvakantie; regio zuid", "first_day": day(10, 17), "last_day": day(10, 25)}],
    });
    assert_eq!(put(&app, &world, "school_admin", &body).await.status(), 200);
    let response = app
        .get_as(world.token("guardian"), &format!("{}/ical", path(&world)))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
    assert!(
        text.contains("SUMMARY:Herfstvakantie\\; regio zuid\r\n"),
        "{text}"
    );
    let first = day(10, 17).replace('-', "");
    assert!(
        text.contains(&format!("DTSTART;VALUE=DATE:{first}\r\n")),
        "{text}"
    );
    // The end is exclusive: the day after the last.
    let end = day(10, 26).replace('-', "");
    assert!(
        text.contains(&format!("DTEND;VALUE=DATE:{end}\r\n")),
        "{text}"
    );
}

#[tokio::test]
async fn with_absence_switched_off_the_calendar_does_not_exist() {
    let (app, world) = world().await;
    let off = json!({"modules": [{"module": "absence", "audiences": []}]});
    let response = app
        .request(Method::PUT, &world.path("/api/v1/schools/{A1}/modules"))
        .bearer_auth(world.token("school_admin"))
        .json(&off)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for actor in ["school_admin", "guardian"] {
        let response = app.get_as(world.token(actor), &path(&world)).await;
        assert_eq!(response.status(), 404, "{actor}");
    }
    let body =
        json!({"version": 0, "lesson_minutes": [300, 300, 240, 300, 300, 0, 0], "days_off": []});
    assert_eq!(put(&app, &world, "school_admin", &body).await.status(), 404);
}
