//! Who may do what with leave requests: every endpoint × the nine actors × an object of the
//! caller's reach (R1, of P1 at A1), of another family (R2, of P2 at A1) and of another school
//! (R5, of P5 at B1). Fresh objects are seeded for every call, so a decision of one actor does not
//! change what the next one meets; no answer may name another object.

use domain::leave::{Decider, LeaveKind, LeaveState};
use persistence::leave::{self as leave, NewLeave};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::leave::{school_week, send};
use crate::world::{ACTORS, World};

/// Seeds a request of `pupil` at `school` in `state`; returns its id.
fn seed(app: &TestApp, world: &World, pupil: &str, school: &str, state: LeaveState) -> String {
    let (first, last) = school_week(10, 0);
    let decider = if state == LeaveState::Forwarded {
        Decider::AttendanceOfficer
    } else {
        Decider::Director
    };
    let mut conn = app.db.get().unwrap();
    let new = NewLeave {
        school_id: world.id(school),
        pupil_id: world.id(pupil),
        requested_by: None,
        kind: LeaveKind::ImportantCircumstances,
        first_day: first,
        last_day: last,
        submitted_on: first - chrono::Duration::weeks(10),
        reason: Some("Huwelijk"),
        employer_statement: None,
        minutes_per_week: None,
        school_days: 5,
        decider,
        warnings: &[],
        state,
    };
    leave::insert(&mut conn, &new, persistence::ids::now())
        .unwrap()
        .id
}

struct Row {
    method: Method,
    /// `{R}` is the request, `{P}` its pupil, `{S}` its school.
    path: &'static str,
    body: Option<Value>,
    /// The state the request is seeded in.
    state: LeaveState,
    /// Expected per actor (in `ACTORS` order) for R1, R2 and R5.
    own: [u16; 9],
    other_family: [u16; 9],
    other_school: [u16; 9],
}

const NONE: [u16; 9] = [404; 9];

fn rows() -> Vec<Row> {
    let pending = LeaveState::Pending;
    let religious = json!({"kind": "religious", "first_day": school_week(1, 0).0, "last_day": school_week(1, 0).0});
    //            operator board school_admin director teacher care lunch guardian other_guardian
    vec![
        Row {
            method: Method::GET,
            path: "/api/v1/pupils/{P}/leave-requests",
            body: None,
            state: pending,
            own: [404, 404, 200, 200, 200, 200, 404, 200, 404],
            other_family: [404, 404, 200, 200, 200, 200, 404, 404, 200],
            other_school: NONE,
        },
        Row {
            method: Method::POST,
            path: "/api/v1/pupils/{P}/leave-requests",
            body: Some(religious),
            state: pending,
            own: [404, 403, 403, 403, 403, 403, 403, 201, 404],
            other_family: [404, 403, 403, 403, 403, 403, 403, 404, 201],
            other_school: NONE,
        },
        Row {
            method: Method::GET,
            path: "/api/v1/schools/{S}/leave-requests",
            body: None,
            state: pending,
            own: [404, 403, 200, 200, 403, 403, 403, 404, 404],
            other_family: [404, 403, 200, 200, 403, 403, 403, 404, 404],
            other_school: NONE,
        },
        Row {
            method: Method::GET,
            path: "/api/v1/leave-requests/{R}",
            body: None,
            state: pending,
            own: [404, 404, 200, 200, 200, 200, 404, 200, 404],
            other_family: [404, 404, 200, 200, 200, 200, 404, 404, 200],
            other_school: NONE,
        },
        Row {
            method: Method::POST,
            path: "/api/v1/leave-requests/{R}/decision",
            body: Some(json!({"outcome": "approved"})),
            state: pending,
            own: [404, 404, 403, 200, 403, 403, 404, 403, 404],
            other_family: [404, 404, 403, 200, 403, 403, 404, 404, 403],
            other_school: NONE,
        },
        Row {
            method: Method::POST,
            path: "/api/v1/leave-requests/{R}/officer-decision",
            body: Some(json!({"granted": true})),
            state: LeaveState::Forwarded,
            own: [404, 404, 200, 200, 403, 403, 404, 403, 404],
            other_family: [404, 404, 200, 200, 403, 403, 404, 404, 403],
            other_school: NONE,
        },
        Row {
            method: Method::POST,
            path: "/api/v1/leave-requests/{R}/withdrawal",
            body: None,
            state: pending,
            own: [404, 404, 403, 403, 403, 403, 404, 200, 404],
            other_family: [404, 404, 403, 403, 403, 403, 404, 404, 200],
            other_school: NONE,
        },
        Row {
            method: Method::GET,
            path: "/api/v1/leave-requests/{R}/record",
            body: None,
            state: pending,
            own: [404, 404, 200, 200, 403, 403, 404, 403, 404],
            other_family: [404, 404, 200, 200, 403, 403, 404, 404, 403],
            other_school: NONE,
        },
    ]
}

#[tokio::test]
async fn every_leave_endpoint_answers_each_actor_as_the_policy_says() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    let mut failures = Vec::new();
    for row in rows() {
        let objects = [
            ("P1", "A1", &row.own),
            ("P2", "A1", &row.other_family),
            ("P5", "B1", &row.other_school),
        ];
        for (pupil, school, expected) in objects {
            for (actor, want) in ACTORS.iter().zip(expected.iter()) {
                let id = seed(&app, &world, pupil, school, row.state);
                // Another family's request at the same school, which must not leak.
                let other = seed(
                    &app,
                    &world,
                    if pupil == "P1" { "P3" } else { "P1" },
                    "A1",
                    LeaveState::Pending,
                );
                let path = row
                    .path
                    .replace("{R}", &id)
                    .replace("{P}", world.id(pupil))
                    .replace("{S}", world.id(school));
                let response = send(
                    &app,
                    world.token(actor),
                    row.method.clone(),
                    &path,
                    row.body.as_ref(),
                )
                .await;
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                if status != *want {
                    failures.push(format!(
                        "{} {} as {actor} on {pupil}: {status}, want {want}",
                        row.method, row.path
                    ));
                }
                if text.contains(&other) && !row.path.starts_with("/api/v1/schools/") {
                    failures.push(format!(
                        "{} {} as {actor} on {pupil}: leaks {other}",
                        row.method, row.path
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
