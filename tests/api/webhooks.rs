//! Webhooks end to end: a school admin registers a receiver on loopback (the test app allows
//! private networks, as development does), an event is enqueued as the notification engine will
//! (`persistence::webhooks::enqueue_for_event`), the worker is driven once, and the receiver
//! verifies the signature with the secret the registration showed.

use std::time::Duration;

use api::webhook_worker::WebhookWorker;
use domain::notify::EventKind;
use persistence::webhooks::{EventRef, deliveries, enqueue_for_event};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::webhook_receiver::Receiver;
use crate::world::World;

/// The app with its own webhook worker idle (it looks once at start, then in an hour): the test
/// drives a worker itself, so it knows when a batch was sent.
async fn spawn(extra: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![
        ("OUDERPORTAAL_WEBHOOK_POLL_MS", "3600000"),
        ("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000"),
    ];
    vars.extend_from_slice(extra);
    TestApp::spawn_with(&vars).await
}

/// Registers an endpoint; answers the created endpoint with its secret.
async fn register(app: &TestApp, world: &World, token: &str, url: &str, types: &[&str]) -> Value {
    let response = app
        .post_json_as(
            world.token(token),
            &world.path("/api/v1/schools/{A1}/webhooks"),
            &json!({"url": url, "event_types": types, "description": "Schoolapp"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/webhooks/{}", created["id"].as_str().unwrap())
    );
    created
}

/// An event at a school, as the notification engine reports it; how many deliveries it made.
async fn event(app: &TestApp, school_id: &str, kind: EventKind, object_id: &str) -> usize {
    let event = EventRef {
        id: persistence::ids::new_id(),
        school_id: school_id.to_owned(),
        kind,
        object_kind: kind.object_kind().to_owned(),
        object_id: object_id.to_owned(),
        occurred_at: persistence::ids::now(),
    };
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || enqueue_for_event(&mut db.get().unwrap(), &event).unwrap())
        .await
        .unwrap()
}

/// Sends what is due, as the running worker would; how many deliveries it sent.
async fn drive(app: &TestApp, private_networks: bool) -> usize {
    let worker = WebhookWorker::new(
        app.db.clone(),
        Duration::from_secs(1),
        Duration::from_secs(5),
        private_networks,
    )
    .unwrap();
    let mut sent = 0;
    loop {
        match worker.send_due().await.unwrap() {
            0 => return sent,
            n => sent += n,
        }
    }
}

/// Makes every pending delivery due now, as if its retry's time had come.
async fn make_due(app: &TestApp) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || deliveries::make_due(&mut db.get().unwrap()).unwrap())
        .await
        .unwrap();
}

async fn json_as(app: &TestApp, world: &World, method: Method, path: &str) -> (u16, Value) {
    let response = app
        .request(method, path)
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn deliveries_of(app: &TestApp, world: &World, hook: &Value) -> Vec<Value> {
    let path = format!(
        "/api/v1/webhooks/{}/deliveries",
        hook["id"].as_str().unwrap()
    );
    let (status, page) = json_as(app, world, Method::GET, &path).await;
    assert_eq!(status, 200);
    page["items"].as_array().unwrap().clone()
}

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
async fn an_endpoint_that_keeps_failing_is_disabled_until_an_admin_enables_it() {
    let app = spawn(&[]).await;
    let world = World::build(&app).await;
    let receiver = Receiver::start();
    let hook = register(
        &app,
        &world,
        "school_admin",
        &receiver.url,
        &["change_request.decided"],
    )
    .await;
    receiver.trust(hook["secret"].as_str().unwrap());
    receiver.always(503);
    for _ in 0..5 {
        event(
            &app,
            world.id("A1"),
            EventKind::ChangeRequestDecided,
            world.id("CR1"),
        )
        .await;
    }
    // Six attempts each (the first and five retries), then given up.
    for _ in 0..6 {
        drive(&app, true).await;
        make_due(&app).await;
    }
    assert_eq!(receiver.received().len(), 30);
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let (_, disabled) = json_as(&app, &world, Method::GET, &path).await;
    assert_eq!(disabled["active"], false);
    assert_eq!(disabled["disabled_reason"], "failing");
    assert_eq!(disabled["failed_deliveries_in_a_row"], 5);
    let sent = deliveries_of(&app, &world, &hook).await;
    assert!(
        sent.iter()
            .all(|d| d["state"] == "failed" && d["attempts"].as_array().unwrap().len() == 6)
    );

    // Disabled: new events make no delivery for it, and a replay is refused.
    assert_eq!(
        event(
            &app,
            world.id("A1"),
            EventKind::ChangeRequestDecided,
            world.id("CR1")
        )
        .await,
        0
    );
    let replay = format!(
        "{path}/deliveries/{}/replay",
        sent[0]["id"].as_str().unwrap()
    );
    let refused = app
        .request(Method::POST, &replay)
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    assert_problem(refused, 409, "conflict").await;

    // Enabled again, the receiver fixed: a replay of a given-up delivery goes through.
    receiver.always(204);
    let enabled = app
        .request(Method::PATCH, &path)
        .bearer_auth(world.token("school_admin"))
        .json(&json!({"active": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);
    let enabled: Value = enabled.json().await.unwrap();
    assert_eq!(
        (
            enabled["active"].clone(),
            enabled["failed_deliveries_in_a_row"].clone()
        ),
        (json!(true), json!(0))
    );
    let (status, replayed) = json_as(&app, &world, Method::POST, &replay).await;
    assert_eq!(status, 202);
    assert_eq!(replayed["state"], "pending");
    drive(&app, true).await;
    let again = deliveries_of(&app, &world, &hook).await;
    let that = again.iter().find(|d| d["id"] == sent[0]["id"]).unwrap();
    assert_eq!(that["state"], "delivered");
    assert_eq!(
        that["attempts"].as_array().unwrap().last().unwrap()["status_code"],
        204
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action IN ('update_webhook', 'replay_webhook_delivery')"),
        2
    );
}

#[tokio::test]
async fn a_delivered_event_can_be_replayed_and_a_rotated_secret_signs_from_then_on() {
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
    let old = hook["secret"].as_str().unwrap().to_owned();
    receiver.trust(&old);
    event(
        &app,
        world.id("A1"),
        EventKind::NewsPublished,
        world.id("N1"),
    )
    .await;
    drive(&app, true).await;

    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let (status, rotated) = json_as(&app, &world, Method::POST, &format!("{path}/secret")).await;
    assert_eq!(status, 200);
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    let delivery = deliveries_of(&app, &world, &hook).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = json_as(
        &app,
        &world,
        Method::POST,
        &format!("{path}/deliveries/{delivery}/replay"),
    )
    .await;
    assert_eq!(status, 202);
    drive(&app, true).await;

    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert!(!got[1].verified, "the old secret no longer verifies");
    receiver.trust(new);
    assert!(
        domain::notify::webhook::verify(
            got[1].header("ouderportaal-signature"),
            new,
            &got[1].body,
            chrono::Utc::now().timestamp(),
            300
        )
        .is_ok()
    );
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[1].header("ouderportaal-delivery"), delivery);

    // Deleted: nothing more is sent, and it is gone.
    let (status, _) = json_as(&app, &world, Method::DELETE, &path).await;
    assert_eq!(status, 204);
    assert_eq!(json_as(&app, &world, Method::GET, &path).await.0, 404);
    assert_eq!(
        event(
            &app,
            world.id("A1"),
            EventKind::NewsPublished,
            world.id("N1")
        )
        .await,
        1,
        "W1 only"
    );
}

#[tokio::test]
async fn urls_into_the_servers_network_are_refused_when_private_networks_are_off() {
    let app = spawn(&[("OUDERPORTAAL_WEBHOOK_PRIVATE_NETWORKS", "false")]).await;
    let world = World::build(&app).await;
    let create = world.path("/api/v1/schools/{A1}/webhooks");
    for refused in [
        "http://hooks.example.nl/in",
        "https://127.0.0.1/in",
        "https://[::1]/in",
        "https://10.0.0.8/in",
        "https://169.254.169.254/latest/meta-data",
        "https://user:pass@hooks.example.nl/in",
        "not a url at all",
    ] {
        let body = json!({"url": refused, "event_types": ["news.published"]});
        let response = app
            .post_json_as(world.token("school_admin"), &create, &body)
            .await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert_eq!(problem["errors"][0]["field"], "url", "{refused}");
    }
    let body = json!({"url": "https://hooks.example.nl/in", "event_types": []});
    let response = app
        .post_json_as(world.token("school_admin"), &create, &body)
        .await;
    assert_problem(response, 422, "validation-failed").await;

    // A name that resolves inward passes the syntax check, but nothing is sent to it.
    let receiver = Receiver::start();
    let inward = receiver
        .url
        .replace("http://127.0.0.1", "https://localhost");
    let hook = register(&app, &world, "school_admin", &inward, &["news.published"]).await;
    event(
        &app,
        world.id("A1"),
        EventKind::NewsPublished,
        world.id("N1"),
    )
    .await;
    drive(&app, false).await;
    assert!(receiver.received().is_empty());
    let attempt = &deliveries_of(&app, &world, &hook).await[0]["attempts"][0];
    assert_eq!(attempt["error"], "refused_address", "{attempt}");
    assert!(attempt["status_code"].is_null());
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
