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

fn claims(exp_offset: i64, iss: &str, aud: &str) -> serde_json::Value {
    let now = jsonwebtoken::get_current_timestamp() as i64;
    json!({
        "iss": iss, "aud": aud, "sub": uuid::Uuid::new_v4(), "iat": now, "nbf": now - 10,
        "exp": now + exp_offset, "jti": uuid::Uuid::new_v4(), "kind": "platform_operator"
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
    let valid = sign(
        &claims(600, "ouderportaal", "ouderportaal-api"),
        TEST_SECRET,
    );
    assert_eq!(
        app.get_as(&valid, "/api/v1/boards").await.status(),
        200,
        "the control token works"
    );

    let expired = sign(
        &claims(-3600, "ouderportaal", "ouderportaal-api"),
        TEST_SECRET,
    );
    let wrong_secret = sign(
        &claims(600, "ouderportaal", "ouderportaal-api"),
        "another-secret-another-secret-another-secret",
    );
    let wrong_issuer = sign(
        &claims(600, "someone-else", "ouderportaal-api"),
        TEST_SECRET,
    );
    let wrong_audience = sign(&claims(600, "ouderportaal", "another-api"), TEST_SECRET);
    let payload = valid.split('.').nth(1).unwrap();
    let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims(600, "ouderportaal", "ouderportaal-api"),
        &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .unwrap();
    for (name, token) in [
        ("expired", expired),
        ("wrong secret", wrong_secret),
        ("wrong issuer", wrong_issuer),
        ("wrong audience", wrong_audience),
        ("alg none", alg_none),
        ("other algorithm", hs512),
    ] {
        let response = app.get_as(&token, "/api/v1/boards").await;
        assert_eq!(response.status(), 401, "{name} token was accepted");
    }
}
