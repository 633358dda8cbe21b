//! The per-instance caller cache, with two instances on one database. A logout, an ended session
//! or a disabled account takes effect at once on the instance that made it, and on the others
//! within two readings of the session feed (or at once, with the feed off: every request checks).
//! A change of relations takes effect at once on the instance that made it, and within the
//! cache's lifetime on the others.

use std::time::{Duration, Instant};

use persistence::Backend;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::world::World;

const LIFETIME_MS: &str = "1000";
/// The feed's interval in these tests: a session end reaches the other instance within 200 ms.
const FEED_MS: &str = "100";
/// What the tests allow for that, on a busy CI machine.
const FEED_BOUND: Duration = Duration::from_millis(1500);

async fn two_instances() -> (TestApp, TestApp, World) {
    two_instances_with_feed(FEED_MS).await
}

async fn two_instances_with_feed(feed_ms: &str) -> (TestApp, TestApp, World) {
    let config = [
        ("OUDERPORTAAL_CALLER_CACHE_MS", LIFETIME_MS),
        ("OUDERPORTAAL_SESSION_FEED_MS", feed_ms),
    ];
    let a = TestApp::spawn_with(&config).await;
    let world = World::build(&a).await;
    let b = a.spawn_beside(&config).await;
    (a, b, world)
}

/// Waits until `token` is refused on `app`, at most the feed's bound; 200 until then.
async fn refused_within_the_feeds_bound(app: &TestApp, token: &str) {
    let started = Instant::now();
    loop {
        let status = app.get_as(token, "/api/v1/me").await.status();
        if status == 401 {
            return;
        }
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < FEED_BOUND,
            "still served after the feed's bound"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_logout_ends_the_session_here_at_once_and_elsewhere_within_the_feeds_bound() {
    let (a, b, world) = two_instances().await;
    let login = sign_in(&a, "m2@world.example").await;
    let token = login["access_token"].as_str().unwrap();
    for app in [&a, &b] {
        assert_eq!(
            app.get_as(token, "/api/v1/me").await.status(),
            200,
            "cached"
        );
    }
    let logout = a
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(
        a.get_as(token, "/api/v1/me").await.status(),
        401,
        "at once here"
    );
    refused_within_the_feeds_bound(&b, token).await;

    // A disabled account likewise (the operator's tooling sets it in the database).
    let other = world.token("other_guardian");
    for app in [&a, &b] {
        assert_eq!(
            app.get_as(other, "/api/v1/me").await.status(),
            200,
            "cached"
        );
    }
    a.execute_sql(
        "UPDATE accounts SET disabled_at = CURRENT_TIMESTAMP WHERE email = 'm2@world.example'",
    );
    refused_within_the_feeds_bound(&a, other).await;
    refused_within_the_feeds_bound(&b, other).await;
}

#[tokio::test]
async fn with_the_feed_off_a_logout_and_a_disabled_account_take_effect_everywhere_at_once() {
    let (a, b, world) = two_instances_with_feed("0").await;
    let login = sign_in(&a, "m2@world.example").await;
    let token = login["access_token"].as_str().unwrap();
    assert_eq!(
        b.get_as(token, "/api/v1/me").await.status(),
        200,
        "cached on b"
    );
    a.post_json(
        "/api/v1/auth/logout",
        &json!({"refresh_token": login["refresh_token"]}),
    )
    .await;
    assert_eq!(b.get_as(token, "/api/v1/me").await.status(), 401);

    let other = world.token("other_guardian");
    assert_eq!(b.get_as(other, "/api/v1/me").await.status(), 200);
    a.execute_sql(
        "UPDATE accounts SET disabled_at = CURRENT_TIMESTAMP WHERE email = 'm2@world.example'",
    );
    assert_eq!(b.get_as(other, "/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn when_the_feed_cannot_be_read_every_request_checks_its_session_again() {
    let (a, b, world) = two_instances().await;
    let other = world.token("other_guardian");
    assert_eq!(
        b.get_as(other, "/api/v1/me").await.status(),
        200,
        "cached on b"
    );
    // The feed is gone (as when it cannot be read): after two intervals, b vouches for no one.
    a.execute_sql(match a.db.backend() {
        Backend::Postgres => "DROP TABLE session_ends; DROP FUNCTION session_ends_record CASCADE",
        Backend::Sqlite => {
            "DROP TABLE session_ends; DROP TRIGGER account_disabled; \
             DROP TRIGGER session_ended; DROP TRIGGER session_removed"
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.execute_sql(
        "UPDATE accounts SET disabled_at = CURRENT_TIMESTAMP WHERE email = 'm2@world.example'",
    );
    assert_eq!(
        b.get_as(other, "/api/v1/me").await.status(),
        401,
        "checked at once"
    );
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
    // With the feed off, the check rides along with the handler's database work, or runs after a
    // handler that made none (as it does whenever the feed is stale).
    let (a, b, world) = two_instances_with_feed("0").await;
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
