//! Every kind of error answers in the problem envelope, names the wrong field, and changes nothing.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, error_fields};

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    assert_problem(app.get("/api/v1/no-such-thing").await, 404, "not-found").await;
}

#[tokio::test]
async fn a_known_path_with_another_method_is_a_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::DELETE, "/api/v1/boards")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    assert_problem(response, 405, "method-not-allowed").await;
    let with_id = format!("/api/v1/boards/{}", uuid::Uuid::new_v4());
    let response = app.request(Method::PUT, &with_id).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
}

#[tokio::test]
async fn a_malformed_json_body_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let response = app
        .request(Method::POST, "/api/v1/boards")
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"name": "Stichting"#)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400, "bad-request").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    assert_boards_count(&app, &token, 0).await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413_problem() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_MAX_BODY_BYTES", "1024")]).await;
    let token = app.operator_token().await;
    let name = "x".repeat(2048);
    let response = app
        .post_json_as(&token, "/api/v1/boards", &json!({ "name": name }))
        .await;
    assert_problem(response, 413, "payload-too-large").await;
    assert_boards_count(&app, &token, 0).await;
}

#[tokio::test]
async fn an_oversized_streamed_body_without_length_is_a_413_problem() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_MAX_BODY_BYTES", "1024")]).await;
    let token = app.operator_token().await;
    let chunks: Vec<Result<String, std::io::Error>> = (0..8)
        .map(|i| {
            Ok(if i == 0 {
                "{\"name\": \"".to_owned()
            } else {
                "y".repeat(256)
            })
        })
        .collect();
    let response = app
        .request(Method::POST, "/api/v1/boards")
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload-too-large").await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let response = app
        .request(Method::POST, "/api/v1/boards")
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415, "unsupported-media-type").await;
}

#[tokio::test]
async fn validation_errors_name_each_invalid_field() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;

    let missing = app.post_json_as(&token, "/api/v1/boards", &json!({})).await;
    let problem = assert_problem(missing, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), vec!["name"]);

    let wrong_type = app
        .post_json_as(&token, "/api/v1/boards", &json!({"name": 42}))
        .await;
    let problem = assert_problem(wrong_type, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), vec!["name"]);
    assert_eq!(problem["errors"][0]["code"], "invalid_type");

    let blank = app
        .post_json_as(&token, "/api/v1/boards", &json!({"name": "   "}))
        .await;
    let problem = assert_problem(blank, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["code"], "required");

    let unknown = app
        .post_json_as(&token, "/api/v1/boards", &json!({"name": "A", "nmae": "B"}))
        .await;
    let problem = assert_problem(unknown, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), vec!["nmae"]);

    // serde would read a struct from an array of its fields; the contract says object.
    let array = app
        .post_json_as(&token, "/api/v1/boards", &json!(["Bestuur als lijst"]))
        .await;
    let problem = assert_problem(array, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["code"], "invalid_type");

    assert_boards_count(&app, &token, 0).await;
}

#[tokio::test]
async fn a_malformed_path_parameter_is_a_400_problem_naming_it() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let problem = assert_problem(
        app.get_as(&token, "/api/v1/boards/not-an-id").await,
        400,
        "bad-request",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["path.board_id"]);
}

#[tokio::test]
async fn malformed_query_parameters_are_400_problems_naming_them() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    for (query, field) in [
        ("limit=abc", "query.limit"),
        ("limit=0", "query.limit"),
        ("limit=101", "query.limit"),
        ("cursor=not-a-cursor", "query.cursor"),
    ] {
        let response = app.get_as(&token, &format!("/api/v1/boards?{query}")).await;
        let problem = assert_problem(response, 400, "bad-request").await;
        assert_eq!(error_fields(&problem), vec![field], "for ?{query}");
    }
}

#[tokio::test]
async fn a_unique_violation_is_a_409_problem() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    app.create_board(&token, "Stichting Primair Onderwijs Noord")
        .await;
    let again = app
        .post_json_as(
            &token,
            "/api/v1/boards",
            &json!({"name": "Stichting Primair Onderwijs Noord"}),
        )
        .await;
    assert_problem(again, 409, "conflict").await;
    assert_boards_count(&app, &token, 1).await;
}

#[tokio::test]
async fn a_missing_object_is_a_404_problem() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let path = format!("/api/v1/boards/{}", uuid::Uuid::new_v4());
    assert_problem(app.get_as(&token, &path).await, 404, "not-found").await;
}

#[tokio::test]
async fn a_server_error_carries_no_internal_detail() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    app.execute_sql("ALTER TABLE boards RENAME TO boards_gone");
    let response = app.get_as(&token, "/api/v1/boards").await;
    let problem = assert_problem(response, 500, "internal").await;
    let text = problem.to_string().to_lowercase();
    for leak in ["boards", "table", "relation", "sql", "diesel", "select"] {
        assert!(!text.contains(leak), "500 body leaks {leak:?}: {text}");
    }
}

async fn assert_boards_count(app: &TestApp, token: &str, expected: usize) {
    let response = app.get_as(token, "/api/v1/boards?limit=100").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), expected);
}

#[tokio::test]
async fn problems_speak_dutch_when_asked_and_english_otherwise() {
    let app = TestApp::spawn().await;
    let dutch = app
        .request(Method::GET, "/api/v1/boards")
        .header("accept-language", "nl-NL,nl;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(dutch.headers()["content-language"], "nl");
    let problem = assert_problem(dutch, 401, "unauthenticated").await;
    assert_eq!(problem["title"], "Aanmelden is nodig");

    let english = app.get("/api/v1/boards").await;
    assert_eq!(english.headers()["content-language"], "en");
    let problem = assert_problem(english, 401, "unauthenticated").await;
    assert_eq!(problem["title"], "Authentication is required");
}
