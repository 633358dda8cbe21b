//! What the planner tells guardians: a published round reaches the guardians of its groups, and a
//! teacher's cancelled day cancels each booking with its reason, blocks the day and tells the
//! guardians invited, who may book another time while booking is open.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::planner::{book, create_round, json_of, publish, round_input, utc};
use crate::world::World;

async fn inbox_types(app: &TestApp, token: &str) -> Vec<String> {
    let inbox = json_of(app.get_as(token, "/api/v1/me/notifications").await, 200).await;
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["type"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_published_round_reaches_the_guardians_of_its_groups() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let round = create_round(&app, &world, &round_input(&world)).await;
    app.notify_at(utc(2026, 12, 1, 10, 0));
    assert!(
        !inbox_types(&app, world.token("guardian"))
            .await
            .contains(&"planner.published".to_owned()),
        "not before publication"
    );
    publish(&app, &world, round["id"].as_str().unwrap()).await;
    app.notify_at(utc(2026, 12, 5, 10, 0));
    for guardian in ["guardian", "other_guardian"] {
        let types = inbox_types(&app, world.token(guardian)).await;
        assert!(
            types.contains(&"planner.published".to_owned()),
            "{guardian}: {types:?}"
        );
    }
    // Staff are not in a round's audience.
    let teacher = inbox_types(&app, world.token("teacher")).await;
    assert!(!teacher.contains(&"planner.published".to_owned()));
}

#[tokio::test]
async fn a_cancelled_day_cancels_each_booking_with_its_reason_and_tells_the_guardians() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, desk, slots) = crate::planner::open_round(&app, &world).await;
    let (m1, m2) = (world.token("guardian"), world.token("other_guardian"));
    let slot = |i: usize| slots[i]["id"].as_str().unwrap().to_owned();
    json_of(
        book(&app, m1, &round_id, &slot(0), world.id("P1")).await,
        201,
    )
    .await;
    json_of(
        book(&app, m2, &round_id, &slot(1), world.id("P2")).await,
        201,
    )
    .await;

    let path = format!("/api/v1/planner/desks/{desk}/cancellations");
    let cancel = |token: &'static str, body: Value| {
        app.request(Method::POST, &path)
            .bearer_auth(world.token(token))
            .json(&body)
            .send()
    };
    // Another family cannot; a reason is needed.
    assert_eq!(
        cancel("guardian", json!({"day": "2026-12-14", "reason": "x"}))
            .await
            .unwrap()
            .status(),
        404
    );
    let no_reason = cancel("teacher", json!({"day": "2026-12-14", "reason": " "}))
        .await
        .unwrap();
    assert_problem(no_reason, 422, "validation-failed").await;

    let done = json_of(
        cancel(
            "teacher",
            json!({"day": "2026-12-14", "reason": "Juf is ziek"}),
        )
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(done, json!({"cancelled": 2, "blocked": 4}));
    let mine = json_of(app.get_as(m1, "/api/v1/me/planner/bookings").await, 200).await;
    assert_eq!(mine["items"][0]["state"], "cancelled");
    assert_eq!(mine["items"][0]["cancel_reason"], "Juf is ziek");
    app.notify_at(utc(2026, 12, 8, 10, 0));
    for token in [m1, m2] {
        let types = inbox_types(&app, token).await;
        assert!(
            types.contains(&"planner.booking_cancelled".to_owned()),
            "{types:?}"
        );
    }
    // The day is blocked: nothing left to book on it, and no booking was dropped silently.
    let offer = json_of(
        app.get_as(m1, &format!("/api/v1/planner/rounds/{round_id}/offer"))
            .await,
        200,
    )
    .await;
    assert_eq!(offer["children"][0]["free_slots"], json!([]));
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM planner_bookings WHERE state = 'cancelled' AND cancel_reason = 'Juf is ziek'"),
        2
    );
}

#[tokio::test]
async fn a_booked_conversation_is_reminded_once_the_day_before() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (round_id, _, slots) = crate::planner::open_round(&app, &world).await;
    let slot = slots[0]["id"].as_str().unwrap();
    json_of(
        book(
            &app,
            world.token("other_guardian"),
            &round_id,
            slot,
            world.id("P2"),
        )
        .await,
        201,
    )
    .await;
    let reminders = || {
        app.scalar(
            "SELECT COUNT(*) AS n FROM notification_events WHERE kind = 'planner.conversation_reminder'",
        )
    };
    // The conversation is on 14 December at 14:00 UTC: not two days ahead, once the day before.
    app.notify_at(utc(2026, 12, 12, 14, 0));
    assert_eq!(reminders(), 0);
    app.notify_at(utc(2026, 12, 13, 15, 0));
    app.notify_at(utc(2026, 12, 13, 16, 0));
    assert_eq!(reminders(), 1, "once");
    let types = inbox_types(&app, world.token("other_guardian")).await;
    assert!(
        types.contains(&"planner.conversation_reminder".to_owned()),
        "{types:?}"
    );
    assert!(
        !inbox_types(&app, world.token("guardian"))
            .await
            .contains(&"planner.conversation_reminder".to_owned())
    );
}
