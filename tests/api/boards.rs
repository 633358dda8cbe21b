use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_created_board_can_be_read_back_at_its_location() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let response = app
        .post_json_as(
            &token,
            "/api/v1/boards",
            &serde_json::json!({"name": "  Stichting Westland  "}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["name"], "Stichting Westland", "the name is trimmed");
    assert_eq!(
        location,
        format!("/api/v1/boards/{}", created["id"].as_str().unwrap())
    );

    let fetched: Value = app.get_as(&token, &location).await.json().await.unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn the_board_list_pages_through_every_board_once() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let mut created = HashSet::new();
    for i in 0..7 {
        let board = app.create_board(&token, &format!("Stichting {i}")).await;
        created.insert(board["id"].as_str().unwrap().to_owned());
    }

    let mut seen = Vec::new();
    let mut path = "/api/v1/boards?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page: Value = app.get_as(&token, &path).await.json().await.unwrap();
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|b| b["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/boards?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 7, "no board twice");
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), created);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "oldest first");
}
