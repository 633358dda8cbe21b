//! Who may do what with consent (#14): every endpoint × the nine actors × the caller's own
//! objects (P1, M1, G1 at A1), another family's (P2, M2; G2, a group none of the guardians is in)
//! and another school's (P5, M5, B1's group). Every pupil has a medical note carrying a marker;
//! no answer may hold a marker of a note, family or school that is not the caller's to see. With
//! consent switched off at A1, every endpoint is 404 for everyone and nothing is written.

use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::purpose;
use crate::helpers::TestApp;
use crate::leave::send;
use crate::world::{ACTORS, World, marker};

struct Row {
    method: Method,
    /// `{S}` school, `{P}` pupil, `{M}` guardian, `{G}` group, `{PHOTO}`/`{SHARE}` purposes.
    path: &'static str,
    body: Option<fn() -> Value>,
    own: [u16; 9],
    other_family: [u16; 9],
    other_school: [u16; 9],
}

const NONE: [u16; 9] = [404; 9];

fn new_purpose() -> Value {
    json!({"title": "Foto's in het jaarboek", "subject": "pupil", "legal_basis": "consent"})
}
fn yes() -> Value {
    json!({"given": true})
}
fn note() -> Value {
    json!({"note": "{NOTE} met nieuwe medicatie"})
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let row = |method: Method, path, body, own, other_family, other_school| Row {
        method, path, body, own, other_family, other_school,
    };
    let body = |make: fn() -> Value| Some(make);
    //          operator board school_admin director teacher care lunch guardian other_guardian
    let keepers = |ok| [404, 403, ok, ok, ok, ok, 403, 403, 403];
    vec![
        row(Method::GET, "/api/v1/schools/{S}/consent-purposes", None,
            [404, 200, 200, 200, 200, 200, 200, 200, 200], [404, 200, 200, 200, 200, 200, 200, 200, 200], NONE),
        row(Method::POST, "/api/v1/schools/{S}/consent-purposes", body(new_purpose),
            [404, 403, 201, 403, 403, 403, 403, 403, 403], [404, 403, 201, 403, 403, 403, 403, 403, 403], NONE),
        row(Method::GET, "/api/v1/schools/{S}/consent-purposes/{PHOTO}/pupils?group_id={G}", None,
            keepers(200), [404, 403, 200, 200, 403, 200, 403, 403, 403], NONE),
        row(Method::GET, "/api/v1/pupils/{P}/consents", None,
            [404, 403, 200, 200, 200, 200, 403, 200, 404], [404, 403, 200, 200, 200, 200, 403, 404, 200], NONE),
        row(Method::GET, "/api/v1/pupils/{P}/consent-history", None,
            [404, 403, 200, 200, 200, 200, 403, 200, 404], [404, 403, 200, 200, 200, 200, 403, 404, 200], NONE),
        row(Method::PUT, "/api/v1/pupils/{P}/consents/{PHOTO}", body(yes),
            [404, 403, 403, 403, 403, 403, 403, 200, 404], [404, 403, 403, 403, 403, 403, 403, 404, 200], NONE),
        row(Method::GET, "/api/v1/guardians/{M}/consents", None,
            [404, 403, 200, 200, 403, 200, 404, 200, 404], [404, 403, 200, 200, 403, 200, 404, 404, 200], NONE),
        row(Method::GET, "/api/v1/guardians/{M}/consent-history", None,
            [404, 403, 200, 200, 403, 200, 404, 200, 404], [404, 403, 200, 200, 403, 200, 404, 404, 200], NONE),
        row(Method::PUT, "/api/v1/guardians/{M}/consents/{SHARE}", body(yes),
            [404, 403, 403, 403, 403, 403, 404, 200, 404], [404, 403, 403, 403, 403, 403, 404, 404, 200], NONE),
        row(Method::GET, "/api/v1/pupils/{P}/medical-note", None,
            [404, 403, 403, 403, 200, 200, 404, 200, 404], [404, 403, 403, 403, 200, 200, 404, 404, 200], NONE),
        row(Method::PUT, "/api/v1/pupils/{P}/medical-note", body(note),
            [404, 403, 403, 403, 403, 403, 403, 200, 404], [404, 403, 403, 403, 403, 403, 403, 404, 200], NONE),
        row(Method::DELETE, "/api/v1/pupils/{P}/medical-note", None,
            [404, 403, 403, 403, 403, 403, 403, 204, 404], [404, 403, 403, 403, 403, 403, 403, 404, 204], NONE),
        row(Method::GET, "/api/v1/groups/{G}/medical-notes", None,
            [404, 403, 403, 403, 200, 200, 200, 200, 200], [404, 403, 403, 403, 403, 200, 200, 403, 403], NONE),
        row(Method::GET, "/api/v1/groups/{G}/contacts", None,
            [404, 403, 200, 200, 200, 200, 403, 200, 200], [404, 403, 200, 200, 403, 200, 403, 403, 403], NONE),
    ]
}

/// The markers the actor must never meet: B1's always; the medical notes of children they are
/// not the teacher, care staff or parent of (no consent is given here); the other family's.
fn forbidden(actor: &str) -> Vec<String> {
    let mut names = vec!["MED5", "P5", "M5"];
    match actor {
        "teacher" | "care_staff" => {}
        "guardian" => names.extend(["MED2", "M2", "P2"]),
        "other_guardian" => names.extend(["MED1", "M1", "P1"]),
        _ => names.extend(["MED1", "MED2"]),
    }
    names.into_iter().map(marker).collect()
}

/// Every pupil of a column has a note with its marker and nobody has consented (again before
/// every call: rows delete notes and give consent).
fn seed(app: &TestApp, world: &World) {
    app.execute_sql("DELETE FROM consents");
    let mut conn = app.db.get().unwrap();
    for (pupil, guardian, med) in [
        ("P1", "M1", "MED1"),
        ("P2", "M2", "MED2"),
        ("P5", "M5", "MED5"),
    ] {
        let text = format!("{} pindaallergie", marker(med));
        let now = chrono::Utc::now();
        persistence::consent::set_medical_note(
            &mut conn,
            world.id(pupil),
            &text,
            world.id(guardian),
            now,
        )
        .unwrap();
    }
}

/// What the consent module holds.
fn snapshot(app: &TestApp) -> [i64; 4] {
    [
        "SELECT COUNT(*) AS n FROM consent_purposes",
        "SELECT COUNT(*) AS n FROM consents",
        "SELECT COUNT(*) AS n FROM consent_events",
        "SELECT COUNT(*) AS n FROM medical_notes WHERE note LIKE '%nieuwe%'",
    ]
    .map(|sql| app.scalar(sql))
}

async fn run(app: &TestApp, world: &World, rows: &[Row], frozen: bool) -> Vec<String> {
    let gb1 = app.group_id("GB1");
    let mut failures = Vec::new();
    for row in rows {
        let columns = [
            (
                ("A1", "P1", "M1", world.id("G1").to_owned(), "MED1"),
                &row.own,
            ),
            (
                ("A1", "P2", "M2", world.id("G2").to_owned(), "MED2"),
                &row.other_family,
            ),
            (("B1", "P5", "M5", gb1.clone(), "MED5"), &row.other_school),
        ];
        for ((school, pupil, guardian, group, med), expected) in columns {
            let (photo, share) = (
                purpose(app, world, school, "photos_website"),
                purpose(app, world, school, "contact_details_group"),
            );
            let fill = |template: &str| {
                template
                    .replace("{S}", world.id(school))
                    .replace("{P}", world.id(pupil))
                    .replace("{M}", world.id(guardian))
                    .replace("{G}", &group)
                    .replace("{PHOTO}", &photo)
                    .replace("{SHARE}", &share)
                    .replace("{NOTE}", &marker(med))
            };
            for (actor, want) in ACTORS.iter().zip(expected.iter()) {
                seed(app, world);
                let path = fill(row.path);
                let body = row
                    .body
                    .map(|make| serde_json::from_str::<Value>(&fill(&make().to_string())).unwrap());
                let before = snapshot(app);
                let answer = send(
                    app,
                    world.token(actor),
                    row.method.clone(),
                    &path,
                    body.as_ref(),
                )
                .await;
                let status = answer.status().as_u16();
                let text = answer.text().await.unwrap();
                let what = format!("{} {} as {actor} on {pupil}", row.method, row.path);
                if status != *want {
                    failures.push(format!("{what}: {status}, want {want}: {text}"));
                }
                for leak in forbidden(actor) {
                    if text.contains(&leak) {
                        failures.push(format!("{what}: leaks {leak}"));
                    }
                }
                if frozen && snapshot(app) != before {
                    failures.push(format!("{what}: wrote {before:?} -> {:?}", snapshot(app)));
                }
            }
        }
    }
    failures
}

async fn spawn() -> (TestApp, World) {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    (app, world)
}

#[tokio::test]
async fn every_consent_endpoint_answers_each_actor_as_the_policy_says() {
    let (app, world) = spawn().await;
    let failures = run(&app, &world, &rows(), false).await;
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn with_consent_switched_off_its_endpoints_do_not_exist_and_nothing_is_written() {
    let (app, world) = spawn().await;
    crate::authorization::switch(&app, &world, "consent", &[]).await;
    let off: Vec<Row> = rows()
        .into_iter()
        .map(|r| Row {
            own: NONE,
            other_family: NONE,
            other_school: NONE,
            ..r
        })
        .collect();
    let failures = run(&app, &world, &off, true).await;
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
