//! A school's news as its staff see it (`GET /schools/{school_id}/news`, #10 item 4): who reads
//! which live posts, the module switch, another school, the cursor while posts arrive, and the
//! scheduled posts of their author and the admins. The world's N1 goes to all of A1, N2 to A1's
//! G2; the teacher teaches G1.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::news::{to_groups, to_school, world};
use crate::world::{World, marker};

fn scheduled(mut body: Value) -> Value {
    body["publish_at"] = json!((chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339());
    body
}

async fn post(app: &TestApp, world: &World, actor: &str, body: &Value) {
    let response = app
        .post_json_as(
            world.token(actor),
            &world.path("/api/v1/schools/{A1}/news"),
            body,
        )
        .await;
    assert_eq!(response.status(), 201, "{actor} posts {body}");
}

async fn status(app: &TestApp, world: &World, actor: &str, path: &str) -> u16 {
    app.get_as(world.token(actor), &world.path(path))
        .await
        .status()
        .as_u16()
}

async fn page(app: &TestApp, world: &World, actor: &str, query: &str) -> Value {
    let path = world.path(&format!("/api/v1/schools/{{A1}}/news{query}"));
    let response = app.get_as(world.token(actor), &path).await;
    assert_eq!(response.status(), 200, "{actor} {query}");
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

fn world_post(name: &str) -> String {
    format!("Nieuws {}", marker(name))
}

#[tokio::test]
async fn staff_read_the_live_posts_of_their_reach_and_no_one_else_reads_any() {
    let (app, world) = world().await;
    post(
        &app,
        &world,
        "school_admin",
        &to_groups("Voor G1", &[world.id("G1")]),
    )
    .await;
    let (n1, n2) = (world_post("N1"), world_post("N2"));
    for admin in ["school_admin", "board_admin"] {
        let seen = page(&app, &world, admin, "").await;
        let mut sorted = titles(&seen);
        sorted.sort();
        let mut expected = vec!["Voor G1".to_owned(), n1.clone(), n2.clone()];
        expected.sort();
        assert_eq!(sorted, expected, "{admin} reads every live post");
        assert_eq!(seen["items"][0]["title"], "Voor G1", "newest first");
        assert!(
            seen["items"][0].get("read").is_none(),
            "no read state for staff"
        );
        assert!(seen.get("next_cursor").is_none());
    }
    // The teacher of G1: the school's posts and G1's, not G2's.
    assert_eq!(
        titles(&page(&app, &world, "teacher", "").await),
        ["Voor G1".to_owned(), n1.clone()]
    );
    // Other staff: the posts to the whole school (news is on for every role by default).
    for staff in ["director", "care_staff", "lunch_supervisor"] {
        assert_eq!(
            titles(&page(&app, &world, staff, "").await),
            std::slice::from_ref(&n1)
        );
    }
    // Guardians and the operator: the school's staff list does not exist for them; nor another
    // school's for anyone of A1.
    for outsider in ["guardian", "other_guardian", "operator"] {
        assert_eq!(
            status(&app, &world, outsider, "/api/v1/schools/{A1}/news").await,
            404
        );
    }
    for actor in ["school_admin", "board_admin", "teacher"] {
        assert_eq!(
            status(&app, &world, actor, "/api/v1/schools/{B1}/news").await,
            404
        );
    }
    // News switched off for the director and care staff: it does not exist for them either.
    let switch = json!({"modules": [{"module": "news", "audiences": ["guardian", "teacher", "school_admin"]}]});
    let response = app
        .request(
            reqwest::Method::PUT,
            &world.path("/api/v1/schools/{A1}/modules"),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&switch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for off in ["director", "care_staff", "lunch_supervisor"] {
        assert_eq!(
            status(&app, &world, off, "/api/v1/schools/{A1}/news").await,
            404
        );
    }
    assert_eq!(
        status(&app, &world, "teacher", "/api/v1/schools/{A1}/news").await,
        200
    );
}

#[tokio::test]
async fn a_cursor_page_stays_stable_while_a_new_post_arrives() {
    let (app, world) = world().await;
    for n in 1..=3 {
        post(
            &app,
            &world,
            "school_admin",
            &to_school(&format!("Bericht {n}")),
        )
        .await;
    }
    let mut pinned = to_school("Vast");
    pinned["pinned"] = json!(true);
    post(&app, &world, "school_admin", &pinned).await;
    let first = page(&app, &world, "school_admin", "?limit=2").await;
    assert_eq!(
        titles(&first),
        ["Vast", "Bericht 3"],
        "pinned first, then newest"
    );
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    post(&app, &world, "school_admin", &to_school("Nieuwer")).await;
    let second = page(
        &app,
        &world,
        "school_admin",
        &format!("?limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        titles(&second),
        ["Bericht 2", "Bericht 1"],
        "the new post comes before page one"
    );
    let cursor = second["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let rest = page(
        &app,
        &world,
        "school_admin",
        &format!("?limit=50&cursor={cursor}"),
    )
    .await;
    let mut rest = titles(&rest);
    rest.sort();
    assert_eq!(rest, [world_post("N1"), world_post("N2")]);
    // A cursor this list did not give out, and a limit out of range: 400.
    for bad in [
        "?cursor=f1.0.1",
        "?limit=0",
        "?limit=101",
        "?state=published",
    ] {
        assert_eq!(
            status(
                &app,
                &world,
                "school_admin",
                &format!("/api/v1/schools/{{A1}}/news{bad}")
            )
            .await,
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn scheduled_posts_are_listed_for_their_author_and_the_admins_only() {
    let (app, world) = world().await;
    post(
        &app,
        &world,
        "teacher",
        &scheduled(to_groups("Later G1", &[world.id("G1")])),
    )
    .await;
    post(
        &app,
        &world,
        "school_admin",
        &scheduled(to_school("Later allen")),
    )
    .await;
    let query = "?state=scheduled";
    for admin in ["school_admin", "board_admin"] {
        let mut seen = titles(&page(&app, &world, admin, query).await);
        seen.sort();
        assert_eq!(seen, ["Later G1", "Later allen"], "{admin}");
    }
    assert_eq!(
        titles(&page(&app, &world, "teacher", query).await),
        ["Later G1"]
    );
    for staff in ["director", "care_staff", "lunch_supervisor"] {
        assert!(
            titles(&page(&app, &world, staff, query).await).is_empty(),
            "{staff}"
        );
    }
    // Not live yet: in no one's list of live posts.
    for actor in ["school_admin", "teacher"] {
        let live = titles(&page(&app, &world, actor, "").await);
        assert!(
            !live.iter().any(|t| t.starts_with("Later")),
            "{actor}: {live:?}"
        );
    }
    assert_eq!(
        status(
            &app,
            &world,
            "guardian",
            "/api/v1/schools/{A1}/news?state=scheduled"
        )
        .await,
        404
    );
}

#[tokio::test]
async fn drafts_are_listed_for_their_author_and_the_admins_only_newest_first() {
    let (app, world) = world().await;
    let g1 = world.id("G1");
    for n in 1..=3 {
        let mut draft = to_groups(&format!("Concept {n}"), &[g1]);
        draft["draft"] = json!(true);
        post(&app, &world, "teacher", &draft).await;
    }
    let mut admins = to_school("Concept admin");
    admins["draft"] = json!(true);
    post(&app, &world, "school_admin", &admins).await;
    post(
        &app,
        &world,
        "teacher",
        &scheduled(to_groups("Later G1", &[g1])),
    )
    .await;
    let query = "?state=draft";
    let first = page(&app, &world, "teacher", &format!("{query}&limit=2")).await;
    assert_eq!(
        titles(&first),
        ["Concept 3", "Concept 2"],
        "the teacher's own, newest first"
    );
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = page(
        &app,
        &world,
        "teacher",
        &format!("{query}&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(titles(&second), ["Concept 1"]);
    assert!(second.get("next_cursor").is_none());
    for admin in ["school_admin", "board_admin"] {
        assert_eq!(
            titles(&page(&app, &world, admin, query).await),
            ["Concept admin", "Concept 3", "Concept 2", "Concept 1"],
            "{admin}"
        );
    }
    for staff in ["director", "care_staff", "lunch_supervisor"] {
        assert!(
            titles(&page(&app, &world, staff, query).await).is_empty(),
            "{staff}"
        );
    }
    assert_eq!(
        status(
            &app,
            &world,
            "guardian",
            "/api/v1/schools/{A1}/news?state=draft"
        )
        .await,
        404
    );
}
