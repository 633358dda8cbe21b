//! Breach reports (issue #14 item 7; seed 002 §4): from events made by real requests of the
//! world's people, an admin sees who read or changed whose data in a window; nothing of another
//! school leaks in; a refused question records nothing but the refusal.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::{ACTORS, World};

const A1_REPORTS: &str = "/api/v1/schools/{A1}/breach-reports";

async fn report(app: &TestApp, world: &World, actor: &str, path: &str, body: Value) -> Value {
    let response = app
        .post_json_as(world.token(actor), &world.path(path), &body)
        .await;
    assert_eq!(response.status(), 200, "{actor} {path}");
    response.json().await.unwrap()
}

async fn account_of(app: &TestApp, world: &World, actor: &str) -> String {
    let me: Value = app
        .get_as(world.token(actor), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    me["account_id"].as_str().unwrap().to_owned()
}

async fn read(app: &TestApp, world: &World, actor: &str, path: &str, status: u16) {
    let response = app.get_as(world.token(actor), &world.path(path)).await;
    assert_eq!(response.status(), status, "{actor} GET {path}");
}

fn window(from: DateTime<Utc>, until: DateTime<Utc>) -> Value {
    json!({"from": from, "until": until})
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

fn reports_run(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'breach_report'")
}

/// The one object of this id in a report.
fn object<'a>(report: &'a Value, id: &str) -> &'a Value {
    let found: Vec<&Value> = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["object_id"] == id)
        .collect();
    assert_eq!(found.len(), 1, "{id} in {report}");
    found[0]
}

/// The reads of `account` in an object's actors (0 when it is not among them).
fn reads_by(object: &Value, account: &str) -> i64 {
    object["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == account)
        .map_or(0, |a| a["counts"]["reads"].as_i64().unwrap())
}

/// Staff and a guardian read P1; a teacher is refused the audit log.
async fn make_events(app: &TestApp, world: &World) {
    read(app, world, "teacher", "/api/v1/pupils/{P1}", 200).await;
    read(app, world, "teacher", "/api/v1/pupils/{P1}", 200).await;
    read(app, world, "guardian", "/api/v1/pupils/{P1}", 200).await;
    read(app, world, "school_admin", "/api/v1/pupils/{P2}", 200).await;
    read(
        app,
        world,
        "teacher",
        "/api/v1/schools/{A1}/audit-events",
        403,
    )
    .await;
}

#[tokio::test]
async fn a_report_shows_who_read_a_pupil_and_nothing_before() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (teacher, guardian) = (
        account_of(&app, &world, "teacher").await,
        account_of(&app, &world, "guardian").await,
    );
    let before = Utc::now() - Duration::seconds(1);
    make_events(&app, &world).await;
    // Now, not later: the reports run below are events of their own.
    let until = Utc::now();

    let p1 = world.id("P1");
    let body = with(window(before, until), "object_ids", json!([p1]));
    let answer = report(&app, &world, "school_admin", A1_REPORTS, body).await;
    assert_eq!(answer["totals"]["reads"], 3, "{answer}");
    assert_eq!(answer["totals"]["changes"], 0);
    assert_eq!(answer["objects"].as_array().unwrap().len(), 1, "only P1");
    let pupil = object(&answer, p1);
    assert_eq!(pupil["object_type"], "pupil");
    assert_eq!(pupil["counts"]["reads"], 3);
    assert_eq!(reads_by(pupil, &teacher), 2);
    assert_eq!(reads_by(pupil, &guardian), 1);
    let by_teacher = answer["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == teacher.as_str())
        .unwrap();
    assert_eq!(by_teacher["touched"][0]["object_type"], "pupil");
    assert_eq!(by_teacher["touched"][0]["objects"], 1);
    assert_eq!(by_teacher["counts"]["reads"], 2);

    // Every object: P2's read and the refused audit log are in, as a read and a refusal.
    let everything = report(
        &app,
        &world,
        "board_admin",
        A1_REPORTS,
        window(before, until),
    )
    .await;
    assert_eq!(everything["totals"]["reads"], 4, "{everything}");
    assert_eq!(everything["totals"]["refusals"], 1);
    assert_eq!(object(&everything, world.id("P2"))["counts"]["reads"], 1);
    let school = object(&everything, world.id("A1"));
    assert_eq!(school["counts"]["refusals"], 1);
    assert_eq!(school["actors"][0]["account_id"], teacher.as_str());
    assert_eq!(everything["truncated"], false);

    // A window that ended before the requests: nothing.
    let earlier = window(before - Duration::days(2), before);
    let nothing = report(&app, &world, "school_admin", A1_REPORTS, earlier).await;
    assert_eq!(nothing["totals"]["events"], 0, "{nothing}");
    assert_eq!(nothing["objects"], json!([]));
    assert_eq!(nothing["actors"], json!([]));

    // Running a report is recorded, and a later report counts it as a read of the school's log.
    let runs = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'breach_report' \
         AND outcome = 'ok' AND school_id = '{}' AND object_id = '{}'",
        world.id("A1"),
        world.id("A1")
    ));
    assert_eq!(runs, 3);
    let later = window(before, Utc::now());
    let after = report(&app, &world, "school_admin", A1_REPORTS, later).await;
    assert_eq!(after["totals"]["reads"], 4 + 3, "{after}");
}

#[tokio::test]
async fn an_account_filter_shows_only_what_that_account_did() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let teacher = account_of(&app, &world, "teacher").await;
    let before = Utc::now() - Duration::seconds(1);
    make_events(&app, &world).await;
    // Now, not later: the reports run below are events of their own.
    let until = Utc::now();

    let body = with(window(before, until), "account_ids", json!([teacher]));
    let answer = report(&app, &world, "school_admin", A1_REPORTS, body).await;
    assert_eq!(answer["totals"]["events"], 3, "{answer}");
    let actors = answer["actors"].as_array().unwrap();
    assert_eq!(actors.len(), 1);
    assert_eq!(actors[0]["account_id"], teacher.as_str());
    let pupil = object(&answer, world.id("P1"));
    assert_eq!(pupil["actors"].as_array().unwrap().len(), 1);
    assert_eq!(reads_by(pupil, &teacher), 2);
    assert!(
        !answer.to_string().contains(world.id("P2")),
        "the admin's read of P2 is not the teacher's"
    );
}

#[tokio::test]
async fn a_refused_question_names_its_field_and_records_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let at = Utc::now();
    let ids = |n: usize| json!(vec![world.id("P1"); n]);
    let cases = [
        (window(at, at), "until"),
        (window(at, at - Duration::hours(1)), "until"),
        (
            window(at, at + Duration::days(366) + Duration::seconds(1)),
            "until",
        ),
        (
            with(window(at, at), "object_ids", json!(["P1"])),
            "object_ids",
        ),
        (
            with(window(at - Duration::hours(1), at), "object_ids", ids(101)),
            "object_ids",
        ),
        (
            with(window(at - Duration::hours(1), at), "account_ids", ids(101)),
            "account_ids",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .post_json_as(world.token("school_admin"), &world.path(A1_REPORTS), &body)
            .await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert!(
            error_fields(&problem).iter().any(|f| f.contains(field)),
            "{field}: {problem}"
        );
    }
    assert_eq!(reports_run(&app), 0, "a refused question is no report");
    let long = window(at - Duration::days(366), at);
    report(&app, &world, "school_admin", A1_REPORTS, long).await;
}

#[tokio::test]
async fn only_the_schools_admins_and_its_boards_admins_may_ask() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    let before = Utc::now() - Duration::seconds(1);
    // An event of the other board's school, about its pupil.
    let mut conn = app.db.get().unwrap();
    persistence::audit::record(
        &mut conn,
        &persistence::audit::NewEvent {
            action: "read",
            object_type: "pupil",
            object_id: Some(world.id("P5")),
            school_id: Some(world.id("B1")),
            outcome: "ok",
            ..Default::default()
        },
    )
    .unwrap();
    drop(conn);
    make_events(&app, &world).await;
    let body = window(before, Utc::now());

    // operator, board_admin, school_admin, director, teacher, care_staff, lunch_supervisor,
    // guardian, other_guardian
    let matrix = [
        (A1_REPORTS, [404, 200, 200, 403, 403, 403, 403, 403, 403]),
        ("/api/v1/schools/{B1}/breach-reports", [404; 9]),
    ];
    let mut allowed = 0;
    for (path, expect) in matrix {
        for (actor, status) in ACTORS.iter().zip(expect) {
            let response = app
                .post_json_as(world.token(actor), &world.path(path), &body)
                .await;
            assert_eq!(response.status(), status, "{actor} POST {path}");
            let text = response.text().await.unwrap();
            if path == A1_REPORTS {
                for other in ["P5", "B1"] {
                    assert!(!text.contains(world.id(other)), "{other} leaked to {actor}");
                }
            }
            allowed += usize::from(status == 200);
        }
    }
    assert_eq!(reports_run(&app), allowed as i64);
    // Asked about the other school's pupil by id, A1's report knows nothing of it.
    let about_p5 = with(body, "object_ids", json!([world.id("P5")]));
    let answer = report(&app, &world, "school_admin", A1_REPORTS, about_p5).await;
    assert_eq!(answer["totals"]["events"], 0, "{answer}");
}

#[tokio::test]
async fn a_caller_without_rights_is_refused_before_the_body_is_read() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let cases = [
        (A1_REPORTS, "teacher", 403),
        ("/api/v1/schools/{B1}/breach-reports", "school_admin", 404),
    ];
    for (path, actor, status) in cases {
        // A body that never ends: a server that waited for it before authorizing never answers.
        let request = app
            .request(reqwest::Method::POST, &world.path(path))
            .bearer_auth(world.token(actor))
            .header("content-type", "application/json")
            .body(crate::las_sync::endless_body())
            .send();
        let response = tokio::time::timeout(std::time::Duration::from_secs(10), request)
            .await
            .unwrap_or_else(|_| panic!("{actor} {path}: the server waited for the body"))
            .unwrap();
        assert_eq!(response.status(), status, "{actor} {path}");
    }
    assert_eq!(reports_run(&app), 0);
}
