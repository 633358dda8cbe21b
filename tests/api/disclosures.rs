//! The disclosure register (issue #14 item 3, seed 002 appendix 3): every board starts with the
//! appendix's eleven rows, its admins keep it, everyone with a part in the board reads it, and
//! for anyone else the board's register does not exist (404), whatever they send.

use std::time::Duration;

use domain::disclosures::DEFAULTS;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::leave::send;
use crate::world::{ACTORS, PASSWORD, World};

fn register(world: &World, board: &str) -> String {
    world.path(&format!("/api/v1/boards/{{{board}}}/disclosures"))
}

/// Every row of a board's register as `token` reads it, following the cursor.
async fn read_all(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_path = match &cursor {
            Some(cursor) => format!("{path}?limit=4&cursor={cursor}"),
            None => format!("{path}?limit=4"),
        };
        let response = app.get_as(token, &page_path).await;
        assert_eq!(response.status(), 200, "GET {page_path}");
        let page: Value = response.json().await.unwrap();
        rows.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return rows,
        }
    }
}

fn recipients(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|row| row["recipient"].as_str().unwrap().to_owned())
        .collect()
}

fn seed_recipients() -> Vec<String> {
    DEFAULTS.iter().map(|(r, _, _)| (*r).to_owned()).collect()
}

fn count(app: &TestApp, board_id: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM disclosures WHERE board_id = '{board_id}'"
    ))
}

/// The id of a board's first default row (DUO).
async fn first_row(app: &TestApp, world: &World, board: &str) -> String {
    let admin = if board == "boardA" {
        world.token("board_admin").to_owned()
    } else {
        b1_admin(app).await
    };
    let rows = read_all(app, &admin, &register(world, board)).await;
    rows[0]["id"].as_str().unwrap().to_owned()
}

/// Board B's only actor with an account: the school admin of B1.
async fn b1_admin(app: &TestApp) -> String {
    let response = app.login("b1_admin@world.example", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

fn new_row() -> Value {
    json!({"recipient": "Schoolfotograaf", "purpose": "Schoolfoto's maken",
           "legal_basis": "consent", "data_categories": "naam, groep"})
}

#[tokio::test]
async fn every_board_starts_with_the_seed_register_in_its_order() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let rows = read_all(&app, world.token("teacher"), &register(&world, "boardA")).await;
    assert_eq!(recipients(&rows), seed_recipients());
    assert_eq!(rows[0]["purpose"], "Bekostiging");
    assert_eq!(rows[0]["legal_basis"], "legal_obligation");
    assert_eq!(rows[1]["legal_basis"], "legitimate_interest");
    assert_eq!(rows[3]["legal_basis"], "consent");
    assert!(rows.iter().all(|r| r["board_id"] == world.id("boardA")));
    assert!(rows.iter().all(|r| r["data_categories"].is_null()));
}

#[tokio::test]
async fn a_new_board_gets_the_default_register() {
    let app = TestApp::spawn().await;
    let operator = app.operator_token().await;
    let board = app.create_board(&operator, "Stichting Nieuw").await;
    let board_id = board["id"].as_str().unwrap().to_owned();
    assert_eq!(count(&app, &board_id), 11);
    // The operator runs the service and has no part in the board: its register is not theirs.
    let path = format!("/api/v1/boards/{board_id}/disclosures");
    assert_problem(app.get_as(&operator, &path).await, 404, "not-found").await;
    let db = app.db.clone();
    let id = board_id.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let hash = api::auth::password::hash(PASSWORD).unwrap();
        let admin =
            persistence::accounts::insert_person(&mut conn, "nieuw@board.example", Some(&hash))
                .unwrap();
        persistence::roster::add_board_admin(&mut conn, &admin.id, &id).unwrap();
    })
    .await
    .unwrap();
    let login = app.login("nieuw@board.example", PASSWORD).await;
    let token = login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        recipients(&read_all(&app, &token, &path).await),
        seed_recipients()
    );
}

#[tokio::test]
async fn the_board_admin_adds_changes_and_removes_rows() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let admin = world.token("board_admin");
    let path = register(&world, "boardA");
    let response = app.post_json_as(admin, &path, &new_row()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("{path}/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["recipient"], "Schoolfotograaf");
    assert_eq!(created["data_categories"], "naam, groep");
    let read: Value = app.get_as(admin, &location).await.json().await.unwrap();
    assert_eq!(read, created);
    let rows = read_all(&app, world.token("guardian"), &path).await;
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[11]["id"], created["id"], "a new row comes last");

    let change = json!({"purpose": "  Schoolfoto's en klassenfoto's ", "data_categories": ""});
    let response = send(&app, admin, Method::PATCH, &location, Some(&change)).await;
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["purpose"], "Schoolfoto's en klassenfoto's");
    assert!(changed["data_categories"].is_null());
    assert_eq!(changed["recipient"], "Schoolfotograaf");
    assert_eq!(changed["legal_basis"], "consent");

    let response = send(&app, admin, Method::DELETE, &location, None).await;
    assert_eq!(response.status(), 204);
    assert_problem(app.get_as(admin, &location).await, 404, "not-found").await;
    let response = send(&app, admin, Method::DELETE, &location, None).await;
    assert_problem(response, 404, "not-found").await;
    assert_eq!(count(&app, world.id("boardA")), 11);
    let audited = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE object_type = 'disclosure' \
         AND object_id = '{}' AND outcome = 'ok' AND action IN \
         ('create_disclosure', 'update_disclosure', 'delete_disclosure')",
        created["id"].as_str().unwrap()
    ));
    assert_eq!(audited, 3, "every change is in the audit log");
}

#[tokio::test]
async fn bad_input_is_422_naming_the_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let admin = world.token("board_admin");
    let path = register(&world, "boardA");
    let long = "x".repeat(501);
    // (body, fields named)
    let cases = [
        (
            json!({"recipient": "   ", "purpose": "Doel", "legal_basis": "consent"}),
            vec!["recipient"],
        ),
        (
            json!({"recipient": "Ontvanger", "purpose": long, "legal_basis": "consent"}),
            vec!["purpose"],
        ),
        (
            json!({"recipient": "Ontvanger", "purpose": "Doel", "legal_basis": "consent",
                   "data_categories": "naam\u{0}"}),
            vec!["data_categories"],
        ),
        (
            json!({"recipient": "Ontvanger", "purpose": "Doel", "legal_basis": "gut_feeling"}),
            vec!["legal_basis"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post_json_as(admin, &path, &body).await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert_eq!(error_fields(&problem), fields, "{body}");
    }
    let row = first_row(&app, &world, "boardA").await;
    let location = format!("{path}/{row}");
    let before: Value = app.get_as(admin, &location).await.json().await.unwrap();
    for (change, field) in [
        (json!({"recipient": " ", "purpose": "Anders"}), "recipient"),
        (json!({"purpose": "a\nb"}), "purpose"),
    ] {
        let response = send(&app, admin, Method::PATCH, &location, Some(&change)).await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert_eq!(error_fields(&problem), vec![field], "{change}");
    }
    let after: Value = app.get_as(admin, &location).await.json().await.unwrap();
    assert_eq!(after, before, "a refused change changes nothing");
    assert_eq!(count(&app, world.id("boardA")), 11, "nothing was added");
}

/// One request per actor and operation, on a default row of the board.
async fn status_of(
    app: &TestApp,
    world: &World,
    actor: &str,
    op: &str,
    row: &str,
    board: &str,
) -> u16 {
    let path = register(world, board);
    let token = world.token(actor);
    let (method, path, body) = match op {
        "list" => (Method::GET, path, None),
        "get" => (Method::GET, format!("{path}/{row}"), None),
        "create" => (Method::POST, path, Some(new_row())),
        "update" => (
            Method::PATCH,
            format!("{path}/{row}"),
            Some(json!({"purpose": "Gewijzigd"})),
        ),
        _ => (Method::DELETE, format!("{path}/{row}"), None),
    };
    send(app, token, method, &path, body.as_ref())
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn who_reads_and_who_keeps_each_boards_register() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    let b_row = first_row(&app, &world, "boardB").await;
    let b_before = read_all(&app, &b1_admin(&app).await, &register(&world, "boardB")).await;
    for actor in ACTORS {
        // Board A: everyone with a part in it reads; its admin alone writes; the operator has none.
        let (reads, writes) = match actor {
            "operator" => (404, 404),
            "board_admin" => (200, 0),
            _ => (200, 403),
        };
        for op in ["list", "get", "create", "update", "delete"] {
            // A fresh row per request, so one actor's delete does not change what the next meets.
            let row = first_row(&app, &world, "boardA").await;
            let expected = match (op, writes) {
                ("list" | "get", _) => reads,
                ("create", 0) => 201,
                ("update", 0) => 200,
                ("delete", 0) => 204,
                _ => writes,
            };
            let status = status_of(&app, &world, actor, op, &row, "boardA").await;
            assert_eq!(status, expected, "{actor} {op} at board A");
            // Board B is the other tenant: nobody here has a part in it.
            let status = status_of(&app, &world, actor, op, &b_row, "boardB").await;
            assert_eq!(status, 404, "{actor} {op} at board B");
        }
        // A row of board B through board A's path does not exist either.
        let path = format!("{}/{b_row}", register(&world, "boardA"));
        let status = app.get_as(world.token(actor), &path).await.status();
        assert_eq!(status, 404, "{actor} reads B's row through A");
    }
    let b_after = read_all(&app, &b1_admin(&app).await, &register(&world, "boardB")).await;
    assert_eq!(b_after, b_before, "board B's register is untouched");
    let refusals = app.scalar(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'change_disclosures' \
         AND outcome = 'forbidden'",
    );
    assert_eq!(refusals, 7 * 3, "every 403 is recorded");
}

#[tokio::test]
async fn board_b_reads_its_own_register_and_not_board_as() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let b1 = b1_admin(&app).await;
    let rows = read_all(&app, &b1, &register(&world, "boardB")).await;
    assert!(rows.iter().all(|r| r["board_id"] == world.id("boardB")));
    assert_eq!(rows.len(), 11);
    let response = app.get_as(&b1, &register(&world, "boardA")).await;
    assert_problem(response, 404, "not-found").await;
    // A school admin reads the board's register but does not keep it.
    let response = app
        .post_json_as(&b1, &register(&world, "boardB"), &new_row())
        .await;
    assert_problem(response, 403, "forbidden").await;
}

/// Sends a body that never ends: a server that waits for it before authorizing never answers.
async fn status_with_endless_body(app: &TestApp, token: &str, method: Method, path: &str) -> u16 {
    let request = app
        .request(method, path)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(crate::las_sync::endless_body())
        .send();
    tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .unwrap_or_else(|_| panic!("{path}: the server waited for the body"))
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_caller_without_rights_is_refused_before_the_body_is_read() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a_row = first_row(&app, &world, "boardA").await;
    let b_row = first_row(&app, &world, "boardB").await;
    let cases = [
        (Method::POST, register(&world, "boardA"), "teacher", 403),
        (Method::POST, register(&world, "boardB"), "board_admin", 404),
        (
            Method::PATCH,
            format!("{}/{a_row}", register(&world, "boardA")),
            "guardian",
            403,
        ),
        (
            Method::PATCH,
            format!("{}/{b_row}", register(&world, "boardB")),
            "board_admin",
            404,
        ),
    ];
    for (method, path, actor, expected) in cases {
        let status = status_with_endless_body(&app, world.token(actor), method, &path).await;
        assert_eq!(status, expected, "{actor} at {path}");
    }
}

#[tokio::test]
async fn a_retried_add_with_its_key_adds_one_row() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let path = register(&world, "boardA");
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = app
            .request(Method::POST, &path)
            .bearer_auth(world.token("board_admin"))
            .header("Idempotency-Key", "disclosure-retry-1")
            .json(&new_row())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let replayed = response.headers().get("idempotent-replayed").is_some();
        answers.push((replayed, response.json::<Value>().await.unwrap()));
    }
    assert!(!answers[0].0 && answers[1].0, "the retry is a replay");
    assert_eq!(answers[0].1["id"], answers[1].1["id"]);
    assert_eq!(count(&app, world.id("boardA")), 12);
}
