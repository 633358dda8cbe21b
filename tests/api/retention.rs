//! Retention (#14, SPEC §12): with the clock moved years forward, each rule keeps a record through
//! its last day and removes it the day after; a family's guardian goes only when no child is left;
//! dry runs count without removing; runs are logged with counts; a cutoff inside the current school
//! year is refused; one instance holds the lease; a failing category fails the run.

use chrono::{DateTime, TimeZone, Utc};
use persistence::connection::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::{call, json_of};
use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::World;

/// Noon in Amsterdam's winter (11:00 UTC) or summer (10:00 UTC): the school's date is the UTC date.
fn noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

fn count(app: &TestApp, table: &str, id: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE id = '{id}'"
    ))
}

fn leave(app: &TestApp, world: &World, pupil: &str, on: &str) {
    app.execute_sql(&format!(
        "UPDATE pupils SET left_on = '{on}' WHERE id = '{}'",
        world.id(pupil)
    ));
}

#[tokio::test]
async fn the_audit_log_is_kept_six_months() {
    let app = TestApp::spawn().await;
    let _world = World::build(&app).await;
    app.execute_sql(
        "INSERT INTO audit_events (id, at, action, object_type, outcome) \
         VALUES ('0190aaaa-0000-7000-8000-000000000001', '2026-01-10 09:00:00', 'read', 'pupil', 'ok')",
    );
    let id = "0190aaaa-0000-7000-8000-000000000001";
    assert!(app.purge_at(noon(2026, 7, 10)));
    assert_eq!(count(&app, "audit_events", id), 1, "kept through 10 July");
    app.purge_at(noon(2026, 7, 11));
    assert_eq!(count(&app, "audit_events", id), 0, "gone the day after");
}

#[tokio::test]
async fn a_leavers_file_goes_after_two_years_and_absences_and_the_record_after_five() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let p1 = world.id("P1").to_owned();
    let photos = crate::consent::purpose(&app, &world, "A1", "photos_website");
    crate::consent::decide(&app, &world, "guardian", "P1", &photos, true).await;
    let note = json!({"note": "Astma"});
    let put = call(
        &app,
        &world,
        "guardian",
        Method::PUT,
        "/api/v1/pupils/{P1}/medical-note",
        Some(note),
    )
    .await;
    json_of(put, 200).await;
    leave(&app, &world, "P1", "2021-06-30");
    let file = || {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM medical_notes WHERE pupil_id = '{p1}'"
        )) + app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM consents WHERE subject_id = '{p1}'"
        ))
    };
    let absences = || {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM absences WHERE pupil_id = '{p1}'"
        ))
    };

    // The pupil file: 2 years after leaving (seed 002, appendix 2).
    app.purge_at(noon(2023, 6, 30));
    assert_eq!(file(), 2, "kept through the last day");
    app.purge_at(noon(2023, 7, 1));
    assert_eq!(file(), 0, "gone the day after");
    assert_eq!(absences(), 1, "absences are kept longer");

    // Absence and leave, and the enrolment record: 5 years after leaving.
    app.purge_at(noon(2026, 6, 30));
    assert_eq!(absences(), 1);
    assert_eq!(count(&app, "pupils", &p1), 1);
    app.purge_at(noon(2026, 7, 1));
    assert_eq!(absences(), 0);
    assert_eq!(count(&app, "pupils", &p1), 0);
    // P2 never left: untouched.
    assert_eq!(count(&app, "pupils", world.id("P2")), 1);
}

#[tokio::test]
async fn a_guardian_goes_at_the_roll_over_after_their_last_child_left() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m2 = world.id("M2").to_owned();
    leave(&app, &world, "P2", "2026-06-30");
    app.purge_at(noon(2026, 7, 31));
    assert_eq!(count(&app, "guardians", &m2), 1, "kept until the roll-over");
    app.purge_at(noon(2026, 8, 1));
    assert_eq!(
        count(&app, "guardians", &m2),
        0,
        "gone at the roll-over on 1 August"
    );
    let gone = call(
        &app,
        &world,
        "other_guardian",
        Method::GET,
        "/api/v1/me",
        None,
    )
    .await;
    assert_eq!(gone.status(), 401, "their account had no other role");
    // M1's child P1 is current: M1 stays.
    assert_eq!(count(&app, "guardians", world.id("M1")), 1);
}

#[tokio::test]
async fn staff_records_go_two_years_after_employment_and_content_two_years_after_its_year() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let n1 = world.id("N1").to_owned();
    app.execute_sql(&format!(
        "UPDATE news_posts SET created_at = '2023-10-01 09:00:00' WHERE id = '{n1}'"
    ));
    app.execute_sql(
        "UPDATE staff SET deactivated_at = '2024-06-30 09:00:00' WHERE las_key = 'lunch_supervisor'",
    );
    let staff = || app.scalar("SELECT COUNT(*) AS n FROM staff WHERE las_key = 'lunch_supervisor'");
    app.purge_at(noon(2026, 6, 30));
    assert_eq!(staff(), 1);
    app.purge_at(noon(2026, 7, 1));
    assert_eq!(staff(), 0, "2 years after employment ended");
    // News of 2023-2024: kept through 31 July 2026 (two school years after its own).
    app.purge_at(noon(2026, 7, 31));
    assert_eq!(count(&app, "news_posts", &n1), 1);
    app.purge_at(noon(2026, 8, 1));
    assert_eq!(count(&app, "news_posts", &n1), 0);
    assert_eq!(
        count(&app, "news_posts", world.id("N2")),
        1,
        "this year's news stays"
    );
}

#[tokio::test]
async fn an_admin_gets_a_dry_run_report_and_the_run_log() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    leave(&app, &world, "P1", "2020-06-30");
    let p1 = world.id("P1").to_owned();
    let runs = "/api/v1/schools/{A1}/retention-runs";
    let dry = call(
        &app,
        &world,
        "school_admin",
        Method::POST,
        runs,
        Some(json!({"dry_run": true})),
    )
    .await;
    let report: Value = json_of(dry, 201).await;
    assert_eq!(report["kind"], "dry_run");
    assert_eq!(report["outcome"], "ok");
    let removed = |category: &str| {
        report["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == category)
            .unwrap()["removed"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(removed("enrolment"), 1);
    assert_eq!(removed("absence_and_leave"), 1);
    assert_eq!(count(&app, "pupils", &p1), 1, "a dry run removes nothing");

    // A cutoff inside the current school year is refused, and nothing runs.
    let today = chrono::Utc::now().date_naive();
    let inside = json!({"cutoff": today.to_string()});
    let refused = call(
        &app,
        &world,
        "school_admin",
        Method::POST,
        runs,
        Some(inside),
    )
    .await;
    let problem = assert_problem(refused, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["cutoff"]);
    // Others may not run it.
    for actor in ["teacher", "director", "other_guardian"] {
        let denied = call(
            &app,
            &world,
            actor,
            Method::POST,
            runs,
            Some(json!({"dry_run": true})),
        )
        .await;
        assert_eq!(denied.status(), 403, "{actor}");
    }

    let purge = call(
        &app,
        &world,
        "school_admin",
        Method::POST,
        runs,
        Some(json!({})),
    )
    .await;
    assert_eq!(json_of(purge, 201).await["kind"], "manual");
    assert_eq!(count(&app, "pupils", &p1), 0);
    let log: Value = json_of(
        call(&app, &world, "school_admin", Method::GET, runs, None).await,
        200,
    )
    .await;
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["manual", "dry_run"]);
    let text = log.to_string();
    assert!(
        !text.contains(&p1) && !text.contains("MarkerP1"),
        "counts only, never the data"
    );
}

#[tokio::test]
async fn one_instance_holds_the_lease_and_a_failing_category_fails_the_run() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    {
        let mut conn = app.db.get().unwrap();
        let now = noon(2026, 11, 30).naive_utc();
        let until = noon(2026, 11, 30) + chrono::Duration::minutes(30);
        assert!(
            persistence::retention::take_lease(
                &mut conn,
                "retention",
                "other",
                now,
                until.naive_utc()
            )
            .unwrap()
        );
    }
    assert!(
        !app.purge_at(noon(2026, 11, 30)),
        "another instance runs it"
    );
    assert!(
        app.purge_at(noon(2026, 11, 30) + chrono::Duration::hours(1)),
        "an expired lease is taken over"
    );

    // A category that fails makes the run a failure, with what went before counted.
    let note = json!({"note": "Astma"});
    let put = call(
        &app,
        &world,
        "guardian",
        Method::PUT,
        "/api/v1/pupils/{P1}/medical-note",
        Some(note),
    )
    .await;
    json_of(put, 200).await;
    leave(&app, &world, "P1", "2020-06-30");
    match app.db.backend() {
        Backend::Sqlite => app.execute_sql(
            "CREATE TRIGGER boom BEFORE DELETE ON medical_notes BEGIN SELECT RAISE(FAIL, 'boom'); END;",
        ),
        Backend::Postgres => app.execute_sql(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER boom BEFORE DELETE ON medical_notes FOR EACH ROW EXECUTE FUNCTION boom();",
        ),
    }
    let runs = "/api/v1/schools/{A1}/retention-runs";
    let run = call(
        &app,
        &world,
        "school_admin",
        Method::POST,
        runs,
        Some(json!({})),
    )
    .await;
    let run: Value = json_of(run, 201).await;
    assert_eq!(run["outcome"], "failed");
    assert_eq!(run["failed_category"], "pupil_file");
    assert_eq!(count(&app, "pupils", world.id("P1")), 1, "it stopped there");
}
