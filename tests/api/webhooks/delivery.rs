//! What reaches a receiver: signed, without names, only for the school's subscribed
//! endpoints; retried after a failure with every attempt recorded; sent by the running worker.

use std::time::Duration;

use domain::notify::EventKind;
use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::helpers::TestApp;
use crate::world::World;

#[tokio::test]
async fn an_event_reaches_the_schools_subscribed_endpoints_signed_and_without_names() {
    let app = spawn(&[]).await;
    let world = World::build(&app).await;
    let (news, decisions) = (Receiver::start(), Receiver::start());
    let hook = register(&app, &world, "school_admin", &news.url, &["news.published"]).await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    news.trust(secret);
    let other = register(
        &app,
        &world,
        "board_admin",
        &decisions.url,
        &["change_request.decided"],
    )
    .await;
    decisions.trust(other["secret"].as_str().unwrap());

    // The secret is shown once: not in the list, not in a read.
    let (status, list) = json_as(
        &app,
        &world,
        Method::GET,
        &world.path("/api/v1/schools/{A1}/webhooks"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!list.to_string().contains("whsec_"), "{list}");
    let read = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let (_, read) = json_as(&app, &world, Method::GET, &read).await;
    assert_eq!(read["active"], true);
    assert!(read.get("secret").is_none());

    // A news post at A1: W1 of the world and this endpoint subscribe; the decisions one does not.
    let post = world.id("N1").to_owned();
    assert_eq!(
        event(&app, world.id("A1"), EventKind::NewsPublished, &post).await,
        2
    );
    // An event of another school reaches none of A1's endpoints.
    assert_eq!(
        event(
            &app,
            world.id("B1"),
            EventKind::NewsPublished,
            world.id("N5")
        )
        .await,
        1
    );
    drive(&app, true).await;

    let got = news.received();
    assert_eq!(got.len(), 1, "one delivery, one request");
    let request = &got[0];
    assert!(
        request.verified,
        "the signature verifies with the secret shown"
    );
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(request.header("ouderportaal-event"), "news.published");
    let body = request.json();
    assert_eq!(
        body,
        json!({
            "id": body["id"],
            "type": "news.published",
            "occurred_at": body["occurred_at"],
            "school_id": world.id("A1"),
            "object": {"kind": "news_post", "id": post},
        })
    );
    let occurred = body["occurred_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(occurred).is_ok(),
        "{occurred}"
    );
    let raw = String::from_utf8(request.body.clone()).unwrap();
    assert!(
        !raw.contains("Marker") && !raw.contains("Nieuws"),
        "no names, no content: {raw}"
    );
    assert!(decisions.received().is_empty(), "not subscribed to news");

    let sent = deliveries_of(&app, &world, &hook).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["id"], request.header("ouderportaal-delivery"));
    assert_eq!(sent[0]["state"], "delivered");
    assert_eq!(sent[0]["event"], body);
    assert_eq!(sent[0]["attempts"][0]["status_code"], 200);
    assert!(sent[0]["attempts"][0]["error"].is_null());

    // A decision reaches the other endpoint only.
    assert_eq!(
        event(
            &app,
            world.id("A1"),
            EventKind::ChangeRequestDecided,
            world.id("CR1")
        )
        .await,
        1
    );
    drive(&app, true).await;
    assert_eq!(news.received().len(), 1);
    let decided = decisions.received();
    assert_eq!(decided.len(), 1);
    assert!(decided[0].verified);
    assert_eq!(
        decided[0].json()["object"],
        json!({"kind": "change_request", "id": world.id("CR1")})
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'create_webhook' AND outcome = 'ok'"),
        2
    );
}

#[tokio::test]
async fn a_failed_attempt_is_retried_with_back_off_and_every_attempt_recorded() {
    let app = spawn(&[]).await;
    let world = World::build(&app).await;
    let receiver = Receiver::start();
    let hook = register(
        &app,
        &world,
        "school_admin",
        &receiver.url,
        &["news.published"],
    )
    .await;
    receiver.trust(hook["secret"].as_str().unwrap());
    receiver.answer(&[500]);
    // W1 of the world hears of it too; its host does not resolve, so its attempts fail apart.
    event(
        &app,
        world.id("A1"),
        EventKind::NewsPublished,
        world.id("N1"),
    )
    .await;
    drive(&app, true).await;

    let pending = &deliveries_of(&app, &world, &hook).await[0];
    assert_eq!(pending["state"], "pending");
    assert_eq!(pending["attempts"][0]["status_code"], 500);
    assert_eq!(pending["attempts"][0]["error"], "http_status");
    let next =
        chrono::DateTime::parse_from_rfc3339(pending["next_attempt_at"].as_str().unwrap()).unwrap();
    let wait = next.signed_duration_since(chrono::Utc::now()).num_seconds();
    assert!(
        (20..=30).contains(&wait),
        "the first retry is 30 s later, not {wait}"
    );
    assert_eq!(drive(&app, true).await, 0, "not due before then");

    make_due(&app).await;
    drive(&app, true).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.verified));
    assert_eq!(
        got[0].header("ouderportaal-delivery"),
        got[1].header("ouderportaal-delivery")
    );
    assert_eq!(got[0].body, got[1].body, "the same payload on the retry");
    let delivered = &deliveries_of(&app, &world, &hook).await[0];
    assert_eq!(delivered["state"], "delivered");
    let codes: Vec<&Value> = delivered["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(200)]);
    assert!(delivered["attempts"][1]["duration_ms"].as_i64().unwrap() >= 0);
}

#[tokio::test]
async fn the_running_worker_sends_what_is_due() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_WEBHOOK_POLL_MS", "100")]).await;
    let world = World::build(&app).await;
    let receiver = Receiver::start();
    let hook = register(
        &app,
        &world,
        "school_admin",
        &receiver.url,
        &["news.published"],
    )
    .await;
    receiver.trust(hook["secret"].as_str().unwrap());
    event(
        &app,
        world.id("A1"),
        EventKind::NewsPublished,
        world.id("N1"),
    )
    .await;
    for _ in 0..100 {
        if !receiver.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert!(got[0].verified);
}

#[tokio::test]
async fn a_published_post_reaches_a_webhook_through_the_notification_engine() {
    let app = spawn(&[]).await;
    let world = World::build(&app).await;
    let receiver = Receiver::start();
    let hook = register(
        &app,
        &world,
        "school_admin",
        &receiver.url,
        &["news.published"],
    )
    .await;
    receiver.trust(hook["secret"].as_str().unwrap());
    let post = app
        .post_json_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/news"),
            &json!({"title": "Sportdag", "body": "Tekst", "audience": {"kind": "school"}}),
        )
        .await;
    assert_eq!(post.status(), 201);
    let post: Value = post.json().await.unwrap();
    // The engine's fan-out writes the delivery in the event's transaction; the worker sends it.
    app.notify_at(chrono::Utc::now());
    assert!(drive(&app, true).await >= 1);
    let received = receiver.received();
    let ours: Vec<Value> = received
        .iter()
        .map(|r| r.json())
        .filter(|event| event["object"]["id"] == post["id"])
        .collect();
    assert_eq!(ours.len(), 1, "once: {received:?}");
    assert_eq!(ours[0]["type"], "news.published");
    assert!(!ours[0].to_string().contains("Sportdag"), "no content");
    // Fanning out again sends nothing new.
    app.notify_at(chrono::Utc::now());
    drive(&app, true).await;
    let again = receiver
        .received()
        .iter()
        .filter(|r| r.json()["object"]["id"] == post["id"])
        .count();
    assert_eq!(again, 1);
}
