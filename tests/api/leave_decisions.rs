//! Deciding leave requests: parallel decisions apply once, art. 14 leave beyond the director's 10
//! days goes to the attendance officer, withdrawal, a rejection's reason, the decision record.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::leave::{
    codes, count, create, decide, holiday, school_week, send, two_weeks_in_one_year,
};
use crate::world::{World, marker};

#[tokio::test]
async fn parallel_decisions_apply_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let created = create(&app, &world, &holiday(school_week(10, 0))).await;
    let id = created["id"].as_str().unwrap();
    let reject = json!({"outcome": "rejected", "reason": "Geen werkgeversverklaring ontvangen."});
    let (a, b) = tokio::join!(
        decide(&app, &world, id, json!({"outcome": "approved"})),
        decide(&app, &world, id, reject),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(
        count(
            &app,
            &format!("notification_events WHERE object_id = '{id}'")
        ),
        1
    );
}

#[tokio::test]
async fn art_14_beyond_ten_days_is_forwarded_and_the_officer_decides() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let first = school_week(3, 0).0;
    // Art. 14 leave within the director's 10 days is the director's: not forwarded.
    let short = json!({"kind": "important_circumstances", "first_day": first, "last_day": first,
                       "reason": "Begrafenis"});
    let created = create(&app, &world, &short).await;
    assert_eq!(created["decider"], "director");
    let response = decide(
        &app,
        &world,
        created["id"].as_str().unwrap(),
        json!({"outcome": "forwarded"}),
    )
    .await;
    assert_problem(response, 409, "conflict").await;

    let body = json!({"kind": "important_circumstances", "first_day": first,
                      "last_day": first + Duration::days(25), "reason": "Ernstige ziekte in de familie"});
    let created = create(&app, &world, &body).await;
    assert_eq!(created["decider"], "attendance_officer", "{created}");
    assert_eq!(created["state"], "pending");
    assert!(codes(&created).contains(&"important_over_director_limit".to_owned()));
    let id = created["id"].as_str().unwrap();

    let response = decide(&app, &world, id, json!({"outcome": "approved"})).await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["code"], "attendance_officer_decides");
    let officer = format!("/api/v1/leave-requests/{id}/officer-decision");
    let granted = json!({"granted": true});
    let response = send(
        &app,
        world.token("school_admin"),
        Method::POST,
        &officer,
        Some(&granted),
    )
    .await;
    assert_problem(response, 409, "conflict").await;

    let response = decide(&app, &world, id, json!({"outcome": "forwarded"})).await;
    assert_eq!(response.status(), 200);
    let response = send(
        &app,
        world.token("school_admin"),
        Method::POST,
        &officer,
        Some(&json!({"granted": false})),
    )
    .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["reason"]);
    let response = send(
        &app,
        world.token("school_admin"),
        Method::POST,
        &officer,
        Some(&granted),
    )
    .await;
    assert_eq!(response.status(), 200);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["state"], "officer_approved");
    assert_eq!(
        count(&app, &format!("absences WHERE leave_request_id = '{id}'")),
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("notification_events WHERE object_id = '{id}' AND kind = 'leave.decided'")
        ),
        2
    );
}

#[tokio::test]
async fn withdrawal_and_a_rejection_that_needs_its_reason() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (first, second) = two_weeks_in_one_year(10);
    let created = create(&app, &world, &holiday(first)).await;
    let path = format!(
        "/api/v1/leave-requests/{}/withdrawal",
        created["id"].as_str().unwrap()
    );
    let response = send(&app, world.token("guardian"), Method::POST, &path, None).await;
    assert_eq!(response.status(), 200);
    let withdrawn: Value = response.json().await.unwrap();
    assert_eq!(withdrawn["state"], "withdrawn");
    let response = send(&app, world.token("guardian"), Method::POST, &path, None).await;
    assert_problem(response, 409, "conflict").await;

    let created = create(&app, &world, &holiday(second)).await;
    let id = created["id"].as_str().unwrap();
    let response = decide(&app, &world, id, json!({"outcome": "rejected"})).await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["reason"]);
    let response = decide(
        &app,
        &world,
        id,
        json!({"outcome": "rejected", "reason": "Geen grond"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let read: Value = send(
        &app,
        world.token("guardian"),
        Method::GET,
        &format!("/api/v1/leave-requests/{id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (read["state"].as_str(), read["decision_reason"].as_str()),
        (Some("rejected"), Some("Geen grond"))
    );
    assert_eq!(count(&app, "absences WHERE source = 'leave'"), 0);
    let queue: Value = send(
        &app,
        world.token("director"),
        Method::GET,
        &world.path("/api/v1/schools/{A1}/leave-requests?state=rejected"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(queue["items"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue["items"][0]["id"], id);
}

#[tokio::test]
async fn the_decision_record_is_json_or_csv() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let created = create(&app, &world, &holiday(school_week(10, 0))).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        decide(&app, &world, id, json!({"outcome": "approved"}))
            .await
            .status(),
        200
    );
    let path = format!("/api/v1/leave-requests/{id}/record");
    let record: Value = send(&app, world.token("director"), Method::GET, &path, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["state"], "approved");
    assert_eq!(record["decided_by"]["roles"], json!(["director"]));
    let response = app
        .request(Method::GET, &path)
        .bearer_auth(world.token("school_admin"))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark, so Excel reads UTF-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("pupil,kind,article"));
    for expected in [
        marker("P1").as_str(),
        "holiday",
        "art. 13a",
        "approved",
        "(director)",
    ] {
        assert!(lines[1].contains(expected), "{expected} in {csv}");
    }
    let response = send(&app, world.token("guardian"), Method::GET, &path, None).await;
    assert_problem(response, 403, "forbidden").await;
}
