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
    // The session of a real sign-in, so that only the property under test differs.
    let session: serde_json::Value =
        jsonwebtoken::dangerous::insecure_decode_claims(&token).unwrap();
    let sid = session["sid"].as_str().unwrap().to_owned();
    let ours = |exp: i64, iss: &str, aud: &str| {
        let mut claims = claims(&sub, exp, iss, aud);
        claims["sid"] = json!(sid);
        claims
    };
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
    let mut unknown_account = claims(&uuid::Uuid::new_v4().to_string(), 600, iss, aud);
    unknown_account["sid"] = json!(sid);
    let mut unknown_session = ours(600, iss, aud);
    unknown_session["sid"] = json!(uuid::Uuid::new_v4());
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
        ("unknown session", sign(&unknown_session, TEST_SECRET)),
    ] {
        let response = app.get_as(&token, "/api/v1/boards").await;
        assert_eq!(response.status(), 401, "{name} token was accepted");
    }
}

async fn tokens(app: &TestApp, email: &str, password: &str) -> serde_json::Value {
    let response = app.login(email, password).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn refresh(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/refresh",
        &json!({ "refresh_token": refresh_token }),
    )
    .await
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let first = tokens(&app, OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();
    assert_eq!(first["refresh_expires_in"], 30 * 24 * 3600);

    let response = refresh(&app, first_refresh).await;
    assert_eq!(response.status(), 200);
    let second: serde_json::Value = response.json().await.unwrap();
    let second_access = second["access_token"].as_str().unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(app.get_as(second_access, "/api/v1/me").await.status(), 200);

    // The first token again: someone holds a copy. The whole session ends.
    assert_problem(refresh(&app, first_refresh).await, 401, "unauthenticated").await;
    assert_eq!(
        refresh(&app, second["refresh_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    assert_eq!(
        app.get_as(second_access, "/api/v1/me").await.status(),
        401,
        "access tokens of the session end too"
    );

    // Another sign-in is a new session and works.
    let again = tokens(&app, OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD).await;
    assert_eq!(
        app.get_as(again["access_token"].as_str().unwrap(), "/api/v1/me")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_unknown_refresh_token_is_401() {
    let app = TestApp::spawn().await;
    assert_problem(refresh(&app, "not-a-token").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn logout_ends_the_session_and_its_tokens() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let session = tokens(&app, OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD).await;
    let other = tokens(&app, OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD).await;
    let access = session["access_token"].as_str().unwrap();
    let response = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({ "refresh_token": session["refresh_token"] }),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(app.get_as(access, "/api/v1/me").await.status(), 401);
    assert_eq!(
        refresh(&app, session["refresh_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    // Other sessions of the same person go on.
    assert_eq!(
        app.get_as(other["access_token"].as_str().unwrap(), "/api/v1/me")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn five_failures_for_an_account_throttle_its_sign_in() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    for _ in 0..5 {
        let response = app.login(OPERATOR_EMAIL, "wrong-password-123").await;
        assert_problem(response, 401, "invalid-credentials").await;
    }
    // Even the right password is refused now, the same way for any address: no enumeration.
    let refused = app
        .login(OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD)
        .await;
    assert!(refused.headers().get("retry-after").is_some());
    assert_problem(refused, 429, "too-many-requests").await;
    for _ in 0..5 {
        app.login("nobody@test.ouderportaal.nl", "wrong-password-123")
            .await;
    }
    assert_problem(
        app.login("nobody@test.ouderportaal.nl", "x").await,
        429,
        "too-many-requests",
    )
    .await;
}

#[tokio::test]
async fn twenty_failures_from_one_address_throttle_it() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    for i in 0..20 {
        let response = app
            .login(
                &format!("guess{i}@test.ouderportaal.nl"),
                "wrong-password-123",
            )
            .await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    let refused = app
        .login(OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD)
        .await;
    assert_problem(refused, 429, "too-many-requests").await;
}

#[tokio::test]
async fn two_concurrent_exchanges_of_one_token_cannot_both_win() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let session = tokens(&app, OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD).await;
    let token = session["refresh_token"].as_str().unwrap();
    let (a, b) = tokio::join!(refresh(&app, token), refresh(&app, token));
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        vec![200, 401],
        "one exchange wins, the other is a reuse"
    );
}

/// Statuses of `n` sign-ins sent at once.
async fn parallel_logins(app: &TestApp, n: usize, email: impl Fn(usize) -> String) -> Vec<u16> {
    let requests = (0..n).map(|i| {
        let email = email(i);
        async move {
            app.login(&email, "wrong-password-123")
                .await
                .status()
                .as_u16()
        }
    });
    futures_util::future::join_all(requests).await
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn parallel_wrong_passwords_for_one_account_check_at_most_five() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let before = app.hashing.computed();
    let statuses = parallel_logins(&app, 40, |_| OPERATOR_EMAIL.to_owned()).await;
    assert_eq!(count(&statuses, 401), 5, "{statuses:?}");
    assert_eq!(
        count(&statuses, 429) + count(&statuses, 503),
        35,
        "the rest is throttled or turned away: {statuses:?}"
    );
    assert_eq!(app.hashing.computed() - before, 5, "five passwords checked");
    // The right password just after is refused too: the account's attempts are spent.
    assert_problem(
        app.login(OPERATOR_EMAIL, crate::helpers::OPERATOR_PASSWORD)
            .await,
        429,
        "too-many-requests",
    )
    .await;
}

#[tokio::test]
async fn a_parallel_burst_from_one_address_checks_at_most_twenty() {
    // The request rate limiter would answer 429 too (depending on how fast passwords hash): out of
    // the way, so every 429 here is the sign-in throttle's.
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let before = app.hashing.computed();
    let statuses = parallel_logins(&app, 150, |i| format!("guess{i}@test.ouderportaal.nl")).await;
    let checked = app.hashing.computed() - before;
    assert!(checked <= 20, "{checked} passwords checked");
    assert_eq!(count(&statuses, 401) as u64, checked, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [401, 429, 503].contains(s)),
        "{statuses:?}"
    );
    // Those turned away by the full hashing queue (503) spent nothing: one by one, the address
    // gets exactly its twenty checks in all, and then 429.
    let mut checked_after = 0;
    loop {
        let answer = app
            .login(
                &format!("late{checked_after}@test.ouderportaal.nl"),
                "wrong-password-123",
            )
            .await;
        let status = answer.status().as_u16();
        if status == 429 {
            // The throttle's 429 lasts the rest of the window, not a second.
            assert_eq!(answer.headers()["retry-after"], "900");
            break;
        }
        assert_eq!(status, 401);
        checked_after += 1;
        assert!(checked_after <= 20, "never throttled");
    }
    assert_eq!(checked + checked_after, 20);
}

#[tokio::test]
async fn every_sign_in_costs_one_hash_whatever_the_accounts_state() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    let invited = "invited@test.ouderportaal.nl";
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        persistence::accounts::insert_person(&mut conn, invited, None).unwrap();
    })
    .await
    .unwrap();
    // An invited account without a password, an unknown address, a wrong password: the same
    // answer and the same work, so timing does not tell them apart.
    for email in [invited, "nobody@test.ouderportaal.nl", OPERATOR_EMAIL] {
        let before = app.hashing.computed();
        assert_problem(
            app.login(email, "wrong-password-123").await,
            401,
            "invalid-credentials",
        )
        .await;
        assert_eq!(app.hashing.computed() - before, 1, "{email}");
    }
}

#[tokio::test]
async fn a_throttled_account_does_not_spend_its_networks_quota() {
    let app = TestApp::spawn().await;
    app.operator_token().await;
    // Someone hammers one account from a school's network: 5 checks, then refused.
    for _ in 0..25 {
        app.login(OPERATOR_EMAIL, "wrong-password-123").await;
    }
    // The other parents on that network still have their attempts: 15 of the 20 remain.
    for i in 0..15 {
        let status = app
            .login(
                &format!("ouder{i}@test.ouderportaal.nl"),
                "wrong-password-123",
            )
            .await
            .status();
        assert_eq!(status, 401, "attempt {i}");
    }
}
