//! Sign-up forms (issue #13): made by the school admin or a teacher for their groups, answered
//! once per household, changed and withdrawn until the close, places never beyond capacity, the
//! waiting list moving up, reminders always e-mailed, results as CSV. World: school A1 with P1
//! (G1; M1 household H1, D1 household H1b, separated) and P2 (G1; M2, H2), P3 in G2.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::leave::send;
use crate::world::World;

pub(crate) fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
}

/// The form is made on 1 December, open from 10:00 that day until 10 December 16:00.
pub(crate) const MADE: (u32, u32) = (1, 9);
pub(crate) const OPEN: (u32, u32) = (2, 9);
pub(crate) const CLOSED: (u32, u32) = (11, 9);

pub(crate) fn at(app: &TestApp, (d, h): (u32, u32)) {
    app.clock.hold(Some(utc(d, h)));
}

/// A form for all of A1: drivers (per household, 2 places) and the trip (per child, no limit),
/// with a required number question and an optional text question.
pub(crate) fn form_input() -> Value {
    json!({
        "title": "Uitje naar de kinderboerderij",
        "description": "Wie rijdt er mee?",
        "audience": {"kind": "school"},
        "opens_at": "2026-12-01T10:00:00Z",
        "closes_at": "2026-12-10T16:00:00Z",
        "options": [
            {"label": "Ik rijd", "per": "household", "capacity": 2},
            {"label": "Mijn kind gaat mee", "per": "child"}
        ],
        "questions": [
            {"label": "Zitplaatsen", "kind": "number", "required": true, "min": 1, "max": 8},
            {"label": "Opmerking", "kind": "text"}
        ],
    })
}

pub(crate) async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

/// Makes the form as `actor` at A1; answers the form.
pub(crate) async fn create_form(app: &TestApp, world: &World, actor: &str, input: &Value) -> Value {
    at(app, MADE);
    let response = app
        .post_json_as(
            world.token(actor),
            &world.path("/api/v1/schools/{A1}/forms"),
            input,
        )
        .await;
    json_of(response, 201).await
}

/// The ids of the form's options and questions, in order.
pub(crate) fn ids(form: &Value, list: &str) -> Vec<String> {
    form[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A response body: the number question answered, and these choices.
pub(crate) fn answer(form: &Value, choices: Value) -> Value {
    let questions = ids(form, "questions");
    json!({"answers": {questions[0].clone(): 3}, "choices": choices})
}

pub(crate) async fn respond(
    app: &TestApp,
    token: &str,
    form: &Value,
    body: &Value,
) -> reqwest::Response {
    let path = format!("/api/v1/forms/{}/responses", form["id"].as_str().unwrap());
    app.post_json_as(token, &path, body).await
}

#[tokio::test]
async fn a_teacher_makes_forms_for_their_own_groups_and_bad_fields_are_named() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    at(&app, MADE);
    let path = world.path("/api/v1/schools/{A1}/forms");
    let teacher = world.token("teacher");
    let mut own = form_input();
    own["audience"] = json!({"kind": "groups", "group_ids": [world.id("G1")]});
    let made = json_of(app.post_json_as(teacher, &path, &own).await, 201).await;
    assert_eq!(made["phase"], "not_open");
    assert_eq!(made["options"][0]["places_left"], 2);
    for audience in [
        json!({"kind": "school"}),
        json!({"kind": "groups", "group_ids": [world.id("G2")]}),
    ] {
        let mut other = form_input();
        other["audience"] = audience;
        assert_problem(
            app.post_json_as(teacher, &path, &other).await,
            403,
            "forbidden",
        )
        .await;
    }
    for actor in ["care_staff", "director"] {
        assert_problem(
            app.post_json_as(world.token(actor), &path, &own).await,
            403,
            "forbidden",
        )
        .await;
    }
    let mut bad = form_input();
    bad["title"] = json!(" ");
    bad["closes_at"] = json!("2026-11-30T10:00:00Z");
    bad["options"][0]["capacity"] = json!(0);
    bad["questions"][0]["kind"] = json!("choice");
    bad["year_groups"] = json!([9]);
    let problem = assert_problem(
        app.post_json_as(world.token("school_admin"), &path, &bad)
            .await,
        422,
        "validation-failed",
    )
    .await;
    let fields = error_fields(&problem);
    for field in [
        "title",
        "closes_at",
        "options[0].capacity",
        "questions[0].choices",
        "year_groups",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field}: {fields:?}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM forms"), 1);
}

#[tokio::test]
async fn only_guardians_of_children_the_open_form_reaches_see_it() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let guardian = world.token("guardian");
    let mut g2 = form_input();
    g2["audience"] = json!({"kind": "groups", "group_ids": [world.id("G2")]});
    let of_g2 = create_form(&app, &world, "school_admin", &g2).await;
    let mut year_two = form_input();
    year_two["year_groups"] = json!([2]);
    let of_year_two = create_form(&app, &world, "school_admin", &year_two).await;
    let mut year_one = form_input();
    year_one["year_groups"] = json!([1]);
    let of_year_one = create_form(&app, &world, "school_admin", &year_one).await;
    let path = |form: &Value| format!("/api/v1/forms/{}", form["id"].as_str().unwrap());
    // Before it opens, no guardian sees it.
    assert_problem(
        app.get_as(guardian, &path(&of_year_one)).await,
        404,
        "not-found",
    )
    .await;
    at(&app, OPEN);
    for form in [&of_g2, &of_year_two] {
        assert_problem(app.get_as(guardian, &path(form)).await, 404, "not-found").await;
        let body = answer(form, json!([{"option_id": ids(form, "options")[0]}]));
        assert_problem(respond(&app, guardian, form, &body).await, 404, "not-found").await;
    }
    let seen = json_of(app.get_as(guardian, &path(&of_year_one)).await, 200).await;
    assert_eq!(
        seen["children"],
        json!([{"pupil_id": world.id("P1"), "first_name": "Kind"}])
    );
    assert_eq!(seen["response"], Value::Null);
    let mine = json_of(app.get_as(guardian, "/api/v1/me/forms").await, 200).await;
    let listed: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![of_year_one["id"].as_str().unwrap()]);
    assert_eq!(mine["items"][0]["responded"], false);
    // Another school's guardian does not learn it exists.
    assert_problem(
        app.get_as(world.token("other_guardian"), &path(&of_g2))
            .await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn answers_and_choices_are_checked_per_field_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let form = create_form(&app, &world, "school_admin", &form_input()).await;
    at(&app, OPEN);
    let (options, questions) = (ids(&form, "options"), ids(&form, "questions"));
    let body = json!({
        "answers": {questions[0].clone(): 12, questions[1].clone(): false},
        "choices": [
            {"option_id": options[0], "pupil_id": world.id("P1")},
            {"option_id": options[1]},
            {"option_id": options[1], "pupil_id": world.id("P2")},
        ],
    });
    let problem = assert_problem(
        respond(&app, world.token("guardian"), &form, &body).await,
        422,
        "validation-failed",
    )
    .await;
    let fields = error_fields(&problem);
    for field in [
        format!("answers.{}", questions[0]),
        format!("answers.{}", questions[1]),
        "choices[0].pupil_id".to_owned(),
        "choices[1].pupil_id".to_owned(),
        "choices[2].pupil_id".to_owned(),
    ] {
        assert!(fields.contains(&field), "{field}: {fields:?}");
    }
    let missing = json!({"answers": {}, "choices": [{"option_id": options[0]}]});
    let problem = assert_problem(
        respond(&app, world.token("guardian"), &form, &missing).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        vec![format!("answers.{}", questions[0])]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form_responses"), 0);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form_signups"), 0);
}

#[tokio::test]
async fn a_household_changes_and_withdraws_until_the_close_and_not_after() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let form = create_form(&app, &world, "school_admin", &form_input()).await;
    at(&app, OPEN);
    let guardian = world.token("guardian");
    let options = ids(&form, "options");
    let first = answer(&form, json!([{"option_id": options[0]}]));
    let response = json_of(respond(&app, guardian, &form, &first).await, 201).await;
    assert_eq!(response["signups"][0]["state"], "placed");
    // One response per household.
    assert_problem(
        respond(&app, guardian, &form, &first).await,
        409,
        "conflict",
    )
    .await;
    let path = format!(
        "/api/v1/form-responses/{}",
        response["id"].as_str().unwrap()
    );
    let changed = answer(
        &form,
        json!([{"option_id": options[1], "pupil_id": world.id("P1")}]),
    );
    let after = json_of(
        send(&app, guardian, Method::PUT, &path, Some(&changed)).await,
        200,
    )
    .await;
    assert_eq!(after["signups"].as_array().unwrap().len(), 1);
    assert_eq!(after["signups"][0]["option_id"], options[1]);
    let mine = format!("/api/v1/forms/{}/response", form["id"].as_str().unwrap());
    assert_eq!(
        json_of(app.get_as(guardian, &mine).await, 200).await["id"],
        response["id"]
    );
    // The place held on the drivers' option is free again.
    assert_eq!(
        app.scalar(&format!(
            "SELECT CAST(placed AS BIGINT) AS n FROM form_options WHERE id = '{}'",
            options[0]
        )),
        0
    );
    // Another family cannot touch it.
    let other = world.token("other_guardian");
    assert_problem(
        send(&app, other, Method::PUT, &path, Some(&changed)).await,
        404,
        "not-found",
    )
    .await;
    assert_problem(
        send(&app, other, Method::DELETE, &path, None).await,
        404,
        "not-found",
    )
    .await;
    at(&app, CLOSED);
    assert_problem(
        send(&app, guardian, Method::PUT, &path, Some(&first)).await,
        409,
        "conflict",
    )
    .await;
    assert_problem(
        send(&app, guardian, Method::DELETE, &path, None).await,
        409,
        "conflict",
    )
    .await;
    at(&app, OPEN);
    assert_eq!(
        send(&app, guardian, Method::DELETE, &path, None)
            .await
            .status(),
        204
    );
    assert_problem(app.get_as(guardian, &mine).await, 404, "not-found").await;
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form_signups"), 0);
}
