//! The person's side of notifications: the inbox (own items only, pages, unread count), the live
//! stream (references only; across instances on PostgreSQL), and the choices and school settings
//! with their validation.

use std::time::Duration;

use chrono::Utc;
use persistence::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::notifications::{at, inbox, mails_to, post_to_school, set_email, world};
use crate::world::World;

#[tokio::test]
async fn the_inbox_pages_counts_unread_and_is_ones_own() {
    let (app, world) = world().await;
    for title in ["Een", "Twee", "Drie"] {
        post_to_school(&app, &world, title, "normal").await;
    }
    app.notify_at(Utc::now());
    let guardian = world.token("guardian");
    let first = inbox(&app, guardian, "?limit=2").await;
    // Three posts and the world's N1 (released by the worker, so fanned out last), newest first.
    assert_eq!(first["unread"], 4);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = inbox(&app, guardian, &format!("?limit=2&cursor={cursor}")).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert!(second.get("next_cursor").is_none());
    let seen: Vec<&Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .collect();
    let titles: Vec<&str> = seen.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Nieuws MarkerN1", "Drie", "Twee", "Een"]);

    let item = first["items"][0]["id"].as_str().unwrap();
    let path = format!("/api/v1/me/notifications/{item}/read");
    // Another guardian cannot mark it: for them it does not exist.
    let other = app
        .request(Method::PUT, &path)
        .bearer_auth(world.token("other_guardian"))
        .send()
        .await
        .unwrap();
    assert_problem(other, 404, "not-found").await;
    for _ in 0..2 {
        let read = app
            .request(Method::PUT, &path)
            .bearer_auth(guardian)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 204, "again is harmless");
    }
    let after = inbox(&app, guardian, "").await;
    assert_eq!(after["unread"], 3);
    assert!(after["items"][0]["read_at"].is_string());
    let all: Value = app
        .request(Method::POST, "/api/v1/me/notifications/read-all")
        .bearer_auth(guardian)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["marked"], 3);
    assert_eq!(inbox(&app, guardian, "").await["unread"], 0);
    // The other guardian's own items are untouched.
    assert_eq!(
        inbox(&app, world.token("other_guardian"), "").await["unread"],
        4
    );
}

async fn put_settings(app: &TestApp, world: &World, body: &Value) -> reqwest::Response {
    app.request(
        Method::PUT,
        &world.path("/api/v1/schools/{A1}/notification-settings"),
    )
    .bearer_auth(world.token("school_admin"))
    .json(body)
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn settings_refuse_bad_times_and_a_school_without_quiet_hours_mails_at_night() {
    let (app, world) = world().await;
    let defaults: Value = app
        .get_as(
            world.token("guardian"),
            &world.path("/api/v1/schools/{A1}/notification-settings"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        defaults,
        json!({"quiet_hours": {"start": "17:00", "end": "07:00"}, "daily_overview_at": "16:00",
               "email_content": "full", "grade_notifications": false})
    );
    let bad = put_settings(
        &app,
        &world,
        &json!({"quiet_hours": {"start": "7:00", "end": "24:00"}, "daily_overview_at": "16:60",
                "email_content": "full", "grade_notifications": false}),
    )
    .await;
    let problem = assert_problem(bad, 422, "validation-failed").await;
    assert_eq!(
        error_fields(&problem),
        ["daily_overview_at", "quiet_hours.start", "quiet_hours.end"]
    );
    let same = put_settings(
        &app,
        &world,
        &json!({"quiet_hours": {"start": "17:00", "end": "17:00"}, "daily_overview_at": "16:00",
                "email_content": "full", "grade_notifications": false}),
    )
    .await;
    let problem = assert_problem(same, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["quiet_hours.end"]);
    // Nothing was stored by the refused calls.
    let unchanged: Value = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/notification-settings"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged, defaults);

    let none = put_settings(
        &app,
        &world,
        &json!({"quiet_hours": null, "daily_overview_at": "08:00",
                "email_content": "full", "grade_notifications": true}),
    )
    .await;
    assert_eq!(none.status(), 200);
    set_email(&app, world.token("guardian"), "immediate").await;
    post_to_school(&app, &world, "Avondbericht", "normal").await;
    // 23:00 in Amsterdam: no quiet hours at this school, so it goes at once.
    app.notify_at(at("2026-12-01T22:00:00Z"));
    let mails = mails_to(&app, "m1@world.example");
    assert!(mails.iter().any(|m| m.subject == "Avondbericht"));
}

#[tokio::test]
async fn preferences_round_trip_and_refuse_unknown_values() {
    let (app, world) = world().await;
    let guardian = world.token("guardian");
    let mine: Value = app
        .get_as(guardian, "/api/v1/me/notification-preferences")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine,
        json!({"email": "daily_digest", "grade_notifications": false})
    );
    let bad = app
        .request(Method::PUT, "/api/v1/me/notification-preferences")
        .bearer_auth(guardian)
        .json(&json!({"email": "hourly", "grade_notifications": false}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["email"]);
    let set = app
        .request(Method::PUT, "/api/v1/me/notification-preferences")
        .bearer_auth(guardian)
        .json(&json!({"email": "off", "grade_notifications": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let mine: Value = app
        .get_as(guardian, "/api/v1/me/notification-preferences")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine, json!({"email": "off", "grade_notifications": true}));
    // Someone else's stay the default.
    let other: Value = app
        .get_as(
            world.token("other_guardian"),
            "/api/v1/me/notification-preferences",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["email"], "daily_digest");
}

/// Reads the stream until the next event frame (at most 10 seconds); answers its data. `text`
/// keeps what was read past it.
async fn next_event(stream: &mut reqwest::Response, text: &mut String) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        while let Some(end) = text.find("\n\n") {
            let frame: String = text.drain(..end + 2).collect();
            if frame.contains("event: notification") {
                let data = frame
                    .lines()
                    .find_map(|line| line.strip_prefix("data: "))
                    .unwrap();
                return serde_json::from_str(data).unwrap();
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("an event within 10 seconds")
            .unwrap()
            .expect("the stream stays open");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test]
async fn a_live_stream_carries_a_reference_only_also_from_another_instance() {
    let app = TestApp::spawn_with(&[
        ("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000"),
        ("OUDERPORTAAL_NOTIFY_POLL_MS", "50"),
    ])
    .await;
    let world = World::build(&app).await;
    // On PostgreSQL the guardian's stream is open on a second instance, which runs no worker: the
    // event reaches it by NOTIFY. SQLite serves one instance; there the stream is on the first.
    let beside = if app.db.backend() == Backend::Postgres {
        Some(app.spawn_beside(&[]).await)
    } else {
        None
    };
    let listening = beside.as_ref().unwrap_or(&app);
    let unauthenticated = listening.get("/api/v1/me/notifications/stream").await;
    assert_eq!(unauthenticated.status(), 401);
    let mut stream = listening
        .request(Method::GET, "/api/v1/me/notifications/stream")
        .bearer_auth(world.token("guardian"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let opened = stream.chunk().await.unwrap().unwrap();
    assert!(std::str::from_utf8(&opened).unwrap().starts_with(": open"));

    let post = post_to_school(&app, &world, "Geheime titel", "urgent").await;
    let mut event = next_event(&mut stream, &mut text).await;
    // The world's own N1 may come first; look for this post's.
    while event["object"]["id"] != post["id"] {
        event = next_event(&mut stream, &mut text).await;
    }
    assert_eq!(event["type"], "news.published");
    assert_eq!(event["object"]["kind"], "news_post");
    let text = event.to_string();
    assert!(!text.contains("Geheime"), "no content: {text}");
    assert!(!text.contains("Kind"), "no names: {text}");
    // The reference is the inbox item the app fetches with its token.
    let items = inbox(&app, world.token("guardian"), "").await;
    assert!(
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["id"] == event["id"])
    );
}

#[tokio::test]
async fn a_sixth_stream_of_one_person_ends_the_oldest() {
    let (app, world) = world().await;
    let mut streams = Vec::new();
    for _ in 0..6 {
        let mut stream = app
            .request(Method::GET, "/api/v1/me/notifications/stream")
            .bearer_auth(world.token("guardian"))
            .send()
            .await
            .unwrap();
        assert_eq!(stream.status(), 200);
        stream.chunk().await.unwrap().unwrap();
        streams.push(stream);
    }
    // The first stream was ended when the sixth opened: it reads to its end.
    let ended = tokio::time::timeout(Duration::from_secs(10), streams[0].chunk())
        .await
        .expect("the oldest stream ends")
        .unwrap();
    assert!(ended.is_none());
}
