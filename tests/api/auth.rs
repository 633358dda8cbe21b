use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;

use crate::helpers::{OPERATOR_EMAIL, TEST_SECRET, TestApp, assert_problem};

#[tokio::test]
async fn an_operator_signs_in_and_gets_a_bearer_token() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    assert_eq!(app.get_as(&token, "/api/v1/boards").await.status(), 200);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let wrong_password = assert_problem(
        app.login(OPERATOR_EMAIL, "wrong-password-123").await,
        401,
        "invalid-credentials",
    )
    .await;
    let unknown = assert_problem(
        app.login("nobody@test.ouderportaal.nl", "wrong-password-123")
            .await,
        401,
        "invalid-credentials",
    )
    .await;
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("request_id");
        v
    };
    assert_eq!(strip(wrong_password), strip(unknown));
}

#[tokio::test]
async fn e_mail_addresses_are_matched_case_insensitively() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let response = app
        .login(
            &OPERATOR_EMAIL.to_uppercase(),
            crate::helpers::OPERATOR_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = TestApp::spawn().await;
    assert_problem(app.get("/api/v1/boards").await, 401, "unauthenticated").await;
    assert_problem(
        app.get_as("not.a.token", "/api/v1/boards").await,
        401,
        "unauthenticated",
    )
    .await;
    let basic = app
        .request(reqwest::Method::GET, "/api/v1/boards")
        .basic_auth("operator", Some("password"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        basic.headers()["www-authenticate"],
        "Bearer realm=\"ouderportaal\""
    );
    assert_problem(basic, 401, "unauthenticated").await;
}

fn claims(sub: &str, exp_offset: i64, iss: &str, aud: &str) -> serde_json::Value {
    let now = jsonwebtoken::get_current_timestamp() as i64;
    json!({
        "iss": iss, "aud": aud, "sub": sub, "iat": now, "nbf": now - 10,
        "exp": now + exp_offset, "jti": uuid::Uuid::new_v4(), "kind": "person"
    })
}

fn sign(claims: &serde_json::Value, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn expired_foreign_and_unsigned_tokens_are_rejected() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    let me: serde_json::Value = app.get_as(&token, "/api/v1/me").await.json().await.unwrap();
    let sub = me["account_id"].as_str().unwrap().to_owned();
    let ours = |exp: i64, iss: &str, aud: &str| claims(&sub, exp, iss, aud);
    let (iss, aud) = ("ouderportaal", "ouderportaal-api");

    let valid = sign(&ours(600, iss, aud), TEST_SECRET);
    assert_eq!(
        app.get_as(&valid, "/api/v1/boards").await.status(),
        200,
        "the control token works"
    );

    let payload = valid.split('.').nth(1).unwrap().to_owned();
    let other_secret = "another-secret-another-secret-another-secret";
    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &ours(600, iss, aud),
        &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .unwrap();
    let unknown_account = claims(&uuid::Uuid::new_v4().to_string(), 600, iss, aud);
    for (name, token) in [
        ("expired", sign(&ours(-3600, iss, aud), TEST_SECRET)),
        ("wrong secret", sign(&ours(600, iss, aud), other_secret)),
        (
            "wrong issuer",
            sign(&ours(600, "someone-else", aud), TEST_SECRET),
        ),
        (
            "wrong audience",
            sign(&ours(600, iss, "another-api"), TEST_SECRET),
        ),
        (
            "alg none",
            format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}."),
        ),
        ("other algorithm", hs512),
        ("unknown account", sign(&unknown_account, TEST_SECRET)),
    ] {
        let response = app.get_as(&token, "/api/v1/boards").await;
        assert_eq!(response.status(), 401, "{name} token was accepted");
    }
}
