//! The school's overviews of a round: a desk's day as JSON and as CSV (with a byte-order mark and
//! formulas neutralized), the round's progress, and the daily reminder to those who have not
//! booked, which reaches only them.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::planner::{
    OPEN, at, book, create_round, desk_slots, json_of, publish, round_input, utc,
};
use crate::world::World;

async fn booked_round(app: &TestApp, world: &World) -> (String, String) {
    let round = create_round(app, world, &round_input(world)).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    let (desk, slots) = desk_slots(app, world, &round).await;
    publish(app, world, &round_id).await;
    at(app, OPEN);
    let slot = slots[1]["id"].as_str().unwrap();
    json_of(
        book(
            app,
            world.token("guardian"),
            &round_id,
            slot,
            world.id("P1"),
        )
        .await,
        201,
    )
    .await;
    (round_id, desk)
}

#[tokio::test]
async fn a_desks_day_shows_who_comes_as_json_and_as_safe_csv() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (_, desk) = booked_round(&app, &world).await;
    let path = format!("/api/v1/planner/desks/{desk}/schedule?day=2026-12-14");
    let day = json_of(app.get_as(world.token("teacher"), &path).await, 200).await;
    let lines = day["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["pupil_id"], Value::Null);
    assert_eq!(lines[1]["pupil_id"], world.id("P1"));
    assert_eq!(lines[1]["household"], "H1", "P1's parents are separated");
    assert_eq!(lines[1]["guardians"].as_array().unwrap().len(), 1, "{day}");
    // Another day is empty; another family's guardian and other staff do not see it.
    let other_day = format!("/api/v1/planner/desks/{desk}/schedule?day=2026-12-15");
    let empty = json_of(app.get_as(world.token("teacher"), &other_day).await, 200).await;
    assert_eq!(empty["lines"], json!([]));
    for role in ["guardian", "care_staff"] {
        assert_eq!(
            app.get_as(world.token(role), &path).await.status(),
            404,
            "{role}"
        );
    }

    // A pupil's name from the roster that a spreadsheet would run is shown, not run.
    app.execute_sql(&format!(
        "UPDATE pupils SET first_name = '=HYPERLINK(\"x\")' WHERE id = '{}'",
        world.id("P1")
    ));
    let csv = app
        .request(reqwest::Method::GET, &path)
        .bearer_auth(world.token("teacher"))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark");
    let rows: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(rows[0], "time,pupil,household,guardians");
    assert!(rows[2].contains("\"'=HYPERLINK(\"\"x\"\")"), "{}", rows[2]);
}

#[tokio::test]
async fn the_school_sees_who_booked_and_reminds_the_others_once_a_day() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, _) = booked_round(&app, &world).await;
    let progress_path = format!("/api/v1/planner/rounds/{round_id}/progress");
    let progress = json_of(
        app.get_as(world.token("school_admin"), &progress_path)
            .await,
        200,
    )
    .await;
    assert_eq!(
        progress["pupils"], 3,
        "P1, P2 in G1 and P3 in G2: {progress}"
    );
    assert_eq!(progress["booked"], 1);
    let teacher = app.get_as(world.token("teacher"), &progress_path).await;
    assert_problem(teacher, 403, "forbidden").await;

    let remind = format!("/api/v1/planner/rounds/{round_id}/reminders");
    let sent = json_of(
        app.post_json_as(world.token("school_admin"), &remind, &json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(sent["pupils_without_booking"], 2);
    let again = app
        .post_json_as(world.token("director"), &remind, &json!({}))
        .await;
    assert_problem(again, 409, "conflict").await;

    app.notify_at(utc(2026, 12, 8, 10, 0));
    let types = |inbox: Value| -> Vec<String> {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["type"].as_str().map(str::to_owned))
            .collect()
    };
    let m2 = json_of(
        app.get_as(world.token("other_guardian"), "/api/v1/me/notifications")
            .await,
        200,
    )
    .await;
    assert!(
        types(m2).contains(&"planner.reminder".to_owned()),
        "P2 has no booking"
    );
    let m1 = json_of(
        app.get_as(world.token("guardian"), "/api/v1/me/notifications")
            .await,
        200,
    )
    .await;
    assert!(
        !types(m1).contains(&"planner.reminder".to_owned()),
        "P1 is booked"
    );

    // A day later the school may remind again.
    app.clock.hold(Some(utc(2026, 12, 9, 9, 1)));
    let next_day = app
        .post_json_as(world.token("school_admin"), &remind, &json!({}))
        .await;
    assert_eq!(next_day.status(), 200);
}

#[tokio::test]
async fn a_desks_word_on_a_pupil_and_its_video_link_reach_only_that_pupils_guardians() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, desk) = booked_round(&app, &world).await;
    let teacher = world.token("teacher");
    let put = |path: String, token: &'static str, body: Value| {
        app.request(reqwest::Method::PUT, &path)
            .bearer_auth(world.token(token))
            .json(&body)
            .send()
    };
    let prep = format!(
        "/api/v1/planner/desks/{desk}/preparations/{}",
        world.id("P1")
    );
    let word = json!({"state": "conversation_requested", "note": "Graag over rekenen"});
    json_of(
        put(prep.clone(), "teacher", word.clone()).await.unwrap(),
        200,
    )
    .await;
    // A pupil not at the desk (P3 is in G2), and a guardian: as if it did not exist.
    let p3 = format!(
        "/api/v1/planner/desks/{desk}/preparations/{}",
        world.id("P3")
    );
    assert_eq!(
        put(p3, "teacher", word.clone()).await.unwrap().status(),
        404
    );
    assert_eq!(put(prep, "guardian", word).await.unwrap().status(), 404);

    let offer_path = format!("/api/v1/planner/rounds/{round_id}/offer");
    let offer = |token: &str| {
        let token = token.to_owned();
        let path = offer_path.clone();
        let app = &app;
        async move { app.get_as(&token, &path).await }
    };
    let m1 = json_of(offer(world.token("guardian")).await, 200).await;
    assert_eq!(
        m1["children"][0]["preparations"][0]["state"],
        "conversation_requested"
    );
    assert_eq!(
        m1["children"][0]["preparations"][0]["note"],
        "Graag over rekenen"
    );
    let m2 = json_of(offer(world.token("other_guardian")).await, 200).await;
    assert_eq!(
        m2["children"][0]["preparations"],
        json!([]),
        "P2's guardian sees no word on P1"
    );

    // A day of the round by video: the link reaches the guardian booked that day, and nobody else.
    let day = format!("/api/v1/planner/desks/{desk}/days/2026-12-14");
    let set = json_of(
        put(day, "teacher", json!({"room": "Lokaal 4", "video": true}))
            .await
            .unwrap(),
        200,
    )
    .await;
    let link = set["video_link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("https://") && link.len() > 50, "{link}");
    let not_a_day = format!("/api/v1/planner/desks/{desk}/days/2026-12-15");
    let refused = put(not_a_day, "teacher", json!({"video": true}))
        .await
        .unwrap();
    assert_problem(refused, 422, "validation-failed").await;
    let mine = json_of(
        app.get_as(world.token("guardian"), "/api/v1/me/planner/bookings")
            .await,
        200,
    )
    .await;
    assert_eq!(mine["items"][0]["video_link"], link.as_str());
    assert_eq!(mine["items"][0]["room"], "Lokaal 4");
    for token in [world.token("other_guardian"), teacher] {
        let text = app
            .get_as(token, &format!("/api/v1/planner/rounds/{round_id}/offer"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!text.contains(&link), "the link leaks");
    }
}
