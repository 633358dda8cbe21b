//! Leave requests (verlof, issue #11) end to end: guardians request, the rules of the
//! Leerplichtwet refuse what the law forbids and warn of the rest, the director decides or
//! forwards to the attendance officer, granted leave becomes an absence, guardians are told.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use domain::school_year::SchoolYear;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::World;

pub fn today() -> NaiveDate {
    domain::schedule::school_date(chrono::Utc::now())
}

/// The Monday to Friday of the `nth` (0-based) week, at least `weeks` weeks ahead, whose five
/// days are school days on the default calendar outside the first two school weeks.
pub fn school_week(weeks: i64, nth: usize) -> (NaiveDate, NaiveDate) {
    let mut monday = today() + Duration::weeks(weeks);
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    let mut found = 0;
    loop {
        let calendar =
            api::services::calendar::default_calendar(SchoolYear::containing(monday)).unwrap();
        let fine = (0..5).all(|d| {
            let day = monday + Duration::days(d);
            calendar.is_school_day(day) && calendar.school_week_index(day).is_some_and(|w| w > 2)
        });
        if fine {
            if found == nth {
                return (monday, monday + Duration::days(4));
            }
            found += 1;
        }
        monday += Duration::weeks(1);
    }
}

/// Two school weeks ahead in the same school year, `weeks` ahead or later.
pub fn two_weeks_in_one_year(weeks: i64) -> ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)) {
    let mut nth = 0;
    loop {
        let (a, b) = (school_week(weeks, nth), school_week(weeks, nth + 1));
        if SchoolYear::containing(a.0) == SchoolYear::containing(b.0) {
            return (a, b);
        }
        nth += 1;
    }
}

pub fn holiday((first, last): (NaiveDate, NaiveDate)) -> Value {
    json!({"kind": "holiday", "first_day": first, "last_day": last,
           "employer_statement": "werkgeversverklaring.pdf"})
}

pub async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.request(method, path).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

/// Creates a request for P1 as its guardian; 201 expected.
pub async fn create(app: &TestApp, world: &World, body: &Value) -> Value {
    let path = world.path("/api/v1/pupils/{P1}/leave-requests");
    let response = send(
        app,
        world.token("guardian"),
        Method::POST,
        &path,
        Some(body),
    )
    .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/leave-requests/{}", created["id"].as_str().unwrap())
    );
    created
}

pub async fn decide(app: &TestApp, world: &World, id: &str, body: Value) -> reqwest::Response {
    let path = format!("/api/v1/leave-requests/{id}/decision");
    send(
        app,
        world.token("director"),
        Method::POST,
        &path,
        Some(&body),
    )
    .await
}

pub fn count(app: &TestApp, sql: &str) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) AS n FROM {sql}"))
}

pub fn codes(request: &Value) -> Vec<String> {
    request["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_kind_is_created_and_notifications_are_noted() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let week = school_week(10, 0);
    let created = create(&app, &world, &holiday(week)).await;
    assert_eq!(created["state"], "pending");
    assert_eq!(created["decider"], "director");
    assert_eq!(created["article"], "art. 13a");
    assert_eq!(created["school_days"], 5);
    assert!(codes(&created).is_empty(), "{created}");

    let near = school_week(1, 0);
    let important = json!({"kind": "important_circumstances", "first_day": near.0,
                           "last_day": near.0 + Duration::days(1), "reason": "Huwelijk van een oom"});
    let created = create(&app, &world, &important).await;
    assert_eq!(
        (created["state"].as_str(), created["decider"].as_str()),
        (Some("pending"), Some("director"))
    );

    let religious = json!({"kind": "religious", "first_day": near.0 + Duration::days(2),
                           "last_day": near.0 + Duration::days(2)});
    let created = create(&app, &world, &religious).await;
    assert_eq!(
        (created["state"].as_str(), created["decider"].as_str()),
        (Some("noted"), Some("notification"))
    );

    // P1 turned five three months ago: compulsory, and 4 hours a week is a notification.
    let born = today() - Duration::days(5 * 365 + 92);
    app.execute_sql(&format!(
        "UPDATE pupils SET date_of_birth = '{born}' WHERE id = '{}'",
        world.id("P1")
    ));
    let five = json!({"kind": "five_year_old", "first_day": near.0, "last_day": near.1, "minutes_per_week": 240});
    let created = create(&app, &world, &five).await;
    assert_eq!(created["state"], "noted", "{created}");
    let five = json!({"kind": "five_year_old", "first_day": near.0, "last_day": near.1, "minutes_per_week": 300});
    let created = create(&app, &world, &five).await;
    assert_eq!(created["state"], "pending", "{created}");
    assert_eq!(count(&app, "leave_requests"), 5);
}

#[tokio::test]
async fn a_law_violation_is_refused_with_its_rule_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let path = world.path("/api/v1/pupils/{P1}/leave-requests");
    let week = school_week(10, 0);
    let body = json!({"kind": "holiday", "first_day": week.0, "last_day": week.1});
    let response = send(
        &app,
        world.token("guardian"),
        Method::POST,
        &path,
        Some(&body),
    )
    .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        problem["errors"][0]["code"], "employer_statement_missing",
        "{problem}"
    );
    assert_eq!(error_fields(&problem), ["employer_statement"]);

    let body = json!({"kind": "important_circumstances", "first_day": week.0, "last_day": week.1});
    let response = send(
        &app,
        world.token("guardian"),
        Method::POST,
        &path,
        Some(&body),
    )
    .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["code"], "reason_missing", "{problem}");

    let body = json!({"kind": "holiday", "first_day": week.1, "last_day": week.0});
    let response = send(
        &app,
        world.token("guardian"),
        Method::POST,
        &path,
        Some(&body),
    )
    .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["last_day"]);
    assert_eq!(count(&app, "leave_requests"), 0);
}

#[tokio::test]
async fn a_late_holiday_request_is_stored_with_its_warning_in_both_languages() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let created = create(&app, &world, &holiday(school_week(2, 0))).await;
    assert_eq!(codes(&created), ["holiday_late_submission"]);
    let path = format!("/api/v1/leave-requests/{}", created["id"].as_str().unwrap());
    let read: Value = send(&app, world.token("director"), Method::GET, &path, None)
        .await
        .json()
        .await
        .unwrap();
    let warning = &read["warnings"][0];
    assert_eq!(warning["code"], "holiday_late_submission");
    assert!(
        warning["message_nl"].as_str().unwrap().contains("weken"),
        "{warning}"
    );
    assert!(
        warning["message_en"].as_str().unwrap().contains("weeks"),
        "{warning}"
    );
    let stored = app.scalar(
        "SELECT COUNT(*) AS n FROM leave_requests WHERE issues = 'holiday_late_submission'",
    );
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn approval_makes_an_absence_tells_the_guardians_and_a_second_holiday_is_refused() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (first, second) = two_weeks_in_one_year(10);
    let created = create(&app, &world, &holiday(first)).await;
    let id = created["id"].as_str().unwrap();
    let response = decide(&app, &world, id, json!({"outcome": "approved"})).await;
    assert_eq!(response.status(), 200);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["state"], "approved");
    assert_eq!(
        count(
            &app,
            &format!(
                "absences WHERE leave_request_id = '{id}' AND kind = 'leave' AND source = 'leave'"
            )
        ),
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("notification_events WHERE kind = 'leave.decided' AND object_id = '{id}'")
        ),
        1
    );
    // The guardian with an account hears of it, without the reason or names in the title.
    app.notify_at(chrono::Utc::now());
    let inbox: Value = send(
        &app,
        world.token("guardian"),
        Method::GET,
        "/api/v1/me/notifications",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(inbox.to_string().contains("leave.decided"), "{inbox}");

    let path = world.path("/api/v1/pupils/{P1}/leave-requests");
    let response = send(
        &app,
        world.token("guardian"),
        Method::POST,
        &path,
        Some(&holiday(second)),
    )
    .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        problem["errors"][0]["code"], "holiday_once_per_year",
        "{problem}"
    );
    assert_eq!(count(&app, "leave_requests"), 1);
}

#[tokio::test]
async fn parallel_holiday_requests_in_one_year_are_granted_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let (first, second) = two_weeks_in_one_year(10);
    let path = world.path("/api/v1/pupils/{P1}/leave-requests");
    let token = world.token("guardian");
    let (a, b) = (holiday(first), holiday(second));
    let (ra, rb) = tokio::join!(
        send(&app, token, Method::POST, &path, Some(&a)),
        send(&app, token, Method::POST, &path, Some(&b)),
    );
    assert_eq!((ra.status().as_u16(), rb.status().as_u16()), (201, 201));
    let (ra, rb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
    // Under the pupil's lock the later one saw the first: warned, never both blind.
    let warned = [&ra, &rb]
        .iter()
        .filter(|r| codes(r).contains(&"holiday_other_pending".to_owned()))
        .count();
    assert_eq!(warned, 1, "{ra} {rb}");
    let (da, db) = tokio::join!(
        decide(
            &app,
            &world,
            ra["id"].as_str().unwrap(),
            json!({"outcome": "approved"})
        ),
        decide(
            &app,
            &world,
            rb["id"].as_str().unwrap(),
            json!({"outcome": "approved"})
        ),
    );
    let mut statuses = [da.status().as_u16(), db.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422]);
    assert_eq!(count(&app, "leave_requests WHERE state = 'approved'"), 1);
    assert_eq!(count(&app, "absences WHERE source = 'leave'"), 1);
}

#[tokio::test]
async fn a_retried_create_with_the_same_key_makes_one_request() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let path = world.path("/api/v1/pupils/{P1}/leave-requests");
    let body = holiday(school_week(10, 0));
    let mut ids = Vec::new();
    for attempt in 0..2 {
        let response = app
            .request(Method::POST, &path)
            .bearer_auth(world.token("guardian"))
            .header("idempotency-key", "verlof-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let replayed = response
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(replayed.as_deref(), (attempt == 1).then_some("true"));
        let created: Value = response.json().await.unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(count(&app, "leave_requests"), 1);
}

#[tokio::test]
async fn with_absence_switched_off_leave_does_not_exist_and_nothing_is_sent() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let created = create(&app, &world, &holiday(school_week(10, 0))).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let off = json!({"modules": [{"module": "absence", "audiences": []}]});
    let response = send(
        &app,
        world.token("school_admin"),
        Method::PUT,
        &world.path("/api/v1/schools/{A1}/modules"),
        Some(&off),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body = holiday(school_week(10, 1));
    let calls = [
        (
            "guardian",
            Method::POST,
            world.path("/api/v1/pupils/{P1}/leave-requests"),
            Some(body),
        ),
        (
            "guardian",
            Method::GET,
            world.path("/api/v1/pupils/{P1}/leave-requests"),
            None,
        ),
        (
            "director",
            Method::GET,
            world.path("/api/v1/schools/{A1}/leave-requests"),
            None,
        ),
        (
            "director",
            Method::GET,
            format!("/api/v1/leave-requests/{id}"),
            None,
        ),
        (
            "director",
            Method::POST,
            format!("/api/v1/leave-requests/{id}/decision"),
            Some(json!({"outcome": "approved"})),
        ),
        (
            "guardian",
            Method::POST,
            format!("/api/v1/leave-requests/{id}/withdrawal"),
            None,
        ),
        (
            "director",
            Method::GET,
            format!("/api/v1/leave-requests/{id}/record"),
            None,
        ),
    ];
    for (actor, method, path, body) in calls {
        let response = send(&app, world.token(actor), method, &path, body.as_ref()).await;
        assert_eq!(response.status(), 404, "{actor} {path}");
    }
    assert_eq!(count(&app, "notification_events"), 0);
    assert_eq!(count(&app, "leave_requests WHERE state = 'pending'"), 1);
}
