//! Read confirmation (SPEC §5): per child one guardian suffices; per household each household of
//! a child whose parents are separated confirms. The world's A1: P1 (separated: M1 in H1, D1 in
//! H1b), P2 (M2), P3 (M3); the guardian actors are M1 and M2.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::world::{World, marker};

async fn world() -> (TestApp, World) {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    (app, world)
}

/// The admin's post to all of A1 asking for this confirmation; its path.
async fn asking(app: &TestApp, world: &World, confirmation: &str) -> String {
    let created = app
        .post_json_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/news"),
            &json!({"title": "Toestemming", "body": "Graag bevestigen", "audience": {"kind": "school"},
                    "confirmation": confirmation}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    format!("/api/v1/news/{}", created["id"].as_str().unwrap())
}

async fn confirm(app: &TestApp, world: &World, actor: &str, post: &str) -> reqwest::Response {
    app.request(Method::PUT, &format!("{post}/confirmation"))
        .bearer_auth(world.token(actor))
        .send()
        .await
        .unwrap()
}

async fn needed(app: &TestApp, world: &World, actor: &str, post: &str) -> bool {
    let seen: Value = app
        .get_as(world.token(actor), post)
        .await
        .json()
        .await
        .unwrap();
    let feed: Value = app
        .get_as(world.token(actor), "/api/v1/me/news")
        .await
        .json()
        .await
        .unwrap();
    let in_feed = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| post.ends_with(p["id"].as_str().unwrap()))
        .unwrap();
    assert_eq!(
        in_feed["confirmation_needed"], seen["confirmation_needed"],
        "feed and post agree"
    );
    seen["confirmation_needed"].as_bool().unwrap()
}

async fn overview(app: &TestApp, world: &World, post: &str, query: &str) -> Value {
    let response = app
        .get_as(
            world.token("school_admin"),
            &format!("{post}/confirmations{query}"),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn open_children(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["last_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn per_child_one_guardian_of_each_child_suffices() {
    let (app, world) = world().await;
    let post = asking(&app, &world, "per_child").await;
    assert!(needed(&app, &world, "guardian", &post).await);
    assert!(needed(&app, &world, "other_guardian", &post).await);
    let before = overview(&app, &world, &post, "").await;
    assert_eq!(
        (
            before["confirmed_count"].as_u64(),
            before["open_count"].as_u64()
        ),
        (Some(0), Some(3))
    );

    let first = confirm(&app, &world, "guardian", &post).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["confirmation"], "per_child");
    assert_eq!(first["confirmation_needed"], false);
    assert!(first["confirmed_at"].is_string());
    let again: Value = confirm(&app, &world, "guardian", &post)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, first, "the same answer");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_confirmations"),
        1,
        "written once"
    );

    assert!(!needed(&app, &world, "guardian", &post).await);
    assert!(
        needed(&app, &world, "other_guardian", &post).await,
        "P2 is not confirmed"
    );
    let after = overview(&app, &world, &post, "").await;
    assert_eq!(
        (
            after["confirmed_count"].as_u64(),
            after["open_count"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let mut open = open_children(&after);
    open.sort();
    assert_eq!(open, [marker("P2"), marker("P3")]);
    assert!(
        after["items"][0]["open_households"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let text = after.to_string();
    assert!(
        !text.contains('@') && !text.contains("+31"),
        "names only: {text}"
    );
}

#[tokio::test]
async fn per_household_each_household_of_separated_parents_confirms() {
    let (app, world) = world().await;
    let post = asking(&app, &world, "per_household").await;
    assert_eq!(confirm(&app, &world, "guardian", &post).await.status(), 200);
    assert!(
        !needed(&app, &world, "guardian", &post).await,
        "M1's household confirmed"
    );
    // P1's father (D1, the other household) still owes it: P1 stays open, with his household.
    let page = overview(&app, &world, &post, "").await;
    assert_eq!(
        (
            page["confirmed_count"].as_u64(),
            page["open_count"].as_u64()
        ),
        (Some(1), Some(3))
    );
    let p1 = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["last_name"] == marker("P1"))
        .unwrap();
    assert_eq!(
        p1["open_households"],
        json!([{"guardians": [{"first_name": "Ouder", "last_name": marker("D1")}]}])
    );
    // Per child, the mother's confirmation would have been enough for P1.
    let per_child = asking(&app, &world, "per_child").await;
    assert_eq!(
        confirm(&app, &world, "guardian", &per_child).await.status(),
        200
    );
    assert!(!open_children(&overview(&app, &world, &per_child, "").await).contains(&marker("P1")));
}

#[tokio::test]
async fn confirming_twice_at_once_writes_once_and_answers_alike() {
    let (app, world) = world().await;
    let post = asking(&app, &world, "per_household").await;
    let (a, b, c) = tokio::join!(
        confirm(&app, &world, "guardian", &post),
        confirm(&app, &world, "guardian", &post),
        confirm(&app, &world, "guardian", &post),
    );
    assert_eq!([a.status(), b.status(), c.status()], [200, 200, 200]);
    let (a, b, c): (Value, Value, Value) = (
        a.json().await.unwrap(),
        b.json().await.unwrap(),
        c.json().await.unwrap(),
    );
    assert_eq!((&a, &b), (&c, &c));
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_confirmations"),
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'confirm_news_post'"),
        1
    );
}

#[tokio::test]
async fn only_guardians_of_the_audience_confirm_and_only_the_author_and_admins_see_who() {
    let (app, world) = world().await;
    // N1 asks for no confirmation.
    let n1 = world.path("/api/v1/news/{N1}");
    let problem = assert_problem(
        confirm(&app, &world, "guardian", &n1).await,
        409,
        "conflict",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no read confirmation")
    );
    let seen: Value = app
        .get_as(world.token("guardian"), &n1)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["confirmation_needed"], false);
    let staff: Value = app
        .get_as(world.token("teacher"), &n1)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        staff.get("confirmation_needed").is_none(),
        "staff have none"
    );

    let post = asking(&app, &world, "per_child").await;
    assert_eq!(confirm(&app, &world, "teacher", &post).await.status(), 403);
    assert_eq!(
        confirm(&app, &world, "school_admin", &post).await.status(),
        403
    );
    let n2 = world.path("/api/v1/news/{N2}");
    assert_eq!(confirm(&app, &world, "guardian", &n2).await.status(), 404);
    for (actor, status) in [("teacher", 403), ("guardian", 404), ("board_admin", 200)] {
        let response = app
            .get_as(world.token(actor), &format!("{post}/confirmations"))
            .await;
        assert_eq!(response.status(), status, "{actor}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_confirmations"),
        0
    );
}

#[tokio::test]
async fn the_open_children_come_a_page_at_a_time() {
    let (app, world) = world().await;
    let post = asking(&app, &world, "per_child").await;
    let first = overview(&app, &world, &post, "?limit=2").await;
    assert_eq!(open_children(&first).len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = overview(&app, &world, &post, &format!("?limit=2&cursor={cursor}")).await;
    assert!(rest.get("next_cursor").is_none());
    let mut all = open_children(&first);
    all.extend(open_children(&rest));
    all.sort();
    assert_eq!(all, [marker("P1"), marker("P2"), marker("P3")]);
    assert_eq!(
        rest["open_count"], 3,
        "the counts are of the whole audience"
    );
}
