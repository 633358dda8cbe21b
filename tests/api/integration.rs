//! Integration clients: created with a secret shown once, OAuth2 client-credentials tokens with
//! the client's board, school and scopes, and revocation.

use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::world::World;

async fn create_client(app: &TestApp, world: &World, school: Option<&str>) -> Value {
    let mut body = json!({"name": "ParnasSys-koppeling", "scopes": ["roster:write"]});
    if let Some(school) = school {
        body["school_id"] = json!(world.id(school));
    }
    let response = app
        .post_json_as(
            world.token("board_admin"),
            &world.path("/api/v1/boards/{boardA}/integration-clients"),
            &body,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn token_request(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.request(reqwest::Method::POST, "/oauth/token")
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_client_gets_a_token_for_its_school_and_scopes() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = create_client(&app, &world, Some("A1")).await;
    let (id, secret) = (
        client["id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    assert_eq!(secret.len(), 64);

    let listed: Value = app
        .get_as(
            world.token("board_admin"),
            &world.path("/api/v1/boards/{boardA}/integration-clients"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], client["id"]);
    assert!(
        !listed.to_string().contains(secret),
        "the secret is shown once"
    );

    let response = token_request(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["scope"], "roster:write");
    assert_eq!(token["token_type"], "Bearer");
    let access = token["access_token"].as_str().unwrap();

    let me: Value = app
        .get_as(access, "/api/v1/integration/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["board_id"], world.id("boardA"));
    assert_eq!(me["school_id"], world.id("A1"));
    assert_eq!(me["scopes"], json!(["roster:write"]));
    // A client's token opens no person's endpoint.
    assert_eq!(app.get_as(access, "/api/v1/me").await.status(), 401);
    assert_eq!(
        app.get_as(access, &world.path("/api/v1/schools/{A1}/pupils"))
            .await
            .status(),
        401
    );

    // HTTP Basic works as well (RFC 6749 §2.3.1).
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let response = app
        .request(reqwest::Method::POST, "/oauth/token")
        .header("authorization", format!("Basic {basic}"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "roster:write"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn refused_token_requests_say_why_in_oauth_terms() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = create_client(&app, &world, None).await;
    let id = client["id"].as_str().unwrap();
    let secret = client["client_secret"].as_str().unwrap();

    type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);
    let cases: [Case; 5] = [
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", "wrong"),
            ],
            401,
            "invalid_client",
        ),
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "not-a-client"),
                ("client_secret", secret),
            ],
            401,
            "invalid_client",
        ),
        (
            &[
                ("grant_type", "password"),
                ("client_id", id),
                ("client_secret", secret),
            ],
            400,
            "unsupported_grant_type",
        ),
        (
            &[("client_id", id), ("client_secret", secret)],
            400,
            "invalid_request",
        ),
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
                ("scope", "roster:write admin"),
            ],
            400,
            "invalid_scope",
        ),
    ];
    for (form, status, error) in cases {
        let problem = assert_problem(token_request(&app, form).await, status, "oauth").await;
        assert_eq!(problem["error"], error, "{form:?}");
    }
}

#[tokio::test]
async fn a_revoked_client_and_its_tokens_stop_working() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = create_client(&app, &world, Some("A1")).await;
    let (id, secret) = (
        client["id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    let token: Value = token_request(&app, &form).await.json().await.unwrap();
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(
        app.get_as(access, "/api/v1/integration/me").await.status(),
        200
    );

    let path = format!(
        "{}/{id}",
        world.path("/api/v1/boards/{boardA}/integration-clients")
    );
    let by_other_board_admin = app
        .request(reqwest::Method::DELETE, &path)
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_other_board_admin.status(), 404);
    let revoked = app
        .request(reqwest::Method::DELETE, &path)
        .bearer_auth(world.token("board_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);

    assert_eq!(
        app.get_as(access, "/api/v1/integration/me").await.status(),
        401
    );
    let problem = assert_problem(token_request(&app, &form).await, 401, "oauth").await;
    assert_eq!(problem["error"], "invalid_client");
}

#[tokio::test]
async fn a_client_is_limited_to_a_school_of_its_own_board() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let body = json!({"name": "Verkeerd", "scopes": ["roster:write"], "school_id": world.id("B1")});
    let response = app
        .post_json_as(
            world.token("board_admin"),
            &world.path("/api/v1/boards/{boardA}/integration-clients"),
            &body,
        )
        .await;
    let problem = assert_problem(response, 409, "conflict").await;
    assert!(problem["detail"].as_str().unwrap().contains("school_id"));
}

pub async fn client_token(app: &TestApp, world: &World, school: Option<&str>) -> String {
    let client = create_client(app, world, school).await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client["id"].as_str().unwrap()),
        ("client_secret", client["client_secret"].as_str().unwrap()),
    ];
    let token: Value = token_request(app, &form).await.json().await.unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

/// School A2's roster as the world holds it, plus a new pupil in a new group and a guardian with
/// a broken address.
fn a2_snapshot() -> Value {
    json!({
        "school_year": crate::world::this_year(),
        "groups": [
            {"key": "GA2", "name": "GA2", "year_group": 1},
            {"key": "GN", "name": "Groep 3", "year_group": 3}
        ],
        "pupils": [
            {"key": "P4", "parents_separated": false, "first_name": "Kind", "last_name": "MarkerP4", "groups": ["GA2"]},
            {"key": "N1", "parents_separated": false, "first_name": "Nieuw", "name_prefix": "van", "last_name": "Dijk",
             "date_of_birth": "2019-03-01", "groups": ["GN"]}
        ],
        "guardians": [
            {"key": "M4", "first_name": "Ouder", "last_name": "MarkerM4", "email": "m4@world.example",
             "phone": "+31 6 M4",
             "children": [{"pupil": "P4", "relationship": "parent", "parental_authority": true, "household": "H4"}]},
            {"key": "X1", "first_name": "Fout", "last_name": "Adres", "email": "geen-adres",
             "children": [{"pupil": "N1", "relationship": "mother", "parental_authority": true, "household": "HX"}]}
        ],
        "staff": []
    })
}

async fn push(
    app: &TestApp,
    world: &World,
    token: &str,
    school: &str,
    body: &Value,
) -> reqwest::Response {
    let path = world.path(&format!("/api/v1/schools/{{{school}}}/roster"));
    app.request(reqwest::Method::PUT, &path)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_las_client_pushes_a_roster_and_the_same_one_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let token = client_token(&app, &world, None).await;

    let response = push(&app, &world, &token, "A2", &a2_snapshot()).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result["pupils"],
        json!({"created": 1, "updated": 0, "deactivated": 0, "unchanged": 1})
    );
    assert_eq!(result["groups"]["created"], 1);
    assert_eq!(result["guardians"]["unchanged"], 1);
    assert_eq!(result["rejected"][0]["key"], "X1");
    assert_eq!(result["rejected"][0]["field"], "email");

    let again: Value = push(&app, &world, &token, "A2", &a2_snapshot())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["pupils"],
        json!({"created": 0, "updated": 0, "deactivated": 0, "unchanged": 2})
    );
    assert_eq!(
        again["groups"],
        json!({"created": 0, "updated": 0, "deactivated": 0, "unchanged": 2})
    );

    // The board admin sees the new pupil.
    let pupils: Value = app
        .get_as(
            world.token("board_admin"),
            &world.path("/api/v1/schools/{A2}/pupils"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(pupils.to_string().contains("Nieuw"));
}

#[tokio::test]
async fn a_snapshot_with_a_broken_structure_changes_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let token = client_token(&app, &world, None).await;
    let mut broken = a2_snapshot();
    broken["pupils"].as_array_mut().unwrap().push(
        json!({"key": "N1", "parents_separated": false, "first_name": "Twee", "last_name": "Keer"}),
    );
    let problem = assert_problem(
        push(&app, &world, &token, "A2", &broken).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "pupils.key");

    let pupils: Value = app
        .get_as(
            world.token("board_admin"),
            &world.path("/api/v1/schools/{A2}/pupils"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pupils["items"].as_array().unwrap().len(),
        1,
        "only P4, as before"
    );
}

#[tokio::test]
async fn a_client_pushes_only_to_schools_it_is_for() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a1_only = client_token(&app, &world, Some("A1")).await;
    assert_problem(
        push(&app, &world, &a1_only, "A2", &a2_snapshot()).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        push(&app, &world, &a1_only, "B1", &a2_snapshot()).await,
        404,
        "not-found",
    )
    .await;
    let person = world.token("school_admin").to_owned();
    assert_problem(
        push(&app, &world, &person, "A1", &a2_snapshot()).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn a_token_cannot_widen_what_the_clients_record_allows() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    // A client of school A2 only; with a leaked signing key someone mints its tokens for more.
    let real = client_token(&app, &world, Some("A2")).await;
    let claims: Value = jsonwebtoken::dangerous::insecure_decode_claims(&real).unwrap();
    let forge = |change: &dyn Fn(&mut Value)| {
        let mut forged = claims.clone();
        change(&mut forged);
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &forged,
            &jsonwebtoken::EncodingKey::from_secret(crate::helpers::TEST_SECRET.as_bytes()),
        )
        .unwrap()
    };
    let any_school = forge(&|c| {
        c.as_object_mut().unwrap().remove("school");
    });
    let other_board = forge(&|c| {
        c["board"] = json!(world.id("boardB"));
        c.as_object_mut().unwrap().remove("school");
    });
    let empty = crate::world::empty_roster();
    for (token, school, status) in [
        (&any_school, "A1", 403),
        (&other_board, "B1", 404),
        (&real, "A1", 403),
    ] {
        let response = app
            .request(
                reqwest::Method::PUT,
                &world.path(&format!("/api/v1/schools/{{{school}}}/roster")),
            )
            .bearer_auth(token)
            .json(&empty)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{school}");
    }
    // Scopes too: a token without roster:write stays without it.
    let no_scope = forge(&|c| c["scope"] = json!(""));
    let response = app
        .request(
            reqwest::Method::PUT,
            &world.path("/api/v1/schools/{A2}/roster"),
        )
        .bearer_auth(&no_scope)
        .json(&empty)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
