//! The LAS is leading, end to end through the API: the seed-000 story (an account that ended up
//! with the other parent's data is the LAS person's again after the next sync), new activation
//! links after an address change, leavers, roll-over, the delta form, EDEXML uploads and the
//! nightly fetch, and the record of every run.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use persistence::outbox;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::integration::client_token;
use crate::world::{World, marker, this_year};

const EDEXML: &str = include_str!("../fixtures/edexml/EDEXML.Voorbeeld.2.1.xml");
const EDEXML_FLEMISH: &str = include_str!("../fixtures/edexml/EDEXML.Voorbeeld.2.1-Vla.xml");

fn guardian(key: &str, pupil: &str, household: &str) -> Value {
    json!({"key": key, "first_name": "Ouder", "last_name": marker(key),
           "email": format!("{}@world.example", key.to_lowercase()), "phone": format!("+31 6 {key}"),
           "children": [{"pupil": pupil, "relationship": "parent", "parental_authority": true, "household": household}]})
}

fn staff(actor: &str, groups: &[&str]) -> Value {
    json!({"key": actor, "first_name": "Juf", "last_name": marker(actor),
           "email": format!("{actor}@world.example"), "phone": format!("+31 30 {actor}"),
           "roles": [actor], "groups": groups})
}

/// School A1 exactly as the world holds it, as the LAS would send it.
fn a1_snapshot() -> Value {
    json!({
        "school_year": this_year(),
        "groups": [
            {"key": "G1", "name": "G1", "year_group": 1},
            {"key": "G2", "name": "G2", "year_group": 1}
        ],
        "pupils": [
            {"key": "P1", "first_name": "Kind", "last_name": marker("P1"), "parents_separated": true, "groups": ["G1"]},
            {"key": "P2", "parents_separated": false, "first_name": "Kind", "last_name": marker("P2"), "groups": ["G1"]},
            {"key": "P3", "parents_separated": false, "first_name": "Kind", "last_name": marker("P3"), "groups": ["G2"]}
        ],
        "guardians": [
            guardian("M1", "P1", "H1"), guardian("D1", "P1", "H1b"),
            guardian("M2", "P2", "H2"), guardian("M3", "P3", "H3")
        ],
        "staff": [
            staff("school_admin", &[]), staff("director", &[]), staff("teacher", &["G1"]),
            staff("care_staff", &[]), staff("lunch_supervisor", &[])
        ]
    })
}

/// School A1's roster with one more guardian.
fn a1_with_guardian(extra: &Value) -> Value {
    a1_snapshot_with(|s| s["guardians"].as_array_mut().unwrap().push(extra.clone()))
}

/// School A1's roster with a change the LAS made.
pub fn a1_snapshot_with(change: impl FnOnce(&mut Value)) -> Value {
    let mut snapshot = a1_snapshot();
    change(&mut snapshot);
    snapshot
}

async fn send(
    app: &TestApp,
    world: &World,
    method: reqwest::Method,
    token: &str,
    school: &str,
    body: &Value,
) -> reqwest::Response {
    let path = world.path(&format!("/api/v1/schools/{{{school}}}/roster"));
    app.request(method, &path)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn push(app: &TestApp, world: &World, token: &str, body: &Value) -> Value {
    let response = send(app, world, reqwest::Method::PUT, token, "A1", body).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn upload(
    app: &TestApp,
    world: &World,
    token: &str,
    school: &str,
    xml: &str,
) -> reqwest::Response {
    let path = world.path(&format!("/api/v1/schools/{{{school}}}/roster/edexml"));
    app.request(reqwest::Method::POST, &path)
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(xml.to_owned())
        .send()
        .await
        .unwrap()
}

async fn runs(app: &TestApp, world: &World, school: &str) -> Vec<Value> {
    let path = world.path(&format!("/api/v1/schools/{{{school}}}/sync-runs"));
    let page: Value = app
        .get_as(world.token("board_admin"), &path)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

/// The school's runs once there is one (the scheduler works in the background), within 10 s.
async fn first_runs(app: &TestApp, world: &World, school: &str) -> Vec<Value> {
    for _ in 0..100 {
        let found = runs(app, world, school).await;
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Vec::new()
}

async fn pupil_names(app: &TestApp, world: &World, school: &str) -> Vec<String> {
    let path = world.path(&format!("/api/v1/schools/{{{school}}}/pupils"));
    let page: Value = app
        .get_as(world.token("board_admin"), &path)
        .await
        .json()
        .await
        .unwrap();
    let mut names: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["first_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn pending_mail(app: &TestApp) -> Vec<outbox::OutboxRow> {
    outbox::pending(&mut app.db.get().unwrap()).unwrap()
}

/// The outbox once something is in it (a background worker writes it), within 5 s.
async fn first_mail(app: &TestApp) -> Vec<outbox::OutboxRow> {
    for _ in 0..100 {
        let mails = pending_mail(app);
        if !mails.is_empty() {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Vec::new()
}

#[tokio::test]
async fn seed_000_an_account_changed_to_the_other_parent_is_the_las_persons_again() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    // In the old portal the father overwrote the mother's record with his own details and signed
    // in with his own account on it; the school never changed its LAS.
    {
        let hash = api::auth::password::hash("vader-wachtwoord-1").unwrap();
        let mut conn = app.db.get().unwrap();
        let account =
            persistence::accounts::insert_person(&mut conn, "vader@elders.example", Some(&hash))
                .unwrap();
        drop(conn);
        app.execute_sql(&format!(
            "UPDATE guardians SET first_name = 'Vader', email = 'vader@elders.example', \
             phone = '+31 6 99999999', account_id = '{}' WHERE id = '{}'",
            account.id,
            world.id("M1")
        ));
    }
    let login: Value = app
        .login("vader@elders.example", "vader-wachtwoord-1")
        .await
        .json()
        .await
        .unwrap();
    let father_token = login["access_token"].as_str().unwrap().to_owned();
    let p1 = world.path("/api/v1/pupils/{P1}");
    assert_eq!(app.get_as(&father_token, &p1).await.status(), 200);

    // The next sync brings the LAS values back.
    let result = push(&app, &world, &client, &a1_snapshot()).await;
    assert_eq!(
        result["guardians"],
        json!({"created": 0, "updated": 1, "deactivated": 0, "unchanged": 3})
    );
    let m1: Value = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/guardians/{M1}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m1["first_name"], "Ouder");
    assert_eq!(m1["contact"]["email"], "m1@world.example");
    assert_eq!(m1["contact"]["phone"], "+31 6 M1");

    // The father's account no longer opens the mother's record; his session goes on: one school's
    // LAS data changes that school's link and nothing else of an account.
    assert_eq!(app.get_as(&father_token, &p1).await.status(), 404);
    assert_eq!(app.get_as(&father_token, "/api/v1/me").await.status(), 200);

    // The mother's address has an account: she gets a link to confirm, counted like any other,
    // and her record joins her account only when she uses it.
    assert_eq!(result["invitations_sent"], 1);
    let fresh: Value = app
        .login("m1@world.example", crate::world::PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let mother = fresh["access_token"].as_str().unwrap();
    assert_eq!(app.get_as(mother, &p1).await.status(), 404);
    let mails = pending_mail(&app);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "m1@world.example");
    assert!(mails[0].body.contains("/confirm-link#token="));
    let confirmation = json!({"token": token_in(&mails[0].body)});
    let confirmed = app
        .post_json("/api/v1/auth/link-confirmation", &confirmation)
        .await;
    assert_eq!(confirmed.status(), 204);
    assert_eq!(app.get_as(mother, &p1).await.status(), 200);
    let twice = app
        .post_json("/api/v1/auth/link-confirmation", &confirmation)
        .await;
    assert_eq!(twice.status(), 409, "a link works once");
}

/// The token of the link in a mail's body.
pub fn token_in(body: &str) -> String {
    let start = body.find("#token=").expect("a link with a token") + "#token=".len();
    body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn a_guardian_whose_address_changes_in_the_las_gets_a_link_at_the_new_address() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let other = world.token("other_guardian").to_owned();
    let p2 = world.path("/api/v1/pupils/{P2}");
    assert_eq!(app.get_as(&other, &p2).await.status(), 200);

    let mut snapshot = a1_snapshot();
    snapshot["guardians"][2]["email"] = json!("m2.nieuw@world.example");
    let result = push(&app, &world, &client, &snapshot).await;
    assert_eq!(result["invitations_sent"], 1);

    assert_eq!(
        app.get_as(&other, &p2).await.status(),
        404,
        "the old address's account lost the record"
    );
    assert_eq!(
        app.get_as(&other, "/api/v1/me").await.status(),
        200,
        "and kept its session"
    );
    let mails = pending_mail(&app);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "m2.nieuw@world.example");
    assert!(mails[0].body.contains("/activate#token="));

    // The same snapshot again changes nothing and sends nothing.
    let again = push(&app, &world, &client, &snapshot).await;
    assert_eq!(again["invitations_sent"], 0);
    assert_eq!(again["guardians"]["unchanged"], 4);
    assert_eq!(pending_mail(&app).len(), 1);
}

#[tokio::test]
async fn leavers_are_deactivated_and_their_guardians_lose_access_but_keep_their_history() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let other = world.token("other_guardian").to_owned();

    // P2 left; the LAS no longer lists P2 nor M2.
    let mut snapshot = a1_snapshot();
    snapshot["pupils"].as_array_mut().unwrap().remove(1);
    snapshot["guardians"].as_array_mut().unwrap().remove(2);
    let result = push(&app, &world, &client, &snapshot).await;
    assert_eq!(result["pupils"]["deactivated"], 1);
    assert_eq!(result["guardians"]["deactivated"], 1);

    assert_eq!(pupil_names(&app, &world, "A1").await.len(), 2);
    assert_eq!(
        app.get_as(&other, &world.path("/api/v1/pupils/{P2}"))
            .await
            .status(),
        404
    );
    let schools: Value = app
        .get_as(&other, "/api/v1/schools")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        schools["items"].as_array().unwrap().len(),
        0,
        "no pupil left at the school: no access to it"
    );
    // The link stays for the retention period (history), it is only no longer active.
    let links = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM guardian_pupils WHERE pupil_id = '{}'",
        world.id("P2")
    ));
    assert_eq!(links, 1);
}

#[tokio::test]
async fn a_new_school_year_rolls_groups_over_and_the_previous_year_stays() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    let mut next_year = a1_snapshot();
    next_year["school_year"] = json!(crate::world::next_year());
    next_year["groups"] = json!([
        {"key": "G1-27", "name": "Groep 2", "year_group": 2},
        {"key": "G2-27", "name": "Groep 2b", "year_group": 2}
    ]);
    next_year["pupils"][0]["groups"] = json!(["G1-27"]);
    next_year["pupils"][1]["groups"] = json!(["G1-27"]);
    next_year["pupils"][2]["groups"] = json!(["G2-27"]);
    next_year["staff"][2]["groups"] = json!(["G1-27"]);
    let result = push(&app, &world, &client, &next_year).await;
    assert_eq!(result["groups"]["created"], 2);
    assert_eq!(result["groups"]["deactivated"], 0, "last year's are kept");
    assert_eq!(result["pupils"]["updated"], 3, "new groups");

    let years = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM school_years WHERE school_id = '{}'",
        world.id("A1")
    ));
    assert_eq!(years, 2);
    // Last year's groups and memberships are still there to read.
    let last_year = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM enrolments e JOIN school_groups g ON g.id = e.group_id \
             WHERE g.school_year_id = '{}'",
        world.id("Y_A1")
    ));
    assert_eq!(last_year, 3);
    let new_year = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM enrolments e JOIN school_groups g ON g.id = e.group_id \
             WHERE g.school_id = '{}' AND g.school_year_id <> '{}'",
        world.id("A1"),
        world.id("Y_A1")
    ));
    assert_eq!(new_year, 3);

    // Both years' groups are listed, each with its school year.
    let groups: Value = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/groups"),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut listed: Vec<(String, String)> = groups["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["school_year"].as_str().unwrap().to_owned(),
                g["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    listed.sort();
    let (this, next) = (this_year(), crate::world::next_year());
    assert_eq!(
        listed,
        [
            (this.clone(), "G1"),
            (this, "G2"),
            (next.clone(), "Groep 2"),
            (next, "Groep 2b")
        ]
        .map(|(y, n)| (y, n.to_owned()))
    );

    // The same snapshot again: nothing to do.
    let again = push(&app, &world, &client, &next_year).await;
    assert_eq!(again["pupils"]["unchanged"], 3);
    assert_eq!(again["groups"]["unchanged"], 2);
}

#[tokio::test]
async fn a_delta_upserts_and_removes_by_key() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    let delta = json!({
        "school_year": this_year(),
        "upsert": {
            "pupils": [
                {"key": "P6", "parents_separated": false, "first_name": "Nieuw", "last_name": "Kind", "groups": ["G2"]},
                {"key": "P1", "first_name": "Kind", "last_name": "Hersteld", "parents_separated": true, "groups": ["G1"]}
            ],
            "guardians": [guardian("M6", "P6", "H6")]
        },
        "remove": {"pupils": ["P2"]}
    });
    let response = send(&app, &world, reqwest::Method::PATCH, &client, "A1", &delta).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result["pupils"],
        json!({"created": 1, "updated": 1, "deactivated": 1, "unchanged": 1})
    );
    // M6 is new; M2 had only P2 and goes with it; the rest stay as they were.
    assert_eq!(
        result["guardians"],
        json!({"created": 1, "updated": 0, "deactivated": 1, "unchanged": 3})
    );
    assert_eq!(
        result["staff"]["unchanged"], 5,
        "staff the delta does not name stay"
    );

    let again: Value = send(&app, &world, reqwest::Method::PATCH, &client, "A1", &delta)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["pupils"],
        json!({"created": 0, "updated": 0, "deactivated": 0, "unchanged": 3})
    );

    // A key both upserted and removed refuses the delta; nothing changes.
    let contradictory = json!({
        "school_year": this_year(),
        "upsert": {"pupils": [{"key": "P3", "parents_separated": false, "first_name": "X", "last_name": "Y"}]},
        "remove": {"pupils": ["P3"]}
    });
    let problem = assert_problem(
        send(
            &app,
            &world,
            reqwest::Method::PATCH,
            &client,
            "A1",
            &contradictory,
        )
        .await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "remove.pupils");
    assert_eq!(pupil_names(&app, &world, "A1").await.len(), 3);
}

#[tokio::test]
async fn every_run_is_recorded_and_a_failed_one_says_so() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    push(&app, &world, &client, &a1_snapshot()).await;
    let mut broken = a1_snapshot();
    broken["pupils"][1]["key"] = json!("P1");
    assert_problem(
        send(&app, &world, reqwest::Method::PUT, &client, "A1", &broken).await,
        422,
        "validation-failed",
    )
    .await;

    // A body the contract refuses (a name too long for it) is recorded too.
    let mut too_long = a1_snapshot();
    too_long["pupils"][0]["first_name"] = json!("x".repeat(201));
    assert_problem(
        send(&app, &world, reqwest::Method::PUT, &client, "A1", &too_long).await,
        422,
        "validation-failed",
    )
    .await;

    let runs = runs(&app, &world, "A1").await;
    assert_eq!(runs.len(), 3);
    // Newest first.
    assert_eq!(runs[0]["status"], "failed");
    assert!(
        runs[0]["error"]
            .as_str()
            .unwrap()
            .contains("pupils[0].first_name"),
        "{}",
        runs[0]["error"]
    );
    let runs = &runs[1..];
    assert_eq!(runs[0]["status"], "failed");
    assert_eq!(runs[0]["source"], "snapshot");
    assert!(runs[0]["error"].as_str().unwrap().contains("pupils.key"));
    assert!(runs[0]["counts"].is_null());
    assert_eq!(runs[1]["status"], "succeeded");
    assert_eq!(runs[1]["counts"]["pupils"]["unchanged"], 3);
    assert_eq!(runs[1]["school_year"], this_year());
    assert!(runs[1]["client_id"].is_string());
    assert!(runs[1]["duration_ms"].as_u64().is_some());
    // Another board's admin sees nothing of it.
    let b1 = world.path("/api/v1/schools/{A1}/sync-runs");
    assert_eq!(app.get_as(world.token("director"), &b1).await.status(), 403);
}

/// The Dutch example file, for school A2 (BRIN 22AA), of this school year.
fn edexml_for_a2() -> String {
    EDEXML
        .replace("<brincode>99ZZ</brincode>", "<brincode>22AA</brincode>")
        .replace(
            "<schooljaar>2014-2015</schooljaar>",
            &format!("<schooljaar>{}</schooljaar>", this_year()),
        )
}

#[tokio::test]
async fn the_edexml_example_imports_and_keeps_guardians_from_the_json_snapshot() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    let response = upload(&app, &world, &client, "A2", &edexml_for_a2()).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result["groups"]["created"], 8,
        "five groups, three combined"
    );
    // 00001 and 00002; 12345 left in 2014; P4 is not in the file.
    assert_eq!(
        result["pupils"],
        json!({"created": 2, "updated": 0, "deactivated": 1, "unchanged": 0})
    );
    assert_eq!(result["staff"]["created"], 3);
    assert_eq!(
        result["guardians"]["deactivated"], 1,
        "M4's only child is not in the file"
    );
    assert_eq!(pupil_names(&app, &world, "A2").await, ["Ismaël", "Wimpie"]);

    // Guardians come from the JSON side (here a delta), by the pupil's LAS key ...
    let delta = json!({"school_year": this_year(), "upsert": {"guardians": [guardian("V1", "00001", "HV")]}});
    let response = send(&app, &world, reqwest::Method::PATCH, &client, "A2", &delta).await;
    assert_eq!(response.status(), 200);
    // ... and the next EDEXML import keeps them.
    let again: Value = upload(&app, &world, &client, "A2", &edexml_for_a2())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["guardians"],
        json!({"created": 0, "updated": 0, "deactivated": 0, "unchanged": 1})
    );
    assert_eq!(again["pupils"]["unchanged"], 2);

    // A school admin may upload too; other staff may not; another board's school does not exist.
    let admin = upload(&app, &world, world.token("school_admin"), "A1", "<EDEX/>").await;
    assert_eq!(admin.status(), 422, "admin passes, the file does not");
    let director = upload(
        &app,
        &world,
        world.token("director"),
        "A1",
        &edexml_for_a2(),
    )
    .await;
    assert_eq!(director.status(), 403);
    let other_board = upload(&app, &world, &client, "B1", &edexml_for_a2()).await;
    assert_eq!(other_board.status(), 404);
    let runs = runs(&app, &world, "A2").await;
    assert_eq!(runs[0]["source"], "edexml_upload");
}

#[tokio::test]
async fn an_invalid_edexml_file_changes_nothing_and_is_recorded_as_failed() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let good = edexml_for_a2();

    let truncated = &good[..good.len() / 2];
    let problem = assert_problem(
        upload(&app, &world, &client, "A2", truncated).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "invalid_edexml");
    assert!(
        problem["errors"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("line ")
    );

    let flemish = EDEXML_FLEMISH.to_owned();
    let problem = assert_problem(
        upload(&app, &world, &client, "A2", &flemish).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "school/brincode");

    // Another school's file (its BRIN is not A2's).
    let other_school = good.replace("<brincode>22AA</brincode>", "<brincode>99ZZ</brincode>");
    let problem = assert_problem(
        upload(&app, &world, &client, "A2", &other_school).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "school/brincode");

    // An old export: a school year that has ended would make today's pupils leavers.
    let old_export = EDEXML.replace("<brincode>99ZZ</brincode>", "<brincode>22AA</brincode>");
    let problem = assert_problem(
        upload(&app, &world, &client, "A2", &old_export).await,
        409,
        "conflict",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("2014-2015"));

    let wrong_type = app
        .request(
            reqwest::Method::POST,
            &world.path("/api/v1/schools/{A2}/roster/edexml"),
        )
        .bearer_auth(&client)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);

    assert_eq!(
        pupil_names(&app, &world, "A2").await,
        ["Kind"],
        "P4, as before"
    );
    let runs = runs(&app, &world, "A2").await;
    assert_eq!(runs.len(), 4);
    assert!(runs.iter().all(|r| r["status"] == "failed"));
}

/// A one-file HTTP server on loopback, standing in for the LAS's export URL.
fn serve_file(body: String) -> String {
    serve(200, body)
}

/// A local HTTP server that answers every request with this status and body.
fn serve(status: u16, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let head = format!(
                "HTTP/1.1 {status} Status\r\ncontent-type: application/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    format!("http://{address}/export/edexml.xml?token=geheim")
}

#[tokio::test]
async fn the_nightly_fetch_imports_from_the_configured_url_when_due() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_ROSTER_FETCH_POLL_MS", "100")]).await;
    let world = World::build(&app).await;
    let url = serve_file(edexml_for_a2());
    let admin = world.token("board_admin");
    let source = world.path("/api/v1/schools/{A2}/roster-source");

    let response = app
        .request(reqwest::Method::PUT, &source)
        .bearer_auth(admin)
        .json(&json!({"url": url}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let saved: Value = response.json().await.unwrap();
    let next: chrono::DateTime<chrono::Utc> =
        saved["next_fetch_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        next,
        domain::schedule::next_nightly_fetch(chrono::Utc::now()),
        "tonight at 02:00 in Amsterdam"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(runs(&app, &world, "A2").await.is_empty(), "not due yet");

    let fetch = app
        .request(reqwest::Method::POST, &format!("{source}/fetch"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch.status(), 202);
    let found = first_runs(&app, &world, "A2").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["source"], "edexml_fetch");
    assert_eq!(found[0]["status"], "succeeded", "{:?}", found[0]["error"]);
    assert_eq!(found[0]["counts"]["pupils"]["created"], 2);
    assert_eq!(pupil_names(&app, &world, "A2").await, ["Ismaël", "Wimpie"]);

    // Done for tonight: the next fetch is the next night's.
    let after: Value = app.get_as(admin, &source).await.json().await.unwrap();
    let next: chrono::DateTime<chrono::Utc> =
        after["next_fetch_at"].as_str().unwrap().parse().unwrap();
    assert!(next > chrono::Utc::now());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(runs(&app, &world, "A2").await.len(), 1, "fetched once");
}

#[tokio::test]
async fn a_fetch_that_fails_is_recorded_and_changes_nothing() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_ROSTER_FETCH_POLL_MS", "100")]).await;
    let world = World::build(&app).await;
    // Nothing listens on this port.
    let port = crate::smtp::free_port();
    let admin = world.token("school_admin");
    let source = world.path("/api/v1/schools/{A1}/roster-source");
    let bad_scheme = app
        .request(reqwest::Method::PUT, &source)
        .bearer_auth(admin)
        .json(&json!({"url": "ftp://las.example.nl/a1.xml"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad_scheme, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["field"], "url");

    let response = app
        .request(reqwest::Method::PUT, &source)
        .bearer_auth(admin)
        .json(&json!({"url": format!("http://127.0.0.1:{port}/a1.xml?token=geheim")}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let fetch = app
        .request(reqwest::Method::POST, &format!("{source}/fetch"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch.status(), 202);
    let found = first_runs(&app, &world, "A1").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "failed");
    let error = found[0]["error"].as_str().unwrap();
    assert!(error.contains("could not be reached"), "{error}");
    assert!(!error.contains("geheim"), "the URL's token stays out");
    assert_eq!(pupil_names(&app, &world, "A1").await.len(), 3);
}

#[tokio::test]
async fn a_pupil_who_comes_back_has_only_the_guardians_the_las_gives_now() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let links_of_p3 = format!(
        "SELECT COUNT(*) AS n FROM guardian_pupils WHERE pupil_id = '{}'",
        world.id("P3")
    );

    // P3 leaves; the LAS keeps M3 (with no child) for now. The link stays as history.
    let left = a1_snapshot_with(|s| {
        s["pupils"].as_array_mut().unwrap().remove(2);
        s["guardians"][3]["children"] = json!([]);
    });
    push(&app, &world, &client, &left).await;
    assert_eq!(app.scalar(&links_of_p3), 1);

    // P3 comes back, but the LAS no longer links M3 to P3 (custody changed).
    let back = a1_snapshot_with(|s| s["guardians"][3]["children"] = json!([]));
    let result = push(&app, &world, &client, &back).await;
    assert_eq!(result["pupils"]["created"], 1, "reactivated");
    assert_eq!(
        app.scalar(&links_of_p3),
        0,
        "the old link must not give M3 access again"
    );

    // And with the link in the LAS again, it is there again.
    push(&app, &world, &client, &a1_snapshot()).await;
    assert_eq!(app.scalar(&links_of_p3), 1);
}

#[tokio::test]
async fn a_record_with_a_fault_is_rejected_but_not_treated_as_gone() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let other = world.token("other_guardian").to_owned();

    // A typo in M2's address, and P3 without a first name.
    let faulty = a1_snapshot_with(|s| {
        s["guardians"][2]["email"] = json!("m2-at-world.example");
        s["pupils"][2]["first_name"] = json!(" ");
    });
    let result = push(&app, &world, &client, &faulty).await;
    let rejected: Vec<(String, String)> = result["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(rejected.contains(&("M2".to_owned(), "email".to_owned())));
    assert!(rejected.contains(&("P3".to_owned(), "first_name".to_owned())));
    assert_eq!(result["pupils"]["deactivated"], 0, "P3 has not left");
    assert_eq!(result["guardians"]["deactivated"], 0, "M2 has not left");
    assert_eq!(
        app.get_as(&other, &world.path("/api/v1/pupils/{P2}"))
            .await
            .status(),
        200,
        "M2 keeps access"
    );
    assert_eq!(pupil_names(&app, &world, "A1").await.len(), 3);
}

#[tokio::test]
async fn without_private_networks_a_roster_url_cannot_reach_the_servers_own_network() {
    let app = TestApp::spawn_with(&[
        ("OUDERPORTAAL_ROSTER_FETCH_POLL_MS", "100"),
        ("OUDERPORTAAL_ROSTER_FETCH_PRIVATE_NETWORKS", "false"),
    ])
    .await;
    let world = World::build(&app).await;
    let admin = world.token("school_admin");
    let source = world.path("/api/v1/schools/{A1}/roster-source");
    let set = |url: String| {
        app.request(reqwest::Method::PUT, &source)
            .bearer_auth(admin)
            .json(&json!({ "url": url }))
            .send()
    };
    for refused in [
        "http://las.example.nl/a1.xml",
        "https://127.0.0.1/a1.xml",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/a1.xml",
        "https://10.0.0.8/a1.xml",
    ] {
        let problem = assert_problem(
            set(refused.to_owned()).await.unwrap(),
            422,
            "validation-failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "url", "{refused}");
    }

    // A name that resolves inward is refused when it is fetched.
    let url = serve_file(edexml_for_a2()).replace("http://127.0.0.1", "https://localhost");
    assert_eq!(set(url).await.unwrap().status(), 200);
    let fetch = app
        .request(reqwest::Method::POST, &format!("{source}/fetch"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch.status(), 202);
    let found = first_runs(&app, &world, "A1").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "failed");
    assert!(
        found[0]["error"]
            .as_str()
            .unwrap()
            .contains("could not be reached")
    );
}

#[tokio::test]
async fn guardians_a_sync_creates_get_their_activation_link_from_the_worker() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_OUTBOX_POLL_MS", "50")]).await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    let snapshot = a1_snapshot_with(|s| {
        let guardians = s["guardians"].as_array_mut().unwrap();
        guardians.push(guardian("M7", "P3", "H3"));
        let mut without_address = guardian("M8", "P3", "H3");
        without_address["email"] = Value::Null;
        guardians.push(without_address);
    });
    let result = push(&app, &world, &client, &snapshot).await;
    assert_eq!(result["guardians"]["created"], 2);

    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = pending_mail(&app);
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(mails.len(), 1, "M8 has no address");
    assert_eq!(mails[0].to_address, "m7@world.example");
    assert_eq!(mails[0].kind, "invitation");
    assert_eq!(
        persistence::pending_invitations::count(&mut app.db.get().unwrap()).unwrap(),
        0
    );

    // The same snapshot again queues nobody.
    push(&app, &world, &client, &snapshot).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pending_mail(&app).len(), 1);
}

#[tokio::test]
async fn a_roster_client_can_neither_take_over_nor_sign_out_an_existing_account() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_OUTBOX_POLL_MS", "50")]).await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    // The victim: M2's account (it could be another board's admin, or the operator).
    let victim = world.token("other_guardian").to_owned();
    let p3 = world.path("/api/v1/pupils/{P3}");

    // The client adds a "guardian" of P3 with parental authority at the victim's address.
    let mut planted = guardian("X1", "P3", "HX");
    planted["email"] = json!("m2@world.example");
    let snapshot = a1_with_guardian(&planted);
    assert_eq!(
        push(&app, &world, &client, &snapshot).await["guardians"]["created"],
        1
    );
    // The invitation worker mails the address a link to confirm; the account gains nothing.
    let mails = first_mail(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "m2@world.example");
    assert!(mails[0].body.contains("/confirm-link#token="));
    assert_eq!(app.get_as(&victim, &p3).await.status(), 404);

    // A second push changes the planted guardian's address: the victim's sessions go on.
    let mut moved = guardian("X1", "P3", "HX");
    moved["email"] = json!("x1@elders.example");
    push(&app, &world, &client, &a1_with_guardian(&moved)).await;
    assert_eq!(app.get_as(&victim, "/api/v1/me").await.status(), 200);
    assert_eq!(
        app.get_as(&victim, &world.path("/api/v1/pupils/{P2}"))
            .await
            .status(),
        200
    );
    // The first link ended with the address it went to.
    let used = app
        .post_json(
            "/api/v1/auth/link-confirmation",
            &json!({"token": token_in(&mails[0].body)}),
        )
        .await;
    assert_eq!(used.status(), 409);
    assert_eq!(app.get_as(&victim, &p3).await.status(), 404);
}

/// A body that sends a kilobyte and then never ends: a server that waits for it never answers.
pub fn endless_body() -> reqwest::Body {
    let first = futures_util::stream::once(async { Ok::<_, std::io::Error>(vec![b' '; 1024]) });
    reqwest::Body::wrap_stream(futures_util::StreamExt::chain(
        first,
        futures_util::stream::pending(),
    ))
}

#[tokio::test]
async fn a_caller_without_rights_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let other_school = client_token(&app, &world, Some("A2")).await;
    let cases = [
        (
            "PUT",
            "/api/v1/schools/{A1}/roster",
            other_school.as_str(),
            "application/json",
            403,
        ),
        (
            "PATCH",
            "/api/v1/schools/{A1}/roster",
            other_school.as_str(),
            "application/json",
            403,
        ),
        (
            "POST",
            "/api/v1/schools/{A1}/roster/edexml",
            other_school.as_str(),
            "application/xml",
            403,
        ),
        (
            "POST",
            "/api/v1/schools/{A1}/roster/edexml",
            world.token("teacher"),
            "application/xml",
            403,
        ),
        (
            "POST",
            "/api/v1/schools/{B1}/roster/edexml",
            world.token("school_admin"),
            "application/xml",
            404,
        ),
    ];
    for (method, path, token, media_type, status) in cases {
        let request = app
            .request(method.parse().unwrap(), &world.path(path))
            .bearer_auth(token)
            .header("content-type", media_type)
            .body(endless_body())
            .send();
        let response = tokio::time::timeout(Duration::from_secs(10), request)
            .await
            .unwrap_or_else(|_| panic!("{method} {path}: the server waited for the body"))
            .unwrap();
        assert_eq!(response.status(), status, "{method} {path}");
    }
}

async fn confirm(app: &TestApp, world: &World, actor: &str, run: &str) -> reqwest::Response {
    let path = world.path(&format!(
        "/api/v1/schools/{{A1}}/sync-runs/{run}/confirmation"
    ));
    app.request(reqwest::Method::POST, &path)
        .bearer_auth(world.token(actor))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sync_that_would_empty_the_school_is_held_until_an_admin_confirms_it() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    world.set_a1_admin_email(&app);
    let empty = crate::world::empty_roster();

    // An empty roster (a broken export, or a client gone rogue): held, nothing changes.
    let held = send(&app, &world, reqwest::Method::PUT, &client, "A1", &empty).await;
    assert_eq!(held.status(), 202);
    let held: Value = held.json().await.unwrap();
    assert_eq!(held["status"], "held");
    assert_eq!(held["pupils"]["deactivated"], 3, "what it would do");
    assert!(held["held_reason"].as_str().unwrap().contains("3 of 3"));
    assert_eq!(pupil_names(&app, &world, "A1").await.len(), 3);
    assert_eq!(
        app.get_as(world.token("school_admin"), "/api/v1/me")
            .await
            .status(),
        200,
        "the school's own admins keep their access"
    );
    let mails = pending_mail(&app);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "administratie@a1.example");
    assert!(!mails[0].body.contains("Marker"), "counts only, no names");
    let listed = runs(&app, &world, "A1").await;
    assert_eq!(listed[0]["status"], "held");
    let run = held["run_id"].as_str().unwrap();

    // Who may not manage the roster cannot confirm it; an admin can, once.
    assert_eq!(confirm(&app, &world, "teacher", run).await.status(), 403);
    let confirmed = confirm(&app, &world, "school_admin", run).await;
    assert_eq!(confirmed.status(), 200);
    let confirmed: Value = confirmed.json().await.unwrap();
    assert_eq!(confirmed["status"], "applied");
    assert_eq!(confirmed["pupils"]["deactivated"], 3);
    assert!(pupil_names(&app, &world, "A1").await.is_empty());
    // (The school admin left with the staff list; the board's admin asks again.)
    assert_eq!(
        confirm(&app, &world, "board_admin", run).await.status(),
        409
    );
    let listed = runs(&app, &world, "A1").await;
    assert_eq!(listed[0]["status"], "succeeded");
    assert_eq!(
        listed[0]["account_id"],
        app_account(&app, &world, "school_admin").await
    );
    assert_eq!(listed[1]["status"], "confirmed");
}

async fn app_account(app: &TestApp, world: &World, actor: &str) -> Value {
    let me: Value = app
        .get_as(world.token(actor), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    me["account_id"].clone()
}

#[tokio::test]
async fn a_held_sync_is_superseded_by_a_later_one_and_a_client_can_force() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    // Every school admin gone from the staff list: held too.
    let no_admins = a1_snapshot_with(|s| {
        s["staff"]
            .as_array_mut()
            .unwrap()
            .retain(|m| m["key"] != "school_admin");
    });
    let held = send(
        &app,
        &world,
        reqwest::Method::PUT,
        &client,
        "A1",
        &no_admins,
    )
    .await;
    assert_eq!(held.status(), 202);
    let run = held.json::<Value>().await.unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A later sync that is applied makes the held one moot: it can no longer be confirmed.
    push(&app, &world, &client, &a1_snapshot()).await;
    assert_eq!(
        confirm(&app, &world, "board_admin", &run).await.status(),
        409
    );
    assert_eq!(runs(&app, &world, "A1").await[1]["status"], "superseded");

    // The client may take responsibility explicitly.
    let path = world.path("/api/v1/schools/{A1}/roster?force=true");
    let forced = app
        .request(reqwest::Method::PUT, &path)
        .bearer_auth(&client)
        .json(&no_admins)
        .send()
        .await
        .unwrap();
    assert_eq!(forced.status(), 200);
    assert_eq!(forced.json::<Value>().await.unwrap()["status"], "applied");
    assert_eq!(
        app.get_as(world.token("school_admin"), "/api/v1/me")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/pupils")
        )
        .await
        .status(),
        404,
        "the removed admin no longer reaches the school"
    );
}

#[tokio::test]
async fn the_school_sets_how_much_a_sync_may_deactivate_at_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let path = world.path("/api/v1/schools/{A1}/sync-settings");
    let current: Value = app
        .get_as(world.token("school_admin"), &path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["hold_deactivation_percent"], 25);
    for bad in [json!(0), json!(101), json!("veel")] {
        let response = app
            .request(reqwest::Method::PUT, &path)
            .bearer_auth(world.token("school_admin"))
            .json(&json!({"hold_deactivation_percent": bad}))
            .send()
            .await
            .unwrap();
        assert_problem(response, 422, "validation-failed").await;
    }
    let set = app
        .request(reqwest::Method::PUT, &path)
        .bearer_auth(world.token("school_admin"))
        .json(&json!({"hold_deactivation_percent": 100}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    // Now every pupil may leave in one sync (the admins stay in the roster).
    let pupils_gone = a1_snapshot_with(|s| {
        s["pupils"] = json!([]);
        s["guardians"] = json!([]);
    });
    let applied = send(
        &app,
        &world,
        reqwest::Method::PUT,
        &client,
        "A1",
        &pupils_gone,
    )
    .await;
    assert_eq!(applied.status(), 200);
}

#[tokio::test]
async fn a_fetch_from_a_private_address_fails_alike_whatever_listens_there() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_ROSTER_FETCH_POLL_MS", "100")]).await;
    let world = World::build(&app).await;
    let admin = world.token("school_admin").to_owned();
    let source = world.path("/api/v1/schools/{A1}/roster-source");
    let closed = format!("http://127.0.0.1:{}/a1.xml", crate::smtp::free_port());
    let mut errors = Vec::new();
    for url in [
        closed,
        serve(500, String::new()),
        serve(404, "not here".to_owned()),
    ] {
        let set = app
            .request(reqwest::Method::PUT, &source)
            .bearer_auth(&admin)
            .json(&json!({"url": url}))
            .send()
            .await
            .unwrap();
        assert_eq!(set.status(), 200);
        let before = runs(&app, &world, "A1").await.len();
        let fetch = app
            .request(reqwest::Method::POST, &format!("{source}/fetch"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(fetch.status(), 202);
        let mut found = Vec::new();
        for _ in 0..100 {
            found = runs(&app, &world, "A1").await;
            if found.len() > before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(found[0]["status"], "failed");
        errors.push(found[0]["error"].as_str().unwrap().to_owned());
    }
    // A closed port and HTTP errors cannot be told apart (a file that does arrive is parsed and
    // its faults named: an on-premises LAS's admin needs those).
    assert_eq!(errors[0], errors[1], "{errors:?}");
    assert_eq!(errors[1], errors[2], "{errors:?}");
    assert!(errors[0].contains("could not be reached"), "{errors:?}");
}

#[tokio::test]
async fn a_guardian_readdressed_before_activating_gets_a_link_at_the_new_address() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_OUTBOX_POLL_MS", "50")]).await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    // A new guardian of P3: the worker mails an activation link to the first address.
    let mut newcomer = guardian("N1", "P3", "HN");
    newcomer["email"] = json!("n1.typo@world.example");
    push(&app, &world, &client, &a1_with_guardian(&newcomer)).await;
    let first = first_mail(&app).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].to_address, "n1.typo@world.example");

    // The school corrects the address before it was used: the new address gets a link, the old
    // one no longer works.
    newcomer["email"] = json!("n1@world.example");
    let result = push(&app, &world, &client, &a1_with_guardian(&newcomer)).await;
    assert_eq!(result["invitations_sent"], 1);
    let mails = pending_mail(&app);
    let latest = mails.last().unwrap();
    assert_eq!(latest.to_address, "n1@world.example");
    let old = json!({"token": token_in(&first[0].body), "password": "een-lang-wachtwoord"});
    assert_eq!(
        app.post_json("/api/v1/auth/activation", &old)
            .await
            .status(),
        409
    );
    let new = json!({"token": token_in(&latest.body), "password": "een-lang-wachtwoord"});
    let activated = app.post_json("/api/v1/auth/activation", &new).await;
    assert_eq!(activated.status(), 200);
    let token: Value = activated.json().await.unwrap();
    assert_eq!(
        app.get_as(
            token["access_token"].as_str().unwrap(),
            &world.path("/api/v1/pupils/{P3}")
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn a_newer_hold_replaces_an_older_one_and_the_school_is_mailed_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    world.set_a1_admin_email(&app);
    let empty = crate::world::empty_roster();
    let mut held = Vec::new();
    for _ in 0..3 {
        let response = send(&app, &world, reqwest::Method::PUT, &client, "A1", &empty).await;
        assert_eq!(response.status(), 202);
        held.push(response.json::<Value>().await.unwrap()["run_id"].clone());
    }
    let listed = runs(&app, &world, "A1").await;
    let status = |run: &Value| {
        listed
            .iter()
            .find(|r| r["id"] == *run)
            .map(|r| r["status"].clone())
            .unwrap()
    };
    assert_eq!(status(&held[2]), "held");
    assert_eq!(status(&held[0]), "superseded");
    assert_eq!(status(&held[1]), "superseded");
    assert_eq!(
        pending_mail(&app).len(),
        1,
        "one mail a day, however often it is pushed"
    );
    assert_eq!(
        confirm(&app, &world, "board_admin", held[0].as_str().unwrap())
            .await
            .status(),
        409
    );
}
