//! The access export (AVG art. 15, issue #14 item 4): a guardian gets everything held about them
//! and their children, and nothing of another family or school; one job at a time; only their
//! own account sees the job; staff cannot ask; the ZIP holds the document and a Dutch summary.

use std::io::Read;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::consent::{call, json_of};
use crate::helpers::{TestApp, assert_problem};
use crate::world::{World, marker};

const PATH: &str = "/api/v1/me/exports";
/// The export worker looks often, so a test waits little.
const FAST: [(&str, &str); 1] = [("OUDERPORTAAL_EXPORT_POLL_MS", "20")];

async fn request(app: &TestApp, world: &World, actor: &str) -> reqwest::Response {
    call(app, world, actor, Method::POST, PATH, None).await
}

/// Polls the job until it is done (progress advancing meanwhile, never back).
async fn until_done(app: &TestApp, world: &World, id: &str) -> Value {
    let mut last = 0;
    for _ in 0..400 {
        let job = call(
            app,
            world,
            "guardian",
            Method::GET,
            &format!("{PATH}/{id}"),
            None,
        )
        .await;
        let job = json_of(job, 200).await;
        let progress = job["progress"].as_i64().unwrap();
        assert!(progress >= last, "progress went back: {job}");
        last = progress;
        match job["state"].as_str().unwrap() {
            "done" => return job,
            "failed" => panic!("the export failed: {job}"),
            _ => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    panic!("the export did not finish");
}

fn items<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
}

#[tokio::test]
async fn a_guardian_gets_everything_of_their_family_and_nothing_else() {
    let app = TestApp::spawn_with(&FAST).await;
    let world = World::build(&app).await;
    crate::erasure::fill(&app, &world).await;
    app.notify_at(app.clock.now());
    let inbox = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM inbox_items i JOIN guardians g ON g.account_id = i.account_id \
         WHERE g.id = '{}'",
        world.id("M1")
    ));

    let requested = request(&app, &world, "guardian").await;
    let location = requested.headers()["location"].to_str().unwrap().to_owned();
    let job = json_of(requested, 202).await;
    let id = job["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("{PATH}/{id}"));
    assert!(["queued", "running", "done"].contains(&job["state"].as_str().unwrap()));
    let done = until_done(&app, &world, &id).await;
    assert_eq!(done["progress"], 100);
    let link = done["download"].as_str().unwrap().to_owned();
    assert!(done["expires_at"].is_string());

    let download = call(&app, &world, "guardian", Method::GET, &link, None).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/json");
    let disposition = download.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let text = download.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();

    assert_eq!(doc["account"]["email"], "m1@world.example");
    assert_eq!(items(&doc, "guardians")[0]["id"], world.id("M1"));
    let children = items(&doc, "children");
    assert_eq!(children.len(), 1, "P1 only");
    let p1 = &children[0];
    assert_eq!(p1["pupil"]["id"], world.id("P1"));
    assert_eq!(items(p1, "groups")[0]["group_id"], world.id("G1"));
    let guardians: Vec<&str> = items(p1, "guardians")
        .iter()
        .map(|g| g["last_name"].as_str().unwrap())
        .collect();
    assert!(guardians.contains(&marker("D1").as_str()), "{guardians:?}");
    assert!(
        items(p1, "guardians")[0].get("email").is_none(),
        "names only"
    );
    assert_eq!(p1["medical_note"]["note"], "Pinda-allergie");
    let purposes = |list: &Vec<Value>| -> Vec<String> {
        list.iter()
            .map(|c| c["purpose_code"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(purposes(items(p1, "consents")).contains(&"photos_website".to_owned()));
    assert!(!items(p1, "consent_history").is_empty());
    assert!(purposes(items(&doc, "own_consents")).contains(&"contact_details_group".to_owned()));
    assert!(!items(&doc, "own_consent_history").is_empty());
    let absence = &items(p1, "absences")[0];
    assert_eq!(absence["id"], world.id("ABS1"));
    assert_eq!(absence["note"], marker("ABS1"));
    assert!(absence["history"].is_array());
    assert_eq!(items(p1, "leave_requests").len(), 1);
    assert_eq!(items(p1, "bookings").len(), 1);
    assert_eq!(items(p1, "signups").len(), 1, "the child's sign-up");
    let responses = items(&doc, "form_responses");
    assert_eq!(responses.len(), 1);
    assert_eq!(
        items(&responses[0], "signups").len(),
        2,
        "household's and child's"
    );
    assert!(responses[0]["answers"].is_object() || responses[0]["answers"].is_array());
    let requests = items(&doc, "change_requests");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["id"], world.id("CR1"));
    assert!(!items(&requests[0], "fields").is_empty());
    assert!(doc["news"]["reads"].is_array());
    assert!(inbox > 0, "the round and the news reached M1's inbox");
    assert_eq!(
        items(&doc, "notifications").len(),
        usize::try_from(inbox).unwrap()
    );
    let audit = items(&doc, "audit_events");
    assert!(
        audit.iter().any(|e| e["action"] == "export"
            && e["object_id"] == id.as_str()
            && e["by_you"] == true)
    );
    assert!(audit.iter().any(|e| e["object_id"] == world.id("P1")));
    assert!(audit.iter().all(|e| e.get("account_id").is_none()));

    // Nothing of another family, school or board.
    for other in [
        "P2", "M2", "P3", "M3", "P4", "M4", "P5", "M5", "ABS5", "CR5", "N5",
    ] {
        assert!(!text.contains(&marker(other)), "{other}'s marker leaked");
        if let Some(id) = world.ids.get(other) {
            assert!(!text.contains(id.as_str()), "{other}'s id leaked");
        }
    }
    for school in ["A2", "B1"] {
        assert!(!text.contains(world.id(school)), "{school} leaked");
    }

    // The ZIP: the same document and a summary in Dutch.
    let zipped = call(
        &app,
        &world,
        "guardian",
        Method::GET,
        &format!("{link}?format=zip"),
        None,
    )
    .await;
    assert_eq!(zipped.status(), 200);
    assert_eq!(zipped.headers()["content-type"], "application/zip");
    let bytes = zipped.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut json = String::new();
    archive
        .by_name("export.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), doc);
    let mut summary = String::new();
    archive
        .by_name("overzicht.txt")
        .unwrap()
        .read_to_string(&mut summary)
        .unwrap();
    assert!(summary.contains("Inzageverzoek"), "{summary}");
    assert!(summary.contains("Absenties: 1"), "{summary}");

    // Another account does not see the job or its document; staff cannot ask for one.
    for path in [format!("{PATH}/{id}"), link.clone()] {
        let other = call(&app, &world, "other_guardian", Method::GET, &path, None).await;
        assert_problem(other, 404, "not-found").await;
    }
    let staff = request(&app, &world, "teacher").await;
    assert_problem(staff, 403, "forbidden").await;
    let downloads = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'download' AND object_id = '{id}'"
    ));
    assert_eq!(downloads, 2, "each download is recorded");

    // Kept for a week, then gone.
    app.clock
        .hold(Some(app.clock.now() + chrono::Duration::days(8)));
    let late = call(&app, &world, "guardian", Method::GET, &link, None).await;
    assert_problem(late, 404, "not-found").await;
    let job = call(
        &app,
        &world,
        "guardian",
        Method::GET,
        &format!("{PATH}/{id}"),
        None,
    )
    .await;
    assert!(json_of(job, 200).await.get("download").is_none());
}

#[tokio::test]
async fn one_export_at_a_time_even_when_asked_twice_at_once() {
    // No worker in this instance: the job stays queued.
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_EXPORT_POLL_MS", "0")]).await;
    let world = World::build(&app).await;
    let (first, second) = tokio::join!(
        request(&app, &world, "guardian"),
        request(&app, &world, "guardian")
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [202, 409]);
    let winner = if first.status() == 202 { first } else { second };
    let job = json_of(winner, 202).await;
    let id = job["id"].as_str().unwrap().to_owned();
    let again = request(&app, &world, "guardian").await;
    assert_problem(again, 409, "conflict").await;
    let early = call(
        &app,
        &world,
        "guardian",
        Method::GET,
        &format!("{PATH}/{id}/download"),
        None,
    )
    .await;
    assert_problem(early, 409, "conflict").await;

    // A second instance with a worker takes the job; then the guardian may ask again.
    let worker = app.spawn_beside(&FAST).await;
    worker.clock.hold(Some(app.clock.now()));
    until_done(&app, &world, &id).await;
    let next = request(&app, &world, "guardian").await;
    json_of(next, 202).await;
}

#[tokio::test]
async fn one_worker_holds_a_job_and_another_takes_it_over_when_its_lease_ran_out() {
    use domain::export::{ExportState, LEASE_SECONDS};
    use persistence::export::jobs;

    let app = TestApp::spawn_with(&[("OUDERPORTAAL_EXPORT_POLL_MS", "0")]).await;
    let world = World::build(&app).await;
    let job = call(&app, &world, "guardian", Method::POST, PATH, None).await;
    let id = json_of(job, 202).await["id"].as_str().unwrap().to_owned();
    let mut conn = app.db.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let lease = now + chrono::Duration::seconds(LEASE_SECONDS);

    let first = jobs::claim(&mut conn, "worker-a", lease, now)
        .unwrap()
        .unwrap();
    assert_eq!(
        (first.id.as_str(), first.state),
        (id.as_str(), ExportState::Running)
    );
    assert!(
        jobs::claim(&mut conn, "worker-b", lease, now)
            .unwrap()
            .is_none()
    );
    assert!(!jobs::advance(&mut conn, &id, "worker-b", 50, lease).unwrap());
    assert!(jobs::advance(&mut conn, &id, "worker-a", 50, lease).unwrap());

    // Worker A's instance died: after its lease, B takes the job and A can no longer touch it.
    let later = lease + chrono::Duration::seconds(1);
    let taken = jobs::claim(&mut conn, "worker-b", later, later)
        .unwrap()
        .unwrap();
    assert_eq!(taken.id, id);
    assert!(!jobs::advance(&mut conn, &id, "worker-a", 60, later).unwrap());
    assert!(!jobs::finish(&mut conn, &id, "worker-a", "{}", later, later).unwrap());
    assert!(jobs::finish(&mut conn, &id, "worker-b", "{}", later, later).unwrap());
}

#[tokio::test]
async fn a_collection_that_fails_ends_the_job_failed_and_the_guardian_may_ask_again() {
    let app = TestApp::spawn_with(&FAST).await;
    let world = World::build(&app).await;
    // A section's table gone (broken on purpose): its query fails mid-collection.
    app.execute_sql("DROP TABLE news_comments");
    let job = json_of(request(&app, &world, "guardian").await, 202).await;
    let id = job["id"].as_str().unwrap();
    let mut state = String::new();
    for _ in 0..400 {
        let job = call(
            &app,
            &world,
            "guardian",
            Method::GET,
            &format!("{PATH}/{id}"),
            None,
        )
        .await;
        let job = json_of(job, 200).await;
        state = job["state"].as_str().unwrap().to_owned();
        if state == "failed" {
            assert!(job.get("download").is_none());
            assert!(job["finished_at"].is_string());
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(state, "failed");
    let download = call(
        &app,
        &world,
        "guardian",
        Method::GET,
        &format!("{PATH}/{id}/download"),
        None,
    )
    .await;
    assert_problem(download, 409, "conflict").await;
    json_of(request(&app, &world, "guardian").await, 202).await;
}
