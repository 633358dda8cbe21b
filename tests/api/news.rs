//! News (SPEC §5): who posts to whom, the guardian's feed (targeting, cursor, `ETag`), read
//! receipts, deletion, bad input, and the module switch. The world's N1 goes to all of A1, N2 to
//! A1's G2; the guardians' children (P1, P2) are in G1.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::{World, marker};

pub async fn world() -> (TestApp, World) {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    (app, world)
}

pub fn to_groups(title: &str, groups: &[&str]) -> Value {
    json!({"title": title, "body": "Tekst", "audience": {"kind": "groups", "group_ids": groups}})
}

pub fn to_school(title: &str) -> Value {
    json!({"title": title, "body": "Tekst", "audience": {"kind": "school"}})
}

async fn post(app: &TestApp, world: &World, actor: &str, body: &Value) -> reqwest::Response {
    app.post_json_as(
        world.token(actor),
        &world.path("/api/v1/schools/{A1}/news"),
        body,
    )
    .await
}

async fn feed(app: &TestApp, world: &World, actor: &str, query: &str) -> Value {
    let response = app
        .get_as(world.token(actor), &format!("/api/v1/me/news{query}"))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_teacher_posts_to_own_groups_only_and_guardians_see_only_their_childrens() {
    let (app, world) = world().await;
    let (g1, g2) = (world.id("G1"), world.id("G2"));
    let created = post(&app, &world, "teacher", &to_groups("Uitje G1", &[g1])).await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["state"], "published");
    assert_eq!(body["audience"]["group_ids"], json!([g1]));
    for refused in [
        to_groups("G2", &[g2]),
        to_groups("G1 en G2", &[g1, g2]),
        to_school("Allen"),
    ] {
        assert_eq!(post(&app, &world, "teacher", &refused).await.status(), 403);
    }
    assert_eq!(
        post(&app, &world, "guardian", &to_school("x"))
            .await
            .status(),
        403
    );

    let n1 = format!("Nieuws {}", marker("N1"));
    for guardian in ["guardian", "other_guardian"] {
        let seen = titles(&feed(&app, &world, guardian, "").await);
        assert_eq!(
            seen,
            ["Uitje G1".to_owned(), n1.clone()],
            "{guardian}, newest first"
        );
    }
}

#[tokio::test]
async fn the_feed_pages_by_cursor_and_answers_304_while_nothing_changed() {
    let (app, world) = world().await;
    for title in ["een", "twee", "drie"] {
        assert_eq!(
            post(&app, &world, "school_admin", &to_school(title))
                .await
                .status(),
            201
        );
    }
    let first = feed(&app, &world, "guardian", "?limit=2").await;
    assert_eq!(titles(&first), ["drie", "twee"]);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    // A post that arrives between pages comes before the first page, never in the next.
    assert_eq!(
        post(&app, &world, "school_admin", &to_school("vier"))
            .await
            .status(),
        201
    );
    let second = feed(
        &app,
        &world,
        "guardian",
        &format!("?limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        titles(&second),
        ["een".to_owned(), format!("Nieuws {}", marker("N1"))]
    );
    assert!(second.get("next_cursor").is_none(), "the last page");

    let token = world.token("guardian");
    let response = app.get_as(token, "/api/v1/me/news").await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .request(Method::GET, "/api/v1/me/news")
        .bearer_auth(token)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());
    // Reading a post changes the feed (its read state): a new tag, a full answer.
    let n1 = world.path("/api/v1/news/{N1}/read");
    let read = app
        .request(Method::PUT, &n1)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 204);
    let changed = app
        .request(Method::GET, "/api/v1/me/news")
        .bearer_auth(token)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn a_read_is_recorded_once_and_is_that_guardians_only() {
    let (app, world) = world().await;
    let read = world.path("/api/v1/news/{N1}/read");
    for _ in 0..2 {
        let response = app
            .request(Method::PUT, &read)
            .bearer_auth(world.token("guardian"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "twice is harmless");
    }
    let n1 = world.path("/api/v1/news/{N1}");
    let mine: Value = app
        .get_as(world.token("guardian"), &n1)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["read"], true);
    let theirs: Value = app
        .get_as(world.token("other_guardian"), &n1)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["read"], false);
    let staff: Value = app
        .get_as(world.token("teacher"), &n1)
        .await
        .json()
        .await
        .unwrap();
    assert!(staff.get("read").is_none(), "staff have no read state");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_reads"),
        1,
        "one receipt"
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let (app, world) = world().await;
    let before = app.scalar("SELECT COUNT(*) AS n FROM news_posts");
    let empty_title = post(&app, &world, "school_admin", &to_school("")).await;
    let problem = assert_problem(empty_title, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["title"]);
    let elsewhere = to_groups("x", &[world.id("G1"), &uuid::Uuid::new_v4().to_string()]);
    let problem = assert_problem(
        post(&app, &world, "school_admin", &elsewhere).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["audience.group_ids"]);
    let mut scheduled_draft = to_school("x");
    scheduled_draft["draft"] = json!(true);
    scheduled_draft["publish_at"] = json!("2099-01-01T08:00:00Z");
    let problem = assert_problem(
        post(&app, &world, "school_admin", &scheduled_draft).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["publish_at"]);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM news_posts"), before);

    let bad_cursor = app
        .get_as(
            world.token("guardian"),
            "/api/v1/me/news?cursor=not-a-cursor",
        )
        .await;
    let problem = assert_problem(bad_cursor, 400, "bad-request").await;
    assert_eq!(error_fields(&problem), ["query.cursor"]);
}

#[tokio::test]
async fn a_post_is_deleted_by_its_author_or_an_admin_and_leaves_every_feed() {
    let (app, world) = world().await;
    let created: Value = post(
        &app,
        &world,
        "teacher",
        &to_groups("Weg", &[world.id("G1")]),
    )
    .await
    .json()
    .await
    .unwrap();
    let teachers = format!("/api/v1/news/{}", created["id"].as_str().unwrap());
    let n1 = world.path("/api/v1/news/{N1}");
    let delete = |actor: &str, path: &str| {
        app.request(Method::DELETE, path)
            .bearer_auth(world.token(actor))
            .send()
    };
    // The admin's post: not the teacher's to delete; for a guardian, posts are only what their
    // feed holds, so one outside it (N2) does not exist and one in it is not theirs either.
    assert_eq!(delete("teacher", &n1).await.unwrap().status(), 403);
    assert_eq!(delete("guardian", &n1).await.unwrap().status(), 404);
    let n2 = world.path("/api/v1/news/{N2}");
    assert_eq!(delete("guardian", &n2).await.unwrap().status(), 404);
    assert_eq!(
        app.get_as(world.token("guardian"), &format!("{n2}/readers"))
            .await
            .status(),
        404
    );
    assert_eq!(delete("teacher", &teachers).await.unwrap().status(), 204);
    assert_eq!(delete("school_admin", &n1).await.unwrap().status(), 204);
    assert!(titles(&feed(&app, &world, "guardian", "").await).is_empty());
    assert_eq!(app.get_as(world.token("guardian"), &n1).await.status(), 404);
    assert_eq!(delete("school_admin", &n1).await.unwrap().status(), 404);
}

#[tokio::test]
async fn drafts_and_scheduled_posts_are_their_authors_and_the_admins_until_they_go_live() {
    let (app, world) = world().await;
    let mut draft = to_groups("Concept", &[world.id("G1")]);
    draft["draft"] = json!(true);
    let draft: Value = post(&app, &world, "teacher", &draft)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["state"], "draft");
    let mut later = to_school("Later");
    later["publish_at"] = json!("2099-01-01T08:00:00Z");
    let later: Value = post(&app, &world, "school_admin", &later)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later["state"], "scheduled");
    for (post, readers, not) in [
        (
            &draft,
            ["teacher", "school_admin"],
            ["director", "guardian"],
        ),
        (
            &later,
            ["school_admin", "board_admin"],
            ["teacher", "guardian"],
        ),
    ] {
        let path = format!("/api/v1/news/{}", post["id"].as_str().unwrap());
        for actor in readers {
            assert_eq!(
                app.get_as(world.token(actor), &path).await.status(),
                200,
                "{actor}"
            );
        }
        for actor in not {
            assert_eq!(
                app.get_as(world.token(actor), &path).await.status(),
                404,
                "{actor}"
            );
        }
    }
    // Nor do others learn that a draft exists by acting on it.
    let path = format!("/api/v1/news/{}", draft["id"].as_str().unwrap());
    let token = world.token("director");
    let delete = app
        .request(Method::DELETE, &path)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 404);
    assert_eq!(
        app.get_as(token, &format!("{path}/readers")).await.status(),
        404
    );
    let seen = titles(&feed(&app, &world, "guardian", "").await);
    assert_eq!(seen, [format!("Nieuws {}", marker("N1"))]);
}

#[tokio::test]
async fn news_switched_off_for_guardians_does_not_exist_for_them() {
    let (app, world) = world().await;
    let body = json!({"modules": [{"module": "news", "audiences": ["teacher", "school_admin"]}]});
    let switched = app
        .request(Method::PUT, &world.path("/api/v1/schools/{A1}/modules"))
        .bearer_auth(world.token("school_admin"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 200);
    assert!(titles(&feed(&app, &world, "guardian", "").await).is_empty());
    let n1 = world.path("/api/v1/news/{N1}");
    assert_eq!(app.get_as(world.token("guardian"), &n1).await.status(), 404);
    let read = app
        .request(Method::PUT, &format!("{n1}/read"))
        .bearer_auth(world.token("guardian"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 404);
    assert_eq!(app.get_as(world.token("teacher"), &n1).await.status(), 200);
}

#[tokio::test]
async fn the_author_and_admins_see_who_of_the_audience_has_read_a_post_by_name_only() {
    let (app, world) = world().await;
    let read = app
        .request(Method::PUT, &world.path("/api/v1/news/{N1}/read"))
        .bearer_auth(world.token("guardian"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 204);
    // N1 goes to all of A1: the guardians of P1 (M1, D1), P2 (M2) and P3 (M3).
    let readers = world.path("/api/v1/news/{N1}/readers");
    let admin = world.token("school_admin");
    let all = app.get_as(admin, &readers).await;
    assert_eq!(all.status(), 200);
    let text = all.text().await.unwrap();
    assert!(
        !text.contains('@') && !text.contains("+31"),
        "names only: {text}"
    );
    let all: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (all["read_count"].as_i64(), all["unread_count"].as_i64()),
        (Some(1), Some(3))
    );
    let who = |page: &Value| -> Vec<(String, bool)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["guardian_id"].as_str().unwrap().to_owned(),
                    r.get("read_at").is_some(),
                )
            })
            .collect()
    };
    let mut expected: Vec<(String, bool)> = ["M1", "D1", "M2", "M3"]
        .iter()
        .map(|g| (world.id(g).to_owned(), *g == "M1"))
        .collect();
    expected.sort();
    assert_eq!(who(&all), expected);

    let unread: Value = app
        .get_as(admin, &format!("{readers}?read=false&limit=2"))
        .await
        .json()
        .await
        .unwrap();
    let cursor = unread["next_cursor"].as_str().unwrap().to_owned();
    let rest: Value = app
        .get_as(
            admin,
            &format!("{readers}?read=false&limit=2&cursor={cursor}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut pages = who(&unread);
    pages.extend(who(&rest));
    let not_read: Vec<_> = expected.iter().filter(|(_, read)| !read).cloned().collect();
    assert_eq!(pages, not_read);
    assert!(rest.get("next_cursor").is_none());

    // A teacher's post to G1 reaches P1's and P2's guardians; its author sees them.
    let created: Value = post(&app, &world, "teacher", &to_groups("G1", &[world.id("G1")]))
        .await
        .json()
        .await
        .unwrap();
    assert!(created["id"].is_string(), "{created}");
    let theirs = format!("/api/v1/news/{}/readers", created["id"].as_str().unwrap());
    let page: Value = app
        .get_as(world.token("teacher"), &theirs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page["read_count"].as_i64(), page["unread_count"].as_i64()),
        (Some(0), Some(3))
    );
    assert_eq!(
        app.get_as(world.token("teacher"), &readers).await.status(),
        403
    );
    assert_eq!(
        app.get_as(world.token("guardian"), &theirs).await.status(),
        404
    );
}

#[tokio::test]
async fn a_group_post_whose_groups_are_gone_reaches_no_one_not_the_whole_school() {
    let (app, world) = world().await;
    // N2 went to G2; the LAS dropped G2 (its links go with it).
    app.execute_sql(&format!(
        "DELETE FROM news_post_groups WHERE post_id = '{}'",
        world.id("N2")
    ));
    let page: Value = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/news/{N2}/readers"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page["read_count"].as_i64(), page["unread_count"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(page["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_teacher_who_is_also_a_parent_is_gated_in_each_capacity_on_its_own() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_CALLER_CACHE_MS", "0")]).await;
    let world = World::build(&app).await;
    // The teacher of G1 is also M3, parent of P3 in G2.
    app.execute_sql(&format!(
        "UPDATE guardians SET account_id = (SELECT account_id FROM staff WHERE id = '{}') \
         WHERE id = '{}'",
        world.id("S_teacher"),
        world.id("M3")
    ));
    let body = json!({"modules": [{"module": "news", "audiences": ["guardian", "school_admin"]}]});
    let switched = app
        .request(Method::PUT, &world.path("/api/v1/schools/{A1}/modules"))
        .bearer_auth(world.token("school_admin"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 200);
    // News is off for teachers: they cannot post (it exists for them only as a parent).
    let post = post(&app, &world, "teacher", &to_groups("x", &[world.id("G1")])).await;
    assert_eq!(post.status(), 403);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_posts"),
        3,
        "nothing written"
    );
    // As a parent it is on: their child's posts, read state and all.
    let n2: Value = app
        .get_as(world.token("teacher"), &world.path("/api/v1/news/{N2}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(n2["read"], false, "read as a parent");
    let seen = titles(&feed(&app, &world, "teacher", "").await);
    assert_eq!(seen.len(), 2, "N1 and N2: {seen:?}");
}
