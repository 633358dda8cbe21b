//! Consent and sharing (#14): the default purposes and the school's own; giving and withdrawing
//! changes what each role sees in the next request (medical notes, the contact list, the school's
//! per-purpose list); the history is kept with who decided; yearly renewal of photo consent.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::leave::send;
use crate::world::{World, marker};

pub(crate) fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

pub(crate) async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let code = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(code, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub(crate) async fn call(
    app: &TestApp,
    world: &World,
    actor: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    send(
        app,
        world.token(actor),
        method,
        &world.path(path),
        body.as_ref(),
    )
    .await
}

/// The id of the school's default purpose with this code.
pub(crate) fn purpose(app: &TestApp, world: &World, school: &str, code: &str) -> String {
    use diesel::prelude::*;
    use persistence::schema::consent_purposes;
    let mut conn = app.db.get().unwrap();
    consent_purposes::table
        .filter(consent_purposes::school_id.eq(world.id(school)))
        .filter(consent_purposes::code.eq(code))
        .select(consent_purposes::id)
        .first(&mut *conn)
        .unwrap()
}

/// The guardian (`guardian` is M1 of P1, `other_guardian` M2 of P2) decides on a purpose.
pub(crate) async fn decide(
    app: &TestApp,
    world: &World,
    actor: &str,
    subject: &str,
    purpose: &str,
    given: bool,
) -> Value {
    let kind = if subject.starts_with('P') {
        "pupils"
    } else {
        "guardians"
    };
    let path = format!("/api/v1/{kind}/{{{subject}}}/consents/{purpose}");
    let body = json!({ "given": given });
    json_of(
        call(app, world, actor, Method::PUT, &path, Some(body)).await,
        200,
    )
    .await
}

pub(crate) async fn status(app: &TestApp, world: &World, actor: &str, path: &str) -> u16 {
    call(app, world, actor, Method::GET, path, None)
        .await
        .status()
        .as_u16()
}

pub(crate) async fn items(app: &TestApp, world: &World, actor: &str, path: &str) -> Vec<Value> {
    let page = json_of(call(app, world, actor, Method::GET, path, None).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_school_starts_with_the_default_purposes_and_the_admin_keeps_its_own() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let path = "/api/v1/schools/{A1}/consent-purposes";
    let listed = items(&app, &world, "guardian", path).await;
    let codes: Vec<&str> = listed.iter().filter_map(|p| p["code"].as_str()).collect();
    assert_eq!(
        codes,
        [
            "photos_website",
            "photos_newsletter",
            "photos_social_media",
            "medical_lunch_supervisor",
            "medical_other_parents",
            "contact_details_group"
        ]
    );
    assert!(listed.iter().all(|p| p["legal_basis"] == "consent"));
    assert_eq!(listed[0]["yearly_renewal"], true);
    assert_eq!(listed[5]["subject"], "guardian");

    let yearbook = json!({"title": " Foto's in het jaarboek ", "subject": "pupil",
                          "legal_basis": "consent", "yearly_renewal": true});
    let refused = call(
        &app,
        &world,
        "teacher",
        Method::POST,
        path,
        Some(yearbook.clone()),
    )
    .await;
    assert_problem(refused, 403, "forbidden").await;
    let bad = json!({"title": "  ", "subject": "pupil", "legal_basis": "consent"});
    let response = call(&app, &world, "school_admin", Method::POST, path, Some(bad)).await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["title"]);
    assert_eq!(
        items(&app, &world, "guardian", path).await.len(),
        6,
        "nothing stored"
    );

    let response = call(
        &app,
        &world,
        "school_admin",
        Method::POST,
        path,
        Some(yearbook),
    )
    .await;
    assert!(response.headers().contains_key("location"));
    let created = json_of(response, 201).await;
    assert_eq!(created["title"], "Foto's in het jaarboek");
    assert!(created.get("code").is_none());
    let id = created["id"].as_str().unwrap();

    // Guardians answer the school's own purpose like the defaults.
    let given = decide(&app, &world, "guardian", "P1", id, true).await;
    assert_eq!(given["state"], "given");

    // Retired: no longer asked (409 on a decision), its history stays.
    let edit = format!("{path}/{id}");
    let retired = call(
        &app,
        &world,
        "school_admin",
        Method::PATCH,
        &edit,
        Some(json!({"retired": true})),
    )
    .await;
    assert!(json_of(retired, 200).await["retired_at"].is_string());
    let body = json!({"given": false});
    let late = call(
        &app,
        &world,
        "guardian",
        Method::PUT,
        &format!("/api/v1/pupils/{{P1}}/consents/{id}"),
        Some(body),
    )
    .await;
    assert_problem(late, 409, "conflict").await;
    let standing = items(&app, &world, "guardian", "/api/v1/pupils/{P1}/consents").await;
    assert!(
        standing.iter().all(|c| c["purpose"]["id"] != id),
        "retired purposes are not asked"
    );
    let history = items(
        &app,
        &world,
        "guardian",
        "/api/v1/pupils/{P1}/consent-history",
    )
    .await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["purpose_id"], id);

    // A new school gets the defaults too.
    let board = world.id("boardA").to_owned();
    let new_school = json!({"name": "De Nieuwe School", "brin": "99ZZ"});
    let response = send(
        &app,
        world.token("operator"),
        Method::POST,
        &format!("/api/v1/boards/{board}/schools"),
        Some(&new_school),
    )
    .await;
    let school = json_of(response, 201).await;
    let count = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM consent_purposes WHERE school_id = '{}' AND code IS NOT NULL",
        school["id"].as_str().unwrap()
    ));
    assert_eq!(count, 6);
}

#[tokio::test]
async fn giving_and_withdrawing_changes_who_reads_the_medical_note_in_the_next_request() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let note = json!({"note": format!("Allergisch voor pinda's {}", marker("MED1"))});
    let written = call(
        &app,
        &world,
        "guardian",
        Method::PUT,
        "/api/v1/pupils/{P1}/medical-note",
        Some(note),
    )
    .await;
    assert_eq!(json_of(written, 200).await["pupil_id"], world.id("P1"));
    let one = "/api/v1/pupils/{P1}/medical-note";
    let group = "/api/v1/groups/{G1}/medical-notes";

    // Without consent: the group's teacher and care staff read it, the lunch supervisor cannot
    // tell it from no note, the other parents do not see it, the director and admin never.
    assert_eq!(status(&app, &world, "teacher", one).await, 200);
    assert_eq!(status(&app, &world, "care_staff", one).await, 200);
    assert_eq!(status(&app, &world, "lunch_supervisor", one).await, 404);
    assert_eq!(status(&app, &world, "director", one).await, 403);
    assert_eq!(status(&app, &world, "school_admin", group).await, 403);
    assert!(
        items(&app, &world, "lunch_supervisor", group)
            .await
            .is_empty()
    );
    assert!(
        items(&app, &world, "other_guardian", group)
            .await
            .is_empty()
    );
    assert_eq!(items(&app, &world, "teacher", group).await.len(), 1);
    assert_eq!(
        items(&app, &world, "guardian", group).await.len(),
        1,
        "a parent reads their own"
    );

    let lunch = purpose(&app, &world, "A1", "medical_lunch_supervisor");
    let parents = purpose(&app, &world, "A1", "medical_other_parents");
    decide(&app, &world, "guardian", "P1", &lunch, true).await;
    let read = json_of(
        call(&app, &world, "lunch_supervisor", Method::GET, one, None).await,
        200,
    )
    .await;
    assert!(read["note"].as_str().unwrap().contains(&marker("MED1")));
    assert_eq!(
        items(&app, &world, "lunch_supervisor", group).await.len(),
        1
    );
    assert!(
        items(&app, &world, "other_guardian", group)
            .await
            .is_empty(),
        "another purpose"
    );

    decide(&app, &world, "guardian", "P1", &parents, true).await;
    let seen = items(&app, &world, "other_guardian", group).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["pupil_id"], world.id("P1"));

    decide(&app, &world, "guardian", "P1", &lunch, false).await;
    assert_eq!(status(&app, &world, "lunch_supervisor", one).await, 404);
    assert!(
        items(&app, &world, "lunch_supervisor", group)
            .await
            .is_empty()
    );

    // The history: every decision, newest first, with who took it.
    let history = items(
        &app,
        &world,
        "school_admin",
        "/api/v1/pupils/{P1}/consent-history",
    )
    .await;
    let given: Vec<bool> = history
        .iter()
        .map(|h| h["given"].as_bool().unwrap())
        .collect();
    assert_eq!(given, [false, true, true]);
    assert!(
        history
            .iter()
            .all(|h| h["decided_by"].as_str().unwrap().contains(&marker("M1")))
    );
    let standing = items(&app, &world, "teacher", "/api/v1/pupils/{P1}/consents").await;
    let state_of =
        |id: &str| standing.iter().find(|c| c["purpose"]["id"] == id).unwrap()["state"].clone();
    assert_eq!(state_of(&lunch), "withdrawn");
    assert_eq!(state_of(&parents), "given");

    // Only a guardian with parental authority decides, and only for their own child.
    let body = json!({"given": true});
    let path = format!("/api/v1/pupils/{{P1}}/consents/{lunch}");
    let staff = call(
        &app,
        &world,
        "school_admin",
        Method::PUT,
        &path,
        Some(body.clone()),
    )
    .await;
    assert_problem(staff, 403, "forbidden").await;
    let stranger = call(
        &app,
        &world,
        "other_guardian",
        Method::PUT,
        &path,
        Some(body),
    )
    .await;
    assert_problem(stranger, 404, "not-found").await;

    // The note goes when its guardian removes it.
    let gone = call(&app, &world, "guardian", Method::DELETE, one, None).await;
    assert_eq!(gone.status(), 204);
    assert_eq!(status(&app, &world, "teacher", one).await, 404);
    assert!(
        items(&app, &world, "other_guardian", group)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_contact_list_shows_only_guardians_who_shared_their_details() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let contacts = "/api/v1/groups/{G1}/contacts";
    assert!(
        items(&app, &world, "other_guardian", contacts)
            .await
            .is_empty()
    );
    let share = purpose(&app, &world, "A1", "contact_details_group");

    // A guardian decides for themself only: another guardian is out of their reach.
    let body = json!({"given": true});
    let path = format!("/api/v1/guardians/{{M2}}/consents/{share}");
    let other = call(&app, &world, "guardian", Method::PUT, &path, Some(body)).await;
    assert_problem(other, 404, "not-found").await;

    decide(&app, &world, "guardian", "M1", &share, true).await;
    let seen = items(&app, &world, "other_guardian", contacts).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["guardian_id"], world.id("M1"));
    assert_eq!(seen[0]["email"], "m1@world.example");
    assert!(
        seen[0]["children"][0]
            .as_str()
            .unwrap()
            .contains(&marker("P1"))
    );
    assert_eq!(items(&app, &world, "teacher", contacts).await.len(), 1);
    assert_eq!(
        status(&app, &world, "lunch_supervisor", contacts).await,
        403
    );
    // Not a parent of G2: no list of theirs.
    assert_eq!(
        status(&app, &world, "guardian", "/api/v1/groups/{G2}/contacts").await,
        403
    );

    decide(&app, &world, "guardian", "M1", &share, false).await;
    assert!(
        items(&app, &world, "other_guardian", contacts)
            .await
            .is_empty()
    );
    let mine = items(&app, &world, "guardian", "/api/v1/guardians/{M1}/consents").await;
    assert_eq!(mine.len(), 1, "only the guardian's own purposes");
    assert_eq!(mine[0]["state"], "withdrawn");
}

#[tokio::test]
async fn photo_consent_is_asked_again_each_school_year() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let photos = purpose(&app, &world, "A1", "photos_website");
    let list = format!("/api/v1/schools/{{A1}}/consent-purposes/{photos}/pupils");
    app.clock.hold(Some(utc(2026, 7, 20, 9)));
    decide(&app, &world, "guardian", "P1", &photos, true).await;
    let allowed = items(&app, &world, "teacher", &format!("{list}?allowed=true")).await;
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["pupil_id"], world.id("P1"));
    assert_eq!(allowed[0]["state"], "given");

    // The new school year begins: the "yes" lapses until renewed.
    app.clock.hold(Some(utc(2026, 8, 2, 9)));
    assert!(
        items(&app, &world, "teacher", &format!("{list}?allowed=true"))
            .await
            .is_empty()
    );
    let not = items(&app, &world, "teacher", &format!("{list}?allowed=false")).await;
    let p1 = not
        .iter()
        .find(|p| p["pupil_id"] == world.id("P1"))
        .unwrap();
    assert_eq!(p1["state"], "expired");
    let standing = items(&app, &world, "guardian", "/api/v1/pupils/{P1}/consents").await;
    let mine = standing
        .iter()
        .find(|c| c["purpose"]["id"] == photos)
        .unwrap();
    assert_eq!(mine["state"], "expired");

    decide(&app, &world, "guardian", "P1", &photos, true).await;
    assert_eq!(
        items(&app, &world, "teacher", &format!("{list}?allowed=true"))
            .await
            .len(),
        1
    );
    // A teacher lists their own groups only; the lunch supervisor none.
    let g2 = format!("{list}?group_id={}", world.id("G2"));
    assert_eq!(status(&app, &world, "teacher", &g2).await, 403);
    assert_eq!(status(&app, &world, "lunch_supervisor", &list).await, 403);
    assert_eq!(
        items(&app, &world, "director", &g2).await.len(),
        1,
        "P3 in G2"
    );

    // A purpose that does not renew: a "yes" of any year holds.
    let lunch = purpose(&app, &world, "A1", "medical_lunch_supervisor");
    decide(&app, &world, "guardian", "P1", &lunch, true).await;
    app.clock.hold(Some(utc(2028, 9, 1, 9)));
    let lunch_list = format!("/api/v1/schools/{{A1}}/consent-purposes/{lunch}/pupils?allowed=true");
    let allowed = items(&app, &world, "director", &lunch_list).await;
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["state"], "given");
}
