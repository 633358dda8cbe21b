//! Absence (#11 items 2, 3, 6, 7): guardians' reports with the late flag at the school's cut-off
//! in winter and summer time, idempotent reports, changes and withdrawal until the day starts,
//! staff registration for a pupil and a whole group, the teacher's day, medical detail, and the
//! DUO signal on a constructed calendar.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::news::world;
use crate::world::World;

pub(crate) async fn report(
    app: &TestApp,
    world: &World,
    actor: &str,
    pupil: &str,
    body: &Value,
) -> reqwest::Response {
    app.post_json_as(
        world.token(actor),
        &world.path(&format!("/api/v1/pupils/{{{pupil}}}/absences")),
        body,
    )
    .await
}

pub(crate) async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(code, status, "{body}");
    body
}

pub(crate) fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

#[tokio::test]
async fn a_report_for_today_after_eight_amsterdam_time_is_late_in_winter_and_in_summer() {
    let (app, world) = world().await;
    // Tuesday 12 January 2027 (CET, UTC+1) and Tuesday 8 June 2027 (CEST, UTC+2).
    for (on_time, late, day) in [
        (utc(2027, 1, 12, 7, 0), utc(2027, 1, 12, 7, 1), "2027-01-12"),
        (utc(2027, 6, 8, 6, 0), utc(2027, 6, 8, 6, 1), "2027-06-08"),
    ] {
        for (at, expected, actor, pupil) in [
            (on_time, false, "guardian", "P1"),
            (late, true, "other_guardian", "P2"),
        ] {
            app.clock.hold(Some(at));
            let body = json!({"reason": "appointment", "note": "tandarts", "first_day": day});
            let stored = json_of(report(&app, &world, actor, pupil, &body).await, 201).await;
            assert_eq!(stored["first_day"], day);
            assert_eq!(stored["last_day"], day);
            assert_eq!(stored["late"], expected, "{at}");
            assert!(
                stored["kind"].is_null(),
                "the school registers an appointment's kind"
            );
        }
        // Until the cut-off a report without a first day is for today, which P1 already has: one
        // report per day. After the cut-off, it is for the next school day.
        app.clock.hold(Some(on_time));
        let sick = json!({"reason": "sick"});
        assert_problem(
            report(&app, &world, "guardian", "P1", &sick).await,
            409,
            "conflict",
        )
        .await;
        app.clock.hold(Some(late));
        let stored = json_of(report(&app, &world, "guardian", "P1", &sick).await, 201).await;
        let next = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() + Days::new(1);
        assert_eq!(stored["first_day"], next.to_string());
        assert_eq!(stored["late"], false);
        assert_eq!(stored["kind"], "sick");
        assert!(stored["last_day"].is_null(), "a sick report stays open");
        // Better again the day after: the report ends on its first day.
        let back = json!({"back_on": (next + Days::new(1)).to_string()});
        let path = format!("/api/v1/absences/{}/return", stored["id"].as_str().unwrap());
        let ended = json_of(
            app.post_json_as(world.token("guardian"), &path, &back)
                .await,
            200,
        )
        .await;
        assert_eq!(ended["last_day"], next.to_string());
        assert_eq!(ended["state"], "returned");
    }
}

#[tokio::test]
async fn a_retried_report_with_the_same_key_creates_one_and_answers_the_first_again() {
    let (app, world) = world().await;
    app.clock.hold(Some(utc(2027, 1, 12, 6, 30)));
    let path = world.path("/api/v1/pupils/{P1}/absences");
    let body = json!({"reason": "sick", "note": "koorts"});
    let send = || {
        app.request(Method::POST, &path)
            .bearer_auth(world.token("guardian"))
            .header("Idempotency-Key", "ochtend-2027-01-12")
            .json(&body)
            .send()
    };
    let (first, second) = tokio::join!(send(), send());
    let (first, second) = (first.unwrap(), second.unwrap());
    let statuses = [first.status().as_u16(), second.status().as_u16()];
    assert!(statuses.contains(&201), "{statuses:?}");
    let third = send().await.unwrap();
    assert_eq!(third.status(), 201);
    assert_eq!(third.headers()["idempotent-replayed"], "true");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM absences WHERE first_day = '2027-01-12'"),
        1
    );
}

#[tokio::test]
async fn guardians_change_and_withdraw_a_report_until_its_day_starts_and_not_in_the_past() {
    let (app, world) = world().await;
    app.clock.hold(Some(utc(2027, 1, 11, 18, 0)));
    // Not for a day before today.
    let past = json!({"reason": "sick", "first_day": "2027-01-08"});
    let problem = assert_problem(
        report(&app, &world, "guardian", "P1", &past).await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["first_day"]);
    let body = json!({"reason": "appointment", "note": "orthodontist", "first_day": "2027-01-13"});
    let stored = json_of(report(&app, &world, "guardian", "P1", &body).await, 201).await;
    let id = stored["id"].as_str().unwrap().to_owned();
    let absence = format!("/api/v1/absences/{id}");
    let change =
        |version: i64, first_day: &str| json!({"version": version, "first_day": first_day});
    let patch = |body: Value| {
        app.request(Method::PATCH, &absence)
            .bearer_auth(world.token("guardian"))
            .json(&body)
            .send()
    };
    let changed = json_of(patch(change(1, "2027-01-14")).await.unwrap(), 200).await;
    assert_eq!(changed["first_day"], "2027-01-14");
    assert_eq!(changed["version"], 2);
    let history = changed["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history.iter().any(|h| h["field"] == "first_day"
        && h["from"] == "2027-01-13"
        && h["to"] == "2027-01-14"));
    // On the version read only.
    assert_problem(
        patch(change(1, "2027-01-15")).await.unwrap(),
        409,
        "conflict",
    )
    .await;
    // The other parent's report of the same child is theirs too; another family's is not.
    let other = app
        .request(Method::POST, &format!("{absence}/withdrawal"))
        .bearer_auth(world.token("other_guardian"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    // On the day, after the cut-off, it can no longer be changed.
    app.clock.hold(Some(utc(2027, 1, 14, 7, 30)));
    let withdraw = || {
        app.request(Method::POST, &format!("{absence}/withdrawal"))
            .bearer_auth(world.token("guardian"))
            .send()
    };
    assert_problem(withdraw().await.unwrap(), 409, "conflict").await;
    app.clock.hold(Some(utc(2027, 1, 14, 6, 59)));
    let withdrawn = json_of(withdraw().await.unwrap(), 200).await;
    assert_eq!(withdrawn["state"], "withdrawn");
    // A withdrawn report is not on the school's day.
    let day = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/absences?date=2027-01-14"),
        )
        .await;
    let day = json_of(day, 200).await;
    assert!(day["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn staff_register_for_a_group_and_teachers_see_their_groups_day_with_medical_detail() {
    let (app, world) = world().await;
    app.clock.hold(Some(utc(2027, 1, 12, 6, 30)));
    let body = json!({"reason": "sick", "note": "buikgriep"});
    json_of(report(&app, &world, "guardian", "P1", &body).await, 201).await;
    // The director registers P3 (group G2) absent, and G1 on an excursion.
    let path = world.path("/api/v1/schools/{A1}/absences");
    let one =
        json!({"pupil_ids": [world.id("P3")], "kind": "unauthorized", "first_day": "2027-01-12"});
    let registered = json_of(
        app.post_json_as(world.token("director"), &path, &one).await,
        201,
    )
    .await;
    assert_eq!(registered["items"].as_array().unwrap().len(), 1);
    let trip = json!({"group_id": world.id("G1"), "kind": "authorized", "note": "excursie", "first_day": "2027-01-15"});
    let registered = json_of(
        app.post_json_as(world.token("teacher"), &path, &trip).await,
        201,
    )
    .await;
    let pupils: Vec<&str> = registered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["pupil"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(pupils.len(), 2);
    assert!(pupils.contains(&world.id("P1")) && pupils.contains(&world.id("P2")));
    // A teacher registers their own groups' pupils only; the lunch supervisor none.
    let other_group =
        json!({"pupil_ids": [world.id("P3")], "kind": "sick", "first_day": "2027-01-12"});
    let problem = assert_problem(
        app.post_json_as(world.token("teacher"), &path, &other_group)
            .await,
        422,
        "validation-failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["pupil_ids[0]"]);
    assert_eq!(
        app.post_json_as(world.token("lunch_supervisor"), &path, &one)
            .await
            .status(),
        403
    );

    let day = |actor: &'static str| {
        let path = world.path("/api/v1/schools/{A1}/absences?date=2027-01-12");
        let token = world.token(actor).to_owned();
        let app = &app;
        async move { json_of(app.get_as(&token, &path).await, 200).await }
    };
    let teacher = day("teacher").await;
    let items = teacher["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "the teacher of G1 sees P1, not P3: {items:?}"
    );
    assert_eq!(
        items[0]["note"], "buikgriep",
        "the group's teacher reads the medical detail"
    );
    let director = day("director").await;
    let items = director["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let sick = items
        .iter()
        .find(|a| a["pupil"]["id"] == world.id("P1"))
        .unwrap();
    assert!(
        sick["note"].is_null() && sick["note_withheld"] == true,
        "the director does not: {sick}"
    );
    let care = day("care_staff").await;
    let sick = care["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["pupil"]["id"] == world.id("P1"))
        .unwrap()
        .clone();
    assert_eq!(sick["note"], "buikgriep");
    // Guardians and the lunch supervisor have no school's day.
    for (actor, status) in [("guardian", 404), ("lunch_supervisor", 403)] {
        let response = app
            .get_as(
                world.token(actor),
                &world.path("/api/v1/schools/{A1}/absences"),
            )
            .await;
        assert_eq!(response.status(), status, "{actor}");
    }
    // A pupil's absences: their guardian, never another family.
    let own = json_of(
        app.get_as(
            world.token("guardian"),
            &world.path("/api/v1/pupils/{P1}/absences"),
        )
        .await,
        200,
    )
    .await;
    // The report, the excursion, and the world's ABS1.
    assert_eq!(own["items"].as_array().unwrap().len(), 3);
    let other = app
        .get_as(
            world.token("other_guardian"),
            &world.path("/api/v1/pupils/{P1}/absences"),
        )
        .await;
    assert_eq!(other.status(), 404);
}

#[tokio::test]
async fn the_cut_off_is_a_school_setting_its_admins_change() {
    let (app, world) = world().await;
    let path = world.path("/api/v1/schools/{A1}/absence-settings");
    let read = json_of(app.get_as(world.token("guardian"), &path).await, 200).await;
    assert_eq!(
        read,
        json!({"report_cutoff": "08:00", "leave_notice_weeks": 8, "notify_unreported": false})
    );
    let put = |actor: &'static str, body: Value| {
        app.request(Method::PUT, &path)
            .bearer_auth(world.token(actor))
            .json(&body)
            .send()
    };
    let half_past =
        json!({"report_cutoff": "08:30", "leave_notice_weeks": 6, "notify_unreported": false});
    assert_eq!(
        put("teacher", half_past.clone()).await.unwrap().status(),
        403
    );
    let bad = json!({"report_cutoff": "8:30", "leave_notice_weeks": 60, "notify_unreported": true});
    let problem = assert_problem(
        put("school_admin", bad).await.unwrap(),
        422,
        "validation-failed",
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["leave_notice_weeks", "report_cutoff"]);
    assert_eq!(
        json_of(put("school_admin", half_past.clone()).await.unwrap(), 200).await,
        half_past
    );
    // 08:15 in winter is on time now, 08:31 late.
    for (at, late) in [
        (utc(2027, 1, 12, 7, 15), false),
        (utc(2027, 1, 12, 7, 31), true),
    ] {
        app.clock.hold(Some(at));
        let body = json!({"reason": "sick", "first_day": "2027-01-12"});
        let (actor, pupil) = if late {
            ("other_guardian", "P2")
        } else {
            ("guardian", "P1")
        };
        let stored = json_of(report(&app, &world, actor, pupil, &body).await, 201).await;
        assert_eq!(stored["late"], late, "{at}");
    }
}

#[tokio::test]
async fn two_reports_of_the_same_day_at_once_make_one() {
    let (app, world) = world().await;
    app.clock.hold(Some(utc(2027, 1, 12, 6, 30)));
    let body = json!({"reason": "sick", "first_day": "2027-01-12", "last_day": "2027-01-13"});
    let (a, b) = tokio::join!(
        report(&app, &world, "guardian", "P1", &body),
        report(&app, &world, "guardian", "P1", &body)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM absences WHERE first_day = '2027-01-12'"),
        1
    );
}
