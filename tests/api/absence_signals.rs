//! The signals of absence (#11 items 3 and 6): the DUO signal of 16 hours of unauthorized absence
//! within 4 school weeks on a constructed calendar, luxury absence next to a holiday, marking a
//! signal reported, and the school's "absent without report" notice to guardians.

use chrono::{Datelike, Days, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::absence::{json_of, report, utc};
use crate::news::world;
use crate::world::this_school_year;

/// The Monday of the week `weeks` weeks after today's, inside this school year (else before).
fn monday(weeks: i64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let this_monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let year = this_school_year();
    let ahead = this_monday + chrono::Duration::weeks(weeks);
    if ahead + chrono::Duration::weeks(5) <= year.ends_on() {
        ahead
    } else {
        this_monday - chrono::Duration::weeks(6 - weeks)
    }
}

#[tokio::test]
async fn sixteen_hours_of_unauthorized_absence_within_four_school_weeks_raise_the_duo_signal() {
    let (app, world) = world().await;
    // A calendar of 5 hours a day, Monday to Friday, no days off but the week after `start`.
    let start = monday(1);
    let holiday = start + Days::new(7);
    let calendar = json!({
        "version": 0,
        "lesson_minutes": [300, 300, 300, 300, 300, 0, 0],
        "days_off": [{"kind": "holiday", "name": "Vakantie", "first_day": holiday.to_string(), "last_day": (holiday + Days::new(6)).to_string()}],
    });
    let year = this_school_year().name();
    let response = app
        .request(
            Method::PUT,
            &world.path(&format!("/api/v1/schools/{{A1}}/calendar/{year}")),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&calendar)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let path = world.path("/api/v1/schools/{A1}/absences");
    let register = |first: NaiveDate, last: NaiveDate, minutes: Option<u32>| {
        let mut body = json!({"pupil_ids": [world.id("P1")], "kind": "unauthorized", "first_day": first.to_string(), "last_day": last.to_string()});
        if let Some(m) = minutes {
            body["minutes"] = json!(m);
        }
        let app = &app;
        let path = path.clone();
        let token = world.token("director").to_owned();
        async move { json_of(app.post_json_as(&token, &path, &body).await, 201).await }
    };
    // The open signals of a kind.
    let signals = |kind: &'static str| {
        let app = &app;
        let path = world.path("/api/v1/schools/{A1}/absence-signals");
        let token = world.token("director").to_owned();
        async move {
            let page = json_of(app.get_as(&token, &path).await, 200).await;
            let items = page["items"].as_array().unwrap().clone();
            items
                .into_iter()
                .filter(|i| i["kind"] == kind)
                .collect::<Vec<Value>>()
        }
    };
    // Three days (900 minutes) in the first week, and 59 minutes after the holiday week: 959,
    // within four school weeks (the holiday week is no school week).
    register(start, start + Days::new(2), None).await;
    register(holiday + Days::new(7), holiday + Days::new(7), Some(59)).await;
    assert!(
        signals("duo16_hours").await.is_empty(),
        "959 minutes raise nothing"
    );
    // Absent the school day right after the holiday week: the school may ask (luxury absence).
    let luxury = signals("luxury_absence").await;
    assert_eq!(luxury.len(), 1, "{luxury:?}");
    assert_eq!(luxury[0]["first_day"], (holiday + Days::new(7)).to_string());
    // One minute more reaches 16 hours.
    register(holiday + Days::new(8), holiday + Days::new(8), Some(1)).await;
    let items = signals("duo16_hours").await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "duo16_hours");
    assert_eq!(items[0]["minutes"], 960);
    assert_eq!(items[0]["pupil"]["id"], world.id("P1"));
    assert_eq!(items[0]["first_day"], start.to_string());
    // Only the director and the admins handle signals.
    let teacher = app
        .get_as(
            world.token("teacher"),
            &world.path("/api/v1/schools/{A1}/absence-signals"),
        )
        .await;
    assert_eq!(teacher.status(), 403);
    // Marked reported once; counting starts again after it.
    let id = items[0]["id"].as_str().unwrap();
    let mark = || {
        app.request(
            Method::POST,
            &format!("/api/v1/absence-signals/{id}/reported"),
        )
        .bearer_auth(world.token("school_admin"))
        .send()
    };
    let (a, b) = tokio::join!(mark(), mark());
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert!(signals("duo16_hours").await.is_empty());
    register(holiday + Days::new(9), holiday + Days::new(9), Some(300)).await;
    assert!(
        signals("duo16_hours").await.is_empty(),
        "the reported hours do not count again"
    );
}

#[tokio::test]
async fn with_the_schools_switch_guardians_hear_of_absence_they_did_not_report() {
    let (app, world) = world().await;
    app.clock.hold(Some(utc(2027, 1, 12, 8, 30)));
    let registration = |pupil: &str| json!({"pupil_ids": [world.id(pupil)], "kind": "unauthorized", "first_day": "2027-01-12"});
    let path = world.path("/api/v1/schools/{A1}/absences");
    let notices = || {
        app.scalar(
            "SELECT COUNT(*) AS n FROM notification_events WHERE kind = 'absence.unreported'",
        )
    };
    // Off by default: nothing is sent.
    json_of(
        app.post_json_as(world.token("teacher"), &path, &registration("P2"))
            .await,
        201,
    )
    .await;
    assert_eq!(notices(), 0);
    let on = json!({"report_cutoff": "08:00", "leave_notice_weeks": 8, "notify_unreported": true});
    let response = app
        .request(
            Method::PUT,
            &world.path("/api/v1/schools/{A1}/absence-settings"),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&on)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // P1's guardian reported today; P2's did not.
    let sick = json!({"reason": "sick", "first_day": "2027-01-12"});
    json_of(report(&app, &world, "guardian", "P1", &sick).await, 201).await;
    json_of(
        app.post_json_as(world.token("teacher"), &path, &registration("P1"))
            .await,
        201,
    )
    .await;
    assert_eq!(notices(), 0, "a reported absence needs no notice");
    json_of(
        app.post_json_as(world.token("teacher"), &path, &registration("P2"))
            .await,
        201,
    )
    .await;
    assert_eq!(notices(), 1);
    // It reaches P2's guardian, urgent, and nobody else.
    app.notify_at(utc(2027, 1, 12, 8, 31));
    let inbox = json_of(
        app.get_as(world.token("other_guardian"), "/api/v1/me/notifications")
            .await,
        200,
    )
    .await;
    let items = inbox["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["type"] == "absence.unreported"),
        "{inbox}"
    );
    let own = json_of(
        app.get_as(world.token("guardian"), "/api/v1/me/notifications")
            .await,
        200,
    )
    .await;
    assert!(
        !own["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["type"] == "absence.unreported")
    );
}
