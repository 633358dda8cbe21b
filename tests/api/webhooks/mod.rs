//! Webhooks end to end: a school admin registers a receiver on loopback (the test app allows
//! private networks, as development does), an event is enqueued as the notification engine will
//! (`persistence::webhooks::enqueue_for_event`), the worker is driven once, and the receiver
//! verifies the signature with the secret the registration showed.

mod delivery;
mod management;
mod receiver;

pub use receiver::Receiver;

use std::time::Duration;

use api::webhook_worker::WebhookWorker;
use domain::notify::EventKind;
use persistence::webhooks::{EventRef, deliveries, enqueue_for_event};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::world::World;

/// The app with its own webhook worker idle (it looks once at start, then in an hour): the test
/// drives a worker itself, so it knows when a batch was sent.
pub async fn spawn(extra: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![
        ("OUDERPORTAAL_WEBHOOK_POLL_MS", "3600000"),
        ("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000"),
    ];
    vars.extend_from_slice(extra);
    TestApp::spawn_with(&vars).await
}

/// Registers an endpoint; answers the created endpoint with its secret.
pub async fn register(
    app: &TestApp,
    world: &World,
    token: &str,
    url: &str,
    types: &[&str],
) -> Value {
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
pub async fn event(app: &TestApp, school_id: &str, kind: EventKind, object_id: &str) -> usize {
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
pub async fn drive(app: &TestApp, private_networks: bool) -> usize {
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
pub async fn make_due(app: &TestApp) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || deliveries::make_due(&mut db.get().unwrap()).unwrap())
        .await
        .unwrap();
}

pub async fn json_as(app: &TestApp, world: &World, method: Method, path: &str) -> (u16, Value) {
    let response = app
        .request(method, path)
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn deliveries_of(app: &TestApp, world: &World, hook: &Value) -> Vec<Value> {
    let path = format!(
        "/api/v1/webhooks/{}/deliveries",
        hook["id"].as_str().unwrap()
    );
    let (status, page) = json_as(app, world, Method::GET, &path).await;
    assert_eq!(status, 200);
    page["items"].as_array().unwrap().clone()
}
