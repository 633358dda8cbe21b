//! What a form's author does with it (issue #13): reminds those who have not responded (always
//! e-mailed, seed 003, at most once per 24 hours), exports the results as CSV a spreadsheet opens
//! safely, and runs a ranked form's allocation after the close.

use reqwest::Method;
use serde_json::{Value, json};

use crate::forms::{CLOSED, OPEN, answer, at, create_form, form_input, ids, json_of, respond, utc};
use crate::helpers::{TestApp, assert_problem};
use crate::leave::send;
use crate::notifications::set_email;
use crate::smtp::SmtpSink;
use crate::world::World;

fn remind_path(form: &Value) -> String {
    format!("/api/v1/forms/{}/reminders", form["id"].as_str().unwrap())
}

#[tokio::test]
async fn the_reminder_is_emailed_to_a_guardian_with_notifications_off_once_a_day() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(&[
        ("OUDERPORTAAL_SMTP_URL", &sink.url()),
        ("OUDERPORTAAL_OUTBOX_POLL_MS", "50"),
    ])
    .await;
    let world = World::build(&app).await;
    set_email(&app, world.token("other_guardian"), "off").await;
    let form = create_form(&app, &world, "school_admin", &form_input()).await;
    // Not open yet: nothing to remind of.
    assert_problem(
        send(
            &app,
            world.token("school_admin"),
            Method::POST,
            &remind_path(&form),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;
    at(&app, OPEN);
    let body = answer(&form, json!([{"option_id": ids(&form, "options")[0]}]));
    json_of(
        respond(&app, world.token("guardian"), &form, &body).await,
        201,
    )
    .await;
    // Only those who manage the form remind.
    for actor in ["teacher", "guardian", "director"] {
        assert_problem(
            send(
                &app,
                world.token(actor),
                Method::POST,
                &remind_path(&form),
                None,
            )
            .await,
            404,
            "not-found",
        )
        .await;
    }
    let sent = json_of(
        send(
            &app,
            world.token("school_admin"),
            Method::POST,
            &remind_path(&form),
            None,
        )
        .await,
        202,
    )
    .await;
    // M2 (P2's household) has an account; P1's household responded; P3's guardian has none.
    assert_eq!(sent["reached"], 1);
    assert_problem(
        send(
            &app,
            world.token("school_admin"),
            Method::POST,
            &remind_path(&form),
            None,
        )
        .await,
        409,
        "conflict",
    )
    .await;
    app.notify_at(utc(2, 10));
    let mail = sink
        .wait_for_text("kinderboerderij")
        .await
        .expect("a reminder mail");
    assert_eq!(mail.to, vec!["m2@world.example".to_owned()]);
    assert!(
        sink.messages()
            .iter()
            .all(|m| m.to != vec!["m1@world.example".to_owned()])
    );
    // A day later the author may remind again.
    at(&app, (3, 9));
    assert_eq!(
        send(
            &app,
            world.token("school_admin"),
            Method::POST,
            &remind_path(&form),
            None
        )
        .await
        .status(),
        202
    );
}

#[tokio::test]
async fn the_csv_opens_in_a_spreadsheet_with_formulas_shown_not_run() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let form = create_form(&app, &world, "school_admin", &form_input()).await;
    at(&app, OPEN);
    let (options, questions) = (ids(&form, "options"), ids(&form, "questions"));
    let body = json!({
        "answers": {questions[0].clone(): 2, questions[1].clone(): "=HYPERLINK(\"http://evil\")"},
        "choices": [{"option_id": options[0]}],
    });
    json_of(
        respond(&app, world.token("guardian"), &form, &body).await,
        201,
    )
    .await;
    let response = app
        .request(
            Method::GET,
            &format!("/api/v1/forms/{}/results", form["id"].as_str().unwrap()),
        )
        .bearer_auth(world.token("school_admin"))
        .header("Accept", "text/csv")
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
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheets"
    );
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "optie,status,wachtlijstplek,voorkeur,kind,ouders/verzorgers,gereageerd op,Zitplaatsen,Opmerking"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{text}"
    );
    assert!(!text.contains(",=HYPERLINK"), "{text}");
    assert!(text.contains("Ik rijd,ingeschreven"), "{text}");
    assert!(text.contains("geen reactie"), "{text}");
}

#[tokio::test]
async fn a_ranked_form_is_allocated_by_preference_once_after_the_close() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let input = json!({
        "title": "Workshops",
        "audience": {"kind": "groups", "group_ids": [world.id("G1")]},
        "opens_at": "2026-12-01T10:00:00Z",
        "closes_at": "2026-12-10T16:00:00Z",
        "options": [
            {"label": "Koken", "capacity": 1},
            {"label": "Dansen", "capacity": 1}
        ],
        "max_per_child": 1,
        "allocation": "preference",
    });
    let form = create_form(&app, &world, "teacher", &input).await;
    at(&app, OPEN);
    let options = ids(&form, "options");
    let ranked = |pupil: &str, first: usize| {
        json!({"choices": [
            {"option_id": options[first], "pupil_id": pupil, "preference": 1},
            {"option_id": options[1 - first], "pupil_id": pupil, "preference": 2},
        ]})
    };
    // Both want cooking first; M1 arrives first.
    let m1 = json_of(
        respond(
            &app,
            world.token("guardian"),
            &form,
            &ranked(world.id("P1"), 0),
        )
        .await,
        201,
    )
    .await;
    let m2 = json_of(
        respond(
            &app,
            world.token("other_guardian"),
            &form,
            &ranked(world.id("P2"), 0),
        )
        .await,
        201,
    )
    .await;
    assert!(
        m1["signups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "pending")
    );
    let path = format!("/api/v1/forms/{}/allocation", form["id"].as_str().unwrap());
    let teacher = world.token("teacher");
    assert_problem(
        send(&app, teacher, Method::POST, &path, None).await,
        409,
        "conflict",
    )
    .await;
    at(&app, CLOSED);
    let done = json_of(send(&app, teacher, Method::POST, &path, None).await, 200).await;
    assert_eq!(done, json!({"placed": 2, "waiting": 0, "unplaced": 2}));
    assert_problem(
        send(&app, teacher, Method::POST, &path, None).await,
        409,
        "conflict",
    )
    .await;
    let state = |response: &Value, option: &str| {
        let app = &app;
        let path = format!(
            "/api/v1/form-responses/{}",
            response["id"].as_str().unwrap()
        );
        let option = option.to_owned();
        async move {
            let body = json_of(app.get_as(teacher, &path).await, 200).await;
            body["signups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["option_id"] == option.as_str())
                .unwrap()["state"]
                .clone()
        }
    };
    assert_eq!(state(&m1, &options[0]).await, "placed");
    assert_eq!(state(&m2, &options[1]).await, "placed");
    assert_eq!(state(&m2, &options[0]).await, "unplaced");
    app.notify_at(utc(11, 10));
    let inbox = crate::notifications::inbox(&app, world.token("other_guardian"), "").await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["type"] == "forms.allocated")
    );
}

#[tokio::test]
async fn guardians_are_told_once_when_a_form_opens_and_only_those_it_is_for() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut input = form_input();
    input["audience"] = json!({"kind": "groups", "group_ids": [world.id("G1")]});
    create_form(&app, &world, "school_admin", &input).await;
    // A form for G2 (P3's group) is not for them.
    input["audience"] = json!({"kind": "groups", "group_ids": [world.id("G2")]});
    create_form(&app, &world, "school_admin", &input).await;
    let opened = |token: &'static str| {
        let app = &app;
        let token = world.token(token).to_owned();
        async move {
            let inbox = crate::notifications::inbox(app, &token, "").await;
            inbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["type"] == "forms.opened")
                .count()
        }
    };
    // Made at 09:00, opening at 10:00: nobody is told before.
    app.notify_at(utc(1, 9));
    assert_eq!(opened("guardian").await, 0);
    app.notify_at(utc(1, 10));
    app.notify_at(utc(1, 11));
    assert_eq!(opened("guardian").await, 1);
    assert_eq!(opened("other_guardian").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM notification_events WHERE kind = 'forms.opened'"),
        2
    );
}
