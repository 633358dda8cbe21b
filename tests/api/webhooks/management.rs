//! Managing an endpoint: disabled after failing and enabled again, replay, rotation, deletion,
//! and the URLs it may not have.

use domain::notify::EventKind;
use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::helpers::assert_problem;
use crate::world::World;

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
