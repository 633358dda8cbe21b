//! Who may do what with sign-up forms (#13): every endpoint × the nine actors × objects of the
//! caller's reach (a form at A1 for G1 by the school admin and the response of P1's household
//! H1), of another family (the response of P2's household H2 to that form) and of another school
//! (a form at B1 and the response of P5's household). Fresh objects are seeded for every call, so
//! one actor's change does not alter what the next meets. Titles and answers carry markers, and
//! no answer may hold a marker of a family or school that is not the caller's to see. And with
//! forms switched off at A1, every endpoint is 404 for everyone and nothing is written.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::forms::{Allocation, CreateForm, NewOption, Per, Question, QuestionKind, SignupState};
use domain::news::Audience;
use persistence::forms::{self, NewSignup};
use persistence::ids::{new_id, uuid};
use persistence::schema::accounts;
use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::utc;
use crate::helpers::TestApp;
use crate::leave::send;
use crate::world::{ACTORS, World, marker};

/// The moment of every request: the seeded forms are open (unless closed on purpose).
fn open() -> DateTime<Utc> {
    utc(2026, 12, 8, 9)
}

/// Which form a row needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Places at once, open, with the responses of H1 and H2 (A1) and H5 (B1).
    Open,
    /// As `Open`, but nobody at A1 has responded yet.
    Fresh,
    /// Allocated after the close (first come), still open; the sign-ups pending.
    Ranked,
    /// As `Ranked`, closed: ready for its allocation run.
    RankedClosed,
}

/// What one seeding made: the target form, its option, and the three responses.
struct Seeded {
    form: String,
    option: String,
    /// By household marker (`H1`, `H2`, `H5`).
    responses: Vec<(&'static str, String)>,
}

fn account(app: &TestApp, email: &str) -> String {
    let mut conn = app.db.get().unwrap();
    accounts::table
        .filter(accounts::email.eq(email))
        .select(accounts::id)
        .first(&mut *conn)
        .unwrap()
}

/// A form at the school (`F1` at A1 for G1 by the school admin; `F5` at B1 for its school by its
/// admin) with one per-household option and one text question, and the responses of these
/// households (guardian, household), each answering its household's marker and signed up.
fn seed_form(app: &TestApp, world: &World, at: &str, kind: Kind) -> Seeded {
    let (name, audience, author, families): (_, _, _, &[(&str, &'static str)]) = if at == "A1" {
        let families: &[(&str, &'static str)] = if kind == Kind::Fresh {
            &[]
        } else {
            &[("M1", "H1"), ("M2", "H2")]
        };
        let audience = Audience::Groups(vec![uuid(world.id("G1"))]);
        (
            "F1",
            audience,
            account(app, "school_admin@world.example"),
            families,
        )
    } else {
        let audience = Audience::Groups(vec![uuid(&app.group_id("GB1"))]);
        let author = account(app, "b1_admin@world.example");
        ("F5", audience, author, &[("M5", "H5")])
    };
    let ranked = matches!(kind, Kind::Ranked | Kind::RankedClosed);
    let (opens_at, closes_at) = if kind == Kind::RankedClosed {
        (utc(2026, 11, 20, 8), utc(2026, 12, 5, 16))
    } else {
        (utc(2026, 12, 1, 8), utc(2026, 12, 20, 16))
    };
    let question = uuid(&new_id());
    let command = CreateForm {
        title: format!("Formulier {}", marker(name)),
        description: None,
        audience,
        year_groups: Vec::new(),
        opens_at,
        closes_at,
        options: vec![NewOption {
            label: "Ik rijd mee".to_owned(),
            per: Per::Household,
            capacity: Some(10),
        }],
        questions: vec![Question {
            id: question,
            label: "Opmerking".to_owned(),
            required: false,
            kind: QuestionKind::Text { max_length: 200 },
        }],
        waiting_list: true,
        max_per_child: None,
        allocation: if ranked {
            Allocation::FirstCome
        } else {
            Allocation::Immediate
        },
    };
    let mut conn = app.db.get().unwrap();
    let school = world.id(at).to_owned();
    let form = forms::insert(&mut conn, &school, &command, &author, utc(2026, 11, 1, 9)).unwrap();
    let option = forms::options_of(&mut conn, &form).unwrap().remove(0).id;
    let mut responses = Vec::new();
    for (guardian, household) in families {
        let answers = json!({ question.to_string(): marker(household) }).to_string();
        let guardian = world.id(guardian);
        let response =
            forms::insert_response(&mut conn, &form, household, guardian, &answers, opens_at)
                .unwrap()
                .unwrap();
        forms::lock_options(&mut conn, &form, std::slice::from_ref(&option)).unwrap();
        let signup = NewSignup {
            form_id: &form,
            option_id: &option,
            response_id: &response.id,
            pupil_id: None,
            household,
            state: if ranked {
                SignupState::Pending
            } else {
                SignupState::Placed
            },
            preference: None,
        };
        forms::add(&mut conn, &signup, opens_at).unwrap().unwrap();
        responses.push((*household, response.id));
    }
    Seeded {
        form,
        option,
        responses,
    }
}

struct Row {
    method: Method,
    /// `{S}` the school, `{F}` the form, `{R}` the column's response.
    path: &'static str,
    /// `{G}` a group of the school, `{O}` the form's option.
    body: Option<fn() -> Value>,
    kind: Kind,
    /// Expected per actor (in `ACTORS` order) for the own object (A1's form, H1's response),
    /// another family's (H2's response) and another school's (B1's form, H5's response).
    own: [u16; 9],
    other_family: [u16; 9],
    other_school: [u16; 9],
}

const NONE: [u16; 9] = [404; 9];

fn new_form() -> Value {
    json!({
        "title": "Nieuw", "audience": {"kind": "groups", "group_ids": ["{G}"]},
        "opens_at": "2026-12-09T08:00:00Z", "closes_at": "2026-12-18T16:00:00Z",
        "options": [{"label": "Mee", "per": "household"}]
    })
}
fn response() -> Value {
    json!({"choices": [{"option_id": "{O}"}]})
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use Kind::*;
    let row = |method: Method, path, body, kind, own, other_family, other_school| Row {
        method, path, body, kind, own, other_family, other_school,
    };
    let body = |make: fn() -> Value| Some(make);
    //                                operator board school_admin director teacher care lunch guardian other_guardian
    let manager_only = |ok| [404, 404, ok, 404, 404, 404, 404, 404, 404];
    let guardians = |ok| [404, 404, 404, 404, 404, 404, 404, ok, ok];
    vec![
        row(Method::POST, "/api/v1/schools/{S}/forms", body(new_form), Open,
            [404, 403, 201, 403, 201, 403, 403, 404, 404], [404, 403, 201, 403, 201, 403, 403, 404, 404], NONE),
        row(Method::GET, "/api/v1/schools/{S}/forms", None, Open,
            [404, 403, 200, 403, 200, 403, 403, 404, 404], [404, 403, 200, 403, 200, 403, 403, 404, 404], NONE),
        row(Method::GET, "/api/v1/me/forms", None, Open, [200; 9], [200; 9], [200; 9]),
        row(Method::GET, "/api/v1/forms/{F}", None, Open,
            [404, 404, 200, 404, 404, 404, 404, 200, 200], [404, 404, 200, 404, 404, 404, 404, 200, 200], NONE),
        row(Method::POST, "/api/v1/forms/{F}/responses", body(response), Fresh,
            guardians(201), guardians(201), NONE),
        row(Method::POST, "/api/v1/forms/{F}/responses", body(response), Open,
            guardians(409), guardians(409), NONE),
        row(Method::GET, "/api/v1/forms/{F}/response", None, Open, guardians(200), guardians(200), NONE),
        row(Method::GET, "/api/v1/form-responses/{R}", None, Open,
            [404, 404, 200, 404, 404, 404, 404, 200, 404], [404, 404, 200, 404, 404, 404, 404, 404, 200], NONE),
        row(Method::PUT, "/api/v1/form-responses/{R}", body(response), Open,
            [404, 404, 403, 404, 404, 404, 404, 200, 404], [404, 404, 403, 404, 404, 404, 404, 404, 200], NONE),
        row(Method::DELETE, "/api/v1/form-responses/{R}", None, Open,
            [404, 404, 403, 404, 404, 404, 404, 204, 404], [404, 404, 403, 404, 404, 404, 404, 404, 204], NONE),
        row(Method::POST, "/api/v1/forms/{F}/reminders", None, Open, manager_only(202), manager_only(202), NONE),
        row(Method::POST, "/api/v1/forms/{F}/allocation", None, Open, manager_only(409), manager_only(409), NONE),
        row(Method::POST, "/api/v1/forms/{F}/allocation", None, Ranked, manager_only(409), manager_only(409), NONE),
        row(Method::POST, "/api/v1/forms/{F}/allocation", None, RankedClosed,
            manager_only(200), manager_only(200), NONE),
        row(Method::GET, "/api/v1/forms/{F}/results", None, Open, manager_only(200), manager_only(200), NONE),
    ]
}

/// The markers the actor must never meet: B1's always; the other family's for a guardian; every
/// family's and the form's own for those who neither manage it nor are in its audience.
fn forbidden(actor: &str) -> Vec<String> {
    let mut names = vec!["F5", "H5", "M5", "P5"];
    match actor {
        "school_admin" => {}
        "guardian" => names.extend(["H2", "M2", "P2"]),
        "other_guardian" => names.extend(["H1", "M1", "P1"]),
        _ => names.extend(["F1", "H1", "H2", "M1", "M2", "P1", "P2"]),
    }
    names.into_iter().map(marker).collect()
}

/// What the forms module holds: forms, responses, sign-ups, answers kept, reminders and runs.
fn snapshot(app: &TestApp) -> [i64; 6] {
    [
        "SELECT COUNT(*) AS n FROM forms",
        "SELECT COUNT(*) AS n FROM form_responses",
        "SELECT COUNT(*) AS n FROM form_signups",
        "SELECT COUNT(*) AS n FROM form_responses WHERE answers LIKE '%Marker%'",
        "SELECT COUNT(*) AS n FROM forms WHERE reminded_at IS NOT NULL",
        "SELECT COUNT(*) AS n FROM forms WHERE allocated_at IS NOT NULL",
    ]
    .map(|sql| app.scalar(sql))
}

/// Runs the rows; with `frozen`, also that no request writes anything.
async fn run(app: &TestApp, world: &World, rows: &[Row], frozen: bool) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows {
        let columns = [
            ("A1", "H1", &row.own),
            ("A1", "H2", &row.other_family),
            ("B1", "H5", &row.other_school),
        ];
        for (at, household, expected) in columns {
            for (actor, want) in ACTORS.iter().zip(expected.iter()) {
                // The A1 form with H1's and H2's responses, and B1's with H5's, every call.
                let a1 = seed_form(app, world, "A1", row.kind);
                let b1 = seed_form(app, world, "B1", row.kind);
                let target = if at == "A1" { &a1 } else { &b1 };
                let response = target
                    .responses
                    .iter()
                    .find(|(h, _)| *h == household)
                    .map_or("00000000-0000-7000-8000-000000000000", |(_, id)| {
                        id.as_str()
                    });
                let group = if at == "A1" {
                    world.id("G1").to_owned()
                } else {
                    app.group_id("GB1")
                };
                let fill = |template: &str| {
                    template
                        .replace("{S}", world.id(at))
                        .replace("{F}", &target.form)
                        .replace("{R}", response)
                        .replace("{O}", &target.option)
                        .replace("{G}", &group)
                };
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
                let what = format!("{} {} as {actor} on {household}", row.method, row.path);
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
    app.clock.hold(Some(open()));
    (app, world)
}

#[tokio::test]
async fn every_forms_endpoint_answers_each_actor_as_the_policy_says() {
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
async fn with_forms_switched_off_its_endpoints_do_not_exist_and_nothing_is_written() {
    let (app, world) = spawn().await;
    crate::authorization::switch(&app, &world, "forms", &[]).await;
    let off: Vec<Row> = rows()
        .into_iter()
        .filter(|r| !r.path.starts_with("/api/v1/me/"))
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
    // The guardians' own lists hold nothing of a school where forms are off.
    for actor in ["guardian", "other_guardian"] {
        let mine = app.get_as(world.token(actor), "/api/v1/me/forms").await;
        assert_eq!(mine.status(), 200);
        let mine: Value = mine.json().await.unwrap();
        assert_eq!(mine["items"], json!([]), "{actor}'s forms are all at A1");
    }
}
