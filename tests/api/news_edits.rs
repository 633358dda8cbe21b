//! Editing news (SPEC §5): by the author or an admin, on the version read (no lost update), with
//! the old title and body in the post's history; and the body's HTML. The world's N1 goes to all of
//! A1 (by its admin), N2 to G2.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::{World, marker};

async fn world() -> (TestApp, World) {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    (app, world)
}

async fn edit(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.request(Method::PUT, path)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A teacher's post to G1; its path.
async fn teachers_post(app: &TestApp, world: &World, body: &str) -> String {
    let created = app
        .post_json_as(
            world.token("teacher"),
            &world.path("/api/v1/schools/{A1}/news"),
            &json!({"title": "Uitje", "body": body,
                    "audience": {"kind": "groups", "group_ids": [world.id("G1")]}}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["version"], 1);
    format!("/api/v1/news/{}", created["id"].as_str().unwrap())
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_author_edits_a_post_and_its_old_title_and_body_go_to_its_history() {
    let (app, world) = world().await;
    let post = teachers_post(&app, &world, "Eerste tekst").await;
    let teacher = world.token("teacher");
    let edited = edit(
        &app,
        teacher,
        &post,
        &json!({"version": 1, "title": "Uitje naar het bos", "body": "Tweede *tekst*"}),
    )
    .await;
    assert_eq!(edited.status(), 200);
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(
        (&edited["version"], &edited["title"], &edited["body"]),
        (
            &json!(2),
            &json!("Uitje naar het bos"),
            &json!("Tweede *tekst*")
        )
    );
    assert_eq!(edited["body_html"], "<p>Tweede <em>tekst</em></p>\n");
    assert_eq!(
        edited["audience"]["group_ids"],
        json!([world.id("G1")]),
        "the audience stays"
    );
    // Settings only: a new version, nothing for the history.
    let pinned = edit(&app, teacher, &post, &json!({"version": 2, "pinned": true})).await;
    let pinned: Value = pinned.json().await.unwrap();
    assert_eq!(
        (pinned["version"].as_i64(), &pinned["pinned"]),
        (Some(3), &json!(true))
    );
    // An admin edits it too.
    let by_admin = edit(
        &app,
        world.token("school_admin"),
        &post,
        &json!({"version": 3, "body": "Derde tekst", "expires_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(by_admin.status(), 200);
    let cleared = edit(
        &app,
        teacher,
        &post,
        &json!({"version": 4, "expires_at": null}),
    )
    .await;
    let cleared: Value = cleared.json().await.unwrap();
    assert!(
        cleared.get("expires_at").is_none(),
        "null removes the expiry: {cleared}"
    );

    let history: Value = app
        .get_as(teacher, &format!("{post}/revisions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        titles(&history),
        ["Uitje naar het bos", "Uitje"],
        "newest first"
    );
    assert_eq!(history["items"][0]["body"], "Tweede *tekst*");
    assert_eq!(history["items"][1]["body"], "Eerste tekst");
    assert_eq!(
        history["items"][0]["edited_by"]["last_name"],
        marker("school_admin")
    );
    assert_eq!(
        history["items"][1]["edited_by"]["last_name"],
        marker("teacher")
    );
    let first: Value = app
        .get_as(teacher, &format!("{post}/revisions?limit=1"))
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get_as(
            teacher,
            &format!("{post}/revisions?limit=1&cursor={cursor}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (titles(&first), titles(&second)),
        (vec!["Uitje naar het bos"], vec!["Uitje"])
    );
    assert!(second.get("next_cursor").is_none());
    // Guardians read the post as it is now.
    let seen: Value = app
        .get_as(world.token("guardian"), &post)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&seen["body"], &seen["version"]),
        (&json!("Derde tekst"), &json!(5))
    );
}

#[tokio::test]
async fn an_edit_of_an_old_version_is_refused_and_changes_nothing() {
    let (app, world) = world().await;
    let post = teachers_post(&app, &world, "Tekst").await;
    let teacher = world.token("teacher");
    assert_eq!(
        edit(
            &app,
            teacher,
            &post,
            &json!({"version": 1, "title": "Eerst"})
        )
        .await
        .status(),
        200
    );
    // A second editor who read version 1 too.
    let late = edit(
        &app,
        world.token("school_admin"),
        &post,
        &json!({"version": 1, "title": "Later"}),
    )
    .await;
    let problem = assert_problem(late, 409, "conflict").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("version"),
        "{problem}"
    );
    let now: Value = app.get_as(teacher, &post).await.json().await.unwrap();
    assert_eq!(
        (&now["title"], &now["version"]),
        (&json!("Eerst"), &json!(2))
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM news_revisions"), 1);
}

#[tokio::test]
async fn of_two_parallel_edits_of_one_version_one_is_applied_and_the_other_refused() {
    let (app, world) = world().await;
    let post = teachers_post(&app, &world, "Tekst").await;
    for round in 1..=3 {
        let version = 2 * round - 1;
        let by_teacher = json!({"version": version, "body": format!("Juf {round}")});
        let by_admin = json!({"version": version, "body": format!("Beheer {round}")});
        let (a, b) = tokio::join!(
            edit(&app, world.token("teacher"), &post, &by_teacher),
            edit(&app, world.token("school_admin"), &post, &by_admin),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}");
        // Bring the version to where the next round expects it.
        let pin = json!({"version": version + 1, "pinned": round % 2 == 1});
        assert_eq!(
            edit(&app, world.token("teacher"), &post, &pin)
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_revisions"),
        3,
        "one history entry per applied edit"
    );
    assert_eq!(
        app.scalar("SELECT CAST(MAX(version) AS BIGINT) AS n FROM news_posts"),
        7
    );
}

#[tokio::test]
async fn only_the_author_and_admins_edit_and_an_edit_cannot_change_the_audience_or_unpublish() {
    let (app, world) = world().await;
    let n1 = world.path("/api/v1/news/{N1}");
    let retitle = json!({"version": 1, "title": "Gekaapt"});
    for (actor, status) in [("teacher", 403), ("guardian", 404), ("other_guardian", 404)] {
        let response = edit(&app, world.token(actor), &n1, &retitle).await;
        assert_eq!(response.status(), status, "{actor}");
        let history = app
            .get_as(world.token(actor), &format!("{n1}/revisions"))
            .await;
        assert_eq!(history.status(), status, "{actor} history");
    }
    let n5 = world.path("/api/v1/news/{N5}");
    assert_eq!(
        edit(&app, world.token("school_admin"), &n5, &retitle)
            .await
            .status(),
        404
    );
    let admin = world.token("school_admin");
    let cases = [
        (
            json!({"version": 1, "audience": {"kind": "school"}}),
            "audience",
        ),
        (json!({"version": 1, "title": " "}), "title"),
        (json!({"version": 1, "draft": true}), "release"),
        (
            json!({"version": 1, "publish_at": "2099-01-01T08:00:00Z"}),
            "release",
        ),
        (
            json!({"version": 1, "attachments": [{"name": "x", "url": "http://a.example"}]}),
            "attachments[0].url",
        ),
        (json!({"version": 0, "pinned": true}), "version"),
    ];
    for (body, field) in cases {
        let problem = assert_problem(
            edit(&app, admin, &n1, &body).await,
            422,
            "validation-failed",
        )
        .await;
        assert_eq!(error_fields(&problem), [field], "{body}");
    }
    let n1_now: Value = app.get_as(admin, &n1).await.json().await.unwrap();
    assert_eq!(n1_now["version"], 1, "bad input changed nothing");
    assert_eq!(n1_now["title"], format!("Nieuws {}", marker("N1")));
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM news_revisions"), 0);
}

#[tokio::test]
async fn a_draft_is_published_by_an_edit() {
    let (app, world) = world().await;
    let created: Value = app
        .post_json_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/news"),
            &json!({"title": "Concept", "body": "Tekst", "audience": {"kind": "school"},
                    "draft": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/news/{}", created["id"].as_str().unwrap());
    assert_eq!(
        app.get_as(world.token("guardian"), &path).await.status(),
        404
    );
    let published = edit(
        &app,
        world.token("school_admin"),
        &path,
        &json!({"version": 1, "draft": false}),
    )
    .await;
    let published: Value = published.json().await.unwrap();
    assert_eq!(published["state"], "published");
    assert_eq!(
        app.get_as(world.token("guardian"), &path).await.status(),
        200
    );
}

#[tokio::test]
async fn the_body_is_rendered_to_safe_html_for_everyone_who_reads_it() {
    let (app, world) = world().await;
    let body = "# Sint\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(1)) \
                <img src=x onerror=alert(1)> ![foto](https://school.example.nl/f.jpg)";
    let post = teachers_post(&app, &world, body).await;
    let feed: Value = app
        .get_as(world.token("guardian"), "/api/v1/me/news")
        .await
        .json()
        .await
        .unwrap();
    let html = feed["items"][0]["body_html"].as_str().unwrap().to_owned();
    assert!(html.starts_with("<h1>Sint</h1>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("javascript:"));
    assert!(
        html.contains("<a href=\"https://school.example.nl/f.jpg\">foto</a>"),
        "{html}"
    );
    let staff: Value = app
        .get_as(world.token("teacher"), &post)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff["body_html"].as_str(), Some(html.as_str()));
    assert_eq!(staff["body"], body, "the body is kept as written");
}
