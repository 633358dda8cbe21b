//! The per-instance caller cache, with two instances on one database: a logout, an ended session
//! or a disabled account takes effect at once everywhere; a change of relations at once on the
//! instance that made it, and within the cache's lifetime on the others.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::world::World;

const LIFETIME_MS: &str = "1000";

async fn two_instances() -> (TestApp, TestApp, World) {
    let cache = [("OUDERPORTAAL_CALLER_CACHE_MS", LIFETIME_MS)];
    let a = TestApp::spawn_with(&cache).await;
    let world = World::build(&a).await;
    let b = a.spawn_beside(&cache).await;
    (a, b, world)
}

#[tokio::test]
async fn a_logout_on_one_instance_ends_the_session_on_every_instance_at_once() {
    let (a, b, world) = two_instances().await;
    let login = sign_in(&a, "m2@world.example").await;
    let token = login["access_token"].as_str().unwrap();
    assert_eq!(
        b.get_as(token, "/api/v1/me").await.status(),
        200,
        "cached on b"
    );
    let logout = a
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(b.get_as(token, "/api/v1/me").await.status(), 401);

    // A disabled account likewise (the operator's tooling sets it in the database).
    let other = world.token("other_guardian");
    assert_eq!(b.get_as(other, "/api/v1/me").await.status(), 200);
    a.execute_sql(
        "UPDATE accounts SET disabled_at = CURRENT_TIMESTAMP WHERE email = 'm2@world.example'",
    );
    assert_eq!(b.get_as(other, "/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn a_removed_relation_takes_effect_at_once_here_and_within_the_lifetime_elsewhere() {
    let (a, b, world) = two_instances().await;
    let teacher = world.token("teacher");
    let p1 = world.path("/api/v1/pupils/{P1}");
    // Both instances cache the teacher with group G1.
    assert_eq!(a.get_as(teacher, &p1).await.status(), 200);
    assert_eq!(b.get_as(teacher, &p1).await.status(), 200);

    // The admin removes P1 on instance a: a answers 404 at once.
    let removed = a
        .request(reqwest::Method::DELETE, &p1)
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(a.get_as(teacher, &p1).await.status(), 404);

    // The teacher loses group G1 (a change of the actor, made straight in the database as a
    // sync on another instance would): instance b follows within the lifetime.
    a.execute_sql(&format!(
        "DELETE FROM staff_groups WHERE staff_id = '{}'",
        world.id("S_teacher")
    ));
    let p2 = world.path("/api/v1/pupils/{P2}");
    let started = Instant::now();
    loop {
        let status = b.get_as(teacher, &p2).await.status();
        if status == 404 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "still cached after the lifetime"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_cached_caller_whose_session_ended_gets_401_even_from_an_answer_without_database_work() {
    let (a, b, world) = two_instances().await;
    let login = sign_in(&a, "m1@world.example").await;
    let token = login["access_token"].as_str().unwrap();
    assert_eq!(
        b.get_as(token, "/api/v1/me").await.status(),
        200,
        "cached on b"
    );
    let bad_body = || {
        b.request(
            reqwest::Method::POST,
            &world.path("/api/v1/guardians/{M1}/change-requests"),
        )
        .bearer_auth(token)
        .json(&json!({"changes": "not a list"}))
        .send()
    };
    // Refused for its body before the handler does any database work.
    assert_eq!(bad_body().await.unwrap().status(), 422);
    a.post_json(
        "/api/v1/auth/logout",
        &json!({"refresh_token": login["refresh_token"]}),
    )
    .await;
    assert_eq!(bad_body().await.unwrap().status(), 401);
}

#[tokio::test]
async fn the_me_answer_follows_a_removed_child_like_the_caller_does() {
    let (a, b, world) = two_instances().await;
    let guardian = world.token("other_guardian");
    assert_eq!(children(&a, guardian).await, 1);
    assert_eq!(children(&b, guardian).await, 1);
    let removed = a
        .request(reqwest::Method::DELETE, &world.path("/api/v1/pupils/{P2}"))
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(
        children(&a, guardian).await,
        0,
        "at once where it was removed"
    );
    let started = Instant::now();
    while children(&b, guardian).await != 0 {
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "still the old answer after the lifetime"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn children(app: &TestApp, token: &str) -> usize {
    let me: Value = app.get_as(token, "/api/v1/me").await.json().await.unwrap();
    me["children"].as_array().unwrap().len()
}

/// A new session of a world account (its tokens).
async fn sign_in(app: &TestApp, email: &str) -> Value {
    app.login(email, crate::world::PASSWORD)
        .await
        .json()
        .await
        .unwrap()
}
