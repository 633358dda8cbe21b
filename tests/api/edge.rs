//! What sits in front of every route: rate limits and CORS.

use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn a_client_over_its_rate_limit_gets_429_with_retry_after() {
    // 30 a minute: a burst of 3 (a tenth), then one every two seconds.
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "30")]).await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = app.get("/health/live").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        remaining.push(
            response.headers()["ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, vec!["2", "1", "0"]);

    let refused = app.get("/health/live").await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "retry after {retry_after}s");
    assert_eq!(refused.headers()["ratelimit-remaining"], "0");
    assert_eq!(refused.headers()["x-content-type-options"], "nosniff");
    assert_problem(refused, 429, "too-many-requests").await;
}

#[tokio::test]
async fn browsers_on_other_origins_may_call_the_api() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::GET, "/health/live")
        .header("origin", "https://app.example.nl")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");

    let preflight = app
        .request(reqwest::Method::OPTIONS, "/api/v1/boards")
        .header("origin", "https://app.example.nl")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allowed.contains("POST"), "{allowed}");
}
