use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn liveness_answers_ok() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/live").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
}

#[tokio::test]
async fn readiness_answers_ok_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readiness_answers_503_when_no_database_connection_can_be_had() {
    let app = TestApp::spawn_with(&[
        ("OUDERPORTAAL_DB_POOL_SIZE", "1"),
        ("OUDERPORTAAL_DB_CONNECT_TIMEOUT_MS", "200"),
    ])
    .await;
    // Hold the only connection, as an exhausted or unreachable database would.
    let held = app.db.get().unwrap();
    let response = app.get("/health/ready").await;
    let problem = assert_problem(response, 503, "unavailable").await;
    assert!(
        !problem.to_string().contains("timed out"),
        "the cause stays in the log: {problem}"
    );
    drop(held);
    assert_eq!(app.get("/health/ready").await.status(), 200);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/live").await;
    let headers = response.headers();
    assert!(headers.get("x-request-id").is_some());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn a_plain_client_request_id_is_kept_and_an_unsafe_one_replaced() {
    let app = TestApp::spawn().await;
    let kept = app
        .request(reqwest::Method::GET, "/health/live")
        .header("x-request-id", "trace-123_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-123_abc");
    let replaced = app
        .request(reqwest::Method::GET, "/health/live")
        .header("x-request-id", "evil value\twith spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(
        replaced.headers()["x-request-id"],
        "evil value\twith spaces"
    );
}
