//! Comments on news (SPEC §5, seed 003): off by default and switched on per post; written by the
//! audience's guardians, read by them (names only) and by the staff who see the post; hidden and
//! shown again by the post's author or an admin. The world's N1 (by A1's admin) goes to all of A1.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::{World, marker};

async fn world() -> (TestApp, World) {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    (app, world)
}

/// Switches N1's comments on or off (at its current version).
async fn switch_comments(app: &TestApp, world: &World, on: bool) {
    let n1 = world.path("/api/v1/news/{N1}");
    let admin = world.token("school_admin");
    let post: Value = app.get_as(admin, &n1).await.json().await.unwrap();
    let response = app
        .request(Method::PUT, &n1)
        .bearer_auth(admin)
        .json(&json!({"version": post["version"], "comments_enabled": on}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn comment(app: &TestApp, world: &World, actor: &str, body: &str) -> reqwest::Response {
    app.post_json_as(
        world.token(actor),
        &world.path("/api/v1/news/{N1}/comments"),
        &json!({"body": body}),
    )
    .await
}

async fn comments(app: &TestApp, world: &World, actor: &str, query: &str) -> Value {
    let path = world.path(&format!("/api/v1/news/{{N1}}/comments{query}"));
    let response = app.get_as(world.token(actor), &path).await;
    assert_eq!(response.status(), 200, "{actor}");
    response.json().await.unwrap()
}

fn bodies(page: &Value) -> Vec<(String, bool)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["body"].as_str().unwrap().to_owned(),
                c["hidden"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn set_hidden(app: &TestApp, world: &World, actor: &str, id: &str, hide: bool) -> u16 {
    let path = world.path(&format!("/api/v1/news/{{N1}}/comments/{id}/hidden"));
    let method = if hide { Method::PUT } else { Method::DELETE };
    app.request(method, &path)
        .bearer_auth(world.token(actor))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn comments_are_off_until_switched_on_and_then_written_by_the_audiences_guardians() {
    let (app, world) = world().await;
    let refused = comment(&app, &world, "guardian", "Leuk!").await;
    let problem = assert_problem(refused, 409, "conflict").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("switched off"),
        "{problem}"
    );

    switch_comments(&app, &world, true).await;
    let written = comment(&app, &world, "guardian", "  Leuk! ").await;
    assert_eq!(written.status(), 201);
    let written: Value = written.json().await.unwrap();
    assert_eq!(written["body"], "Leuk!", "trimmed");
    assert_eq!(written["own"], true);
    assert_eq!(written["commenter"], format!("Ouder {}", marker("M1")));
    assert_eq!(
        comment(&app, &world, "other_guardian", "Wij komen ook")
            .await
            .status(),
        201
    );
    // Staff answer in the post, they do not comment; other groups' posts do not exist for them.
    assert_eq!(
        comment(&app, &world, "teacher", "Juf hier").await.status(),
        403
    );
    let n2 = app
        .post_json_as(
            world.token("guardian"),
            &world.path("/api/v1/news/{N2}/comments"),
            &json!({"body": "x"}),
        )
        .await;
    assert_eq!(n2.status(), 404);
    let empty = comment(&app, &world, "guardian", "   ").await;
    let problem = assert_problem(empty, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["body"]);

    // Read by the audience with names only, never contact details.
    let page = app
        .get_as(
            world.token("other_guardian"),
            &world.path("/api/v1/news/{N1}/comments"),
        )
        .await;
    let text = page.text().await.unwrap();
    assert!(!text.contains('@') && !text.contains("+31"), "{text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    let own: Vec<bool> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["own"].as_bool().unwrap())
        .collect();
    assert_eq!(own, [false, true], "whose they are, oldest first");
    let staff = comments(&app, &world, "teacher", "").await;
    assert_eq!(bodies(&staff).len(), 2);
    assert!(
        staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["own"] == false)
    );

    // Switched off: no new comments; the ones written stay.
    switch_comments(&app, &world, false).await;
    assert_eq!(
        comment(&app, &world, "guardian", "Nog een").await.status(),
        409
    );
    assert_eq!(
        bodies(&comments(&app, &world, "guardian", "").await).len(),
        2
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM news_comments"), 2);
}

#[tokio::test]
async fn a_hidden_comment_is_left_out_for_guardians_and_marked_for_staff() {
    let (app, world) = world().await;
    switch_comments(&app, &world, true).await;
    let written: Value = comment(&app, &world, "other_guardian", "Onaardig")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        comment(&app, &world, "guardian", "Aardig").await.status(),
        201
    );
    let id = written["id"].as_str().unwrap();
    // Not the teacher's post (403); guardians have no say (404).
    assert_eq!(set_hidden(&app, &world, "teacher", id, true).await, 403);
    assert_eq!(
        set_hidden(&app, &world, "other_guardian", id, true).await,
        404
    );
    for _ in 0..2 {
        assert_eq!(
            set_hidden(&app, &world, "school_admin", id, true).await,
            204
        );
    }
    for guardian in ["guardian", "other_guardian"] {
        let page = comments(&app, &world, guardian, "").await;
        assert_eq!(bodies(&page), [("Aardig".to_owned(), false)], "{guardian}");
    }
    let staff = comments(&app, &world, "teacher", "").await;
    assert_eq!(
        bodies(&staff),
        [("Onaardig".to_owned(), true), ("Aardig".to_owned(), false)]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'hide_news_comment' AND outcome = 'ok'"),
        1,
        "hiding twice changed it once"
    );
    // Shown again, twice as harmless.
    for _ in 0..2 {
        assert_eq!(
            set_hidden(&app, &world, "board_admin", id, false).await,
            204
        );
    }
    assert_eq!(
        bodies(&comments(&app, &world, "other_guardian", "").await).len(),
        2
    );
    // A comment of another post, through this one's path: not found.
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        set_hidden(&app, &world, "school_admin", &unknown, true).await,
        404
    );
}

#[tokio::test]
async fn hiding_a_comment_twice_at_once_changes_it_once() {
    let (app, world) = world().await;
    switch_comments(&app, &world, true).await;
    let written: Value = comment(&app, &world, "guardian", "Weg ermee")
        .await
        .json()
        .await
        .unwrap();
    let id = written["id"].as_str().unwrap();
    let (a, b, c) = tokio::join!(
        set_hidden(&app, &world, "school_admin", id, true),
        set_hidden(&app, &world, "board_admin", id, true),
        set_hidden(&app, &world, "school_admin", id, true),
    );
    assert_eq!([a, b, c], [204, 204, 204]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'hide_news_comment' AND outcome = 'ok'"),
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_comments WHERE hidden_at IS NOT NULL"),
        1
    );
}

#[tokio::test]
async fn comments_come_oldest_first_a_page_at_a_time() {
    let (app, world) = world().await;
    switch_comments(&app, &world, true).await;
    for body in ["een", "twee", "drie"] {
        assert_eq!(comment(&app, &world, "guardian", body).await.status(), 201);
    }
    let first = comments(&app, &world, "other_guardian", "?limit=2").await;
    assert_eq!(
        bodies(&first).into_iter().map(|b| b.0).collect::<Vec<_>>(),
        ["een", "twee"]
    );
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = comments(
        &app,
        &world,
        "other_guardian",
        &format!("?limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        bodies(&rest).into_iter().map(|b| b.0).collect::<Vec<_>>(),
        ["drie"]
    );
    assert!(rest.get("next_cursor").is_none());
}

#[tokio::test]
async fn a_retried_comment_with_the_same_key_is_posted_once() {
    let (app, world) = world().await;
    switch_comments(&app, &world, true).await;
    let path = world.path("/api/v1/news/{N1}/comments");
    let send = |body: &'static str| {
        app.request(Method::POST, &path)
            .bearer_auth(world.token("guardian"))
            .header("Idempotency-Key", "reactie-1")
            .json(&json!({ "body": body }))
            .send()
    };
    let (first, second) = tokio::join!(send("Leuk!"), send("Leuk!"));
    let statuses = [first.unwrap().status(), second.unwrap().status()];
    assert!(
        statuses.contains(&reqwest::StatusCode::CREATED),
        "{statuses:?}"
    );
    let third = send("Leuk!").await.unwrap();
    assert_eq!(third.status(), 201);
    assert_eq!(third.headers()["idempotent-replayed"], "true");
    let page = comments(&app, &world, "guardian", "").await;
    assert_eq!(bodies(&page), vec![("Leuk!".to_owned(), false)]);
    // The same key for another comment is a mistake of the client's, not a second comment.
    assert_eq!(send("Iets anders").await.unwrap().status(), 422);
    // Without a key, every request is a comment of its own.
    assert_eq!(
        comment(&app, &world, "guardian", "Leuk!").await.status(),
        201
    );
    assert_eq!(
        comments(&app, &world, "guardian", "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
