//! Retention settings (SPEC §12: the terms are school defaults an admin may shorten, never
//! lengthen): the defaults, a change and its audit event, every refused value named with nothing
//! changed, who may (admins only, authorized before the body is read), and the purge applying a
//! school's own terms with the clock moved; a stored value the rules refuse fails the purge.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::{call, json_of};
use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::world::World;

const SETTINGS: &str = "/api/v1/schools/{A1}/retention-settings";

/// Noon in Amsterdam: the school's date is the UTC date.
fn noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

async fn get(app: &TestApp, world: &World) -> Value {
    json_of(
        call(app, world, "school_admin", Method::GET, SETTINGS, None).await,
        200,
    )
    .await
}

async fn put(app: &TestApp, world: &World, body: Value) -> reqwest::Response {
    call(
        app,
        world,
        "school_admin",
        Method::PUT,
        SETTINGS,
        Some(body),
    )
    .await
}

fn term<'a>(settings: &'a Value, category: &str) -> &'a Value {
    settings["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["category"] == category)
        .unwrap()
}

#[tokio::test]
async fn a_school_starts_at_the_maxima_of_seed_002() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let settings = get(&app, &world).await;
    assert_eq!(settings["portal_content_years"], 2);
    assert_eq!(settings["terms"].as_array().unwrap().len(), 9);
    let absence = term(&settings, "absence_and_leave");
    assert_eq!(absence["maximum_months"], 60);
    assert_eq!(absence["months"], 60);
    assert_eq!(absence["may_shorten"], true);
    assert_eq!(absence["source"], "seed_002_bijlage_2");
    assert_eq!(
        absence["clock_starts"],
        "the day the pupil left (uitschrijving)"
    );
    assert_eq!(term(&settings, "audit_log")["months"], 6);
    let fiscal = term(&settings, "staff_fiscal");
    assert_eq!(fiscal["may_shorten"], false);
    assert_eq!(fiscal["months"], 60);
    let content = term(&settings, "portal_content");
    assert_eq!(content["months"], Value::Null);
    assert_eq!(content["maximum_months"], Value::Null);
    assert_eq!(content["source"], "school_setting");
    assert_eq!(term(&settings, "guardian_account")["source"], "seed_003");
}

#[tokio::test]
async fn an_admin_shortens_terms_and_the_change_is_audited() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let body = json!({
        "portal_content_years": 1,
        "terms": {"absence_and_leave": 12, "staff": 6, "pupil_file": null, "staff_fiscal": null}
    });
    let stored = json_of(put(&app, &world, body).await, 200).await;
    assert_eq!(
        stored,
        get(&app, &world).await,
        "the answer is what is stored"
    );
    assert_eq!(stored["portal_content_years"], 1);
    let absence = term(&stored, "absence_and_leave");
    assert_eq!(absence["months"], 12);
    assert_eq!(absence["maximum_months"], 60);
    assert_eq!(absence["source"], "school_setting");
    assert_eq!(term(&stored, "staff")["months"], 6);
    assert_eq!(
        term(&stored, "pupil_file")["months"],
        24,
        "null keeps the maximum"
    );
    assert_eq!(term(&stored, "pupil_file")["source"], "seed_002_bijlage_2");
    let audited = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'update' \
         AND object_type = 'retention_settings' AND object_id = '{}'",
        world.id("A1")
    ));
    assert_eq!(audited, 1);

    // A PUT replaces: terms left out go back to their maxima.
    let back = json_of(
        put(&app, &world, json!({"portal_content_years": 2})).await,
        200,
    )
    .await;
    assert_eq!(term(&back, "absence_and_leave")["months"], 60);
    assert_eq!(term(&back, "staff")["source"], "seed_002_bijlage_2");
    assert_eq!(back, get(&app, &world).await);
}

#[tokio::test]
async fn a_refused_value_is_named_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let set = json!({"portal_content_years": 3, "terms": {"enrolment": 24}});
    let before = json_of(put(&app, &world, set).await, 200).await;
    for (body, field, code) in [
        (
            json!({"portal_content_years": 0}),
            "portal_content_years",
            "out_of_range",
        ),
        (
            json!({"portal_content_years": 11}),
            "portal_content_years",
            "out_of_range",
        ),
        (
            json!({"portal_content_years": 2, "terms": {"staff_fiscal": 60}}),
            "terms.staff_fiscal",
            "not_shortenable",
        ),
        (
            json!({"portal_content_years": 2, "terms": {"pupil_file": 25}}),
            "terms.pupil_file",
            "out_of_range",
        ),
        (
            json!({"portal_content_years": 2, "terms": {"audit_log": 0}}),
            "terms.audit_log",
            "out_of_range",
        ),
        (
            json!({"portal_content_years": 2, "terms": {"guardian_account": 6}}),
            "terms.guardian_account",
            "unknown_field",
        ),
    ] {
        let problem = assert_problem(put(&app, &world, body).await, 422, "validation-failed").await;
        assert_eq!(error_fields(&problem), [field], "{problem}");
        if code != "unknown_field" {
            assert_eq!(problem["errors"][0]["code"], code, "{field}");
        }
        assert_eq!(get(&app, &world).await, before, "{field}: nothing changed");
    }
    let audited = app
        .scalar("SELECT COUNT(*) AS n FROM audit_events WHERE object_type = 'retention_settings'");
    assert_eq!(audited, 1, "only the accepted change");
}

#[tokio::test]
async fn only_the_schools_admins_see_or_change_them() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let valid = json!({"portal_content_years": 1});
    for actor in ["director", "teacher", "guardian"] {
        let read = call(&app, &world, actor, Method::GET, SETTINGS, None).await;
        assert_eq!(read.status(), 403, "{actor}");
        let change = call(
            &app,
            &world,
            actor,
            Method::PUT,
            SETTINGS,
            Some(valid.clone()),
        )
        .await;
        assert_eq!(change.status(), 403, "{actor}");
        // Authorized before the body is read: a bad body is still 403.
        let bad = json!({"portal_content_years": 0, "nonsense": true});
        let change = call(&app, &world, actor, Method::PUT, SETTINGS, Some(bad)).await;
        assert_eq!(change.status(), 403, "{actor}: before the body");
    }
    let other = "/api/v1/schools/{B1}/retention-settings";
    let read = call(&app, &world, "school_admin", Method::GET, other, None).await;
    assert_eq!(read.status(), 404);
    let change = call(
        &app,
        &world,
        "school_admin",
        Method::PUT,
        other,
        Some(valid.clone()),
    )
    .await;
    assert_eq!(change.status(), 404);
    let board = call(
        &app,
        &world,
        "board_admin",
        Method::PUT,
        SETTINGS,
        Some(valid),
    )
    .await;
    assert_eq!(board.status(), 200, "the board's admin");
    assert_eq!(get(&app, &world).await["portal_content_years"], 1);
}

#[tokio::test]
async fn the_purge_keeps_portal_content_for_the_schools_years() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let n1 = world.id("N1").to_owned();
    app.execute_sql(&format!(
        "UPDATE news_posts SET created_at = '2023-10-01 09:00:00' WHERE id = '{n1}'"
    ));
    json_of(
        put(&app, &world, json!({"portal_content_years": 1})).await,
        200,
    )
    .await;
    let news = || {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM news_posts WHERE id = '{n1}'"
        ))
    };
    // News of 2023-2024, kept one school year after its own: through 31 July 2025, not 2026.
    app.purge_at(noon(2025, 7, 31));
    assert_eq!(news(), 1, "kept through the last day");
    app.purge_at(noon(2025, 8, 1));
    assert_eq!(news(), 0, "gone the day after");
    let n2 = world.id("N2");
    let this_year = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM news_posts WHERE id = '{n2}'"
    ));
    assert_eq!(this_year, 1, "this year's news stays");
}

#[tokio::test]
async fn the_purge_applies_a_shortened_term() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let p1 = world.id("P1").to_owned();
    app.execute_sql(&format!(
        "UPDATE pupils SET left_on = '2021-06-30' WHERE id = '{p1}'"
    ));
    let body = json!({"portal_content_years": 2, "terms": {"absence_and_leave": 12}});
    json_of(put(&app, &world, body).await, 200).await;
    let absences = || {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM absences WHERE pupil_id = '{p1}'"
        ))
    };
    assert_eq!(absences(), 1);
    app.purge_at(noon(2022, 6, 30));
    assert_eq!(absences(), 1, "kept 12 months after leaving");
    app.purge_at(noon(2022, 7, 1));
    assert_eq!(absences(), 0, "gone the day after, not after 5 years");
    let pupil = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM pupils WHERE id = '{p1}'"
    ));
    assert_eq!(pupil, 1, "the enrolment record keeps its 5 years");
}

#[tokio::test]
async fn a_stored_value_the_rules_refuse_fails_the_purge_instead_of_a_default() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a1 = world.id("A1").to_owned();
    let p1 = world.id("P1").to_owned();
    json_of(
        put(&app, &world, json!({"portal_content_years": 2})).await,
        200,
    )
    .await;
    // A term longer than the maximum, as a later, stricter rule would find an old row.
    app.execute_sql(&format!(
        "UPDATE retention_settings SET pupil_file_months = 25 WHERE school_id = '{a1}'"
    ));
    app.execute_sql(&format!(
        "UPDATE pupils SET left_on = '2020-06-30' WHERE id = '{p1}'"
    ));
    let read = call(&app, &world, "school_admin", Method::GET, SETTINGS, None).await;
    assert_problem(read, 500, "internal").await;
    app.purge_at(noon(2026, 11, 30));
    let failed = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM retention_runs WHERE school_id = '{a1}' \
         AND outcome = 'failed' AND failed_category = 'settings'"
    ));
    assert_eq!(failed, 1);
    let pupil = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM pupils WHERE id = '{p1}'"
    ));
    assert_eq!(pupil, 1, "nothing went at that school");
    let b1 = world.id("B1");
    let other = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM retention_runs WHERE school_id = '{b1}' AND outcome = 'ok'"
    ));
    assert_eq!(other, 1, "the other schools were purged");
}
