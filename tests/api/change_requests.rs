//! Change requests end to end: a guardian proposes, nothing changes in the portal, the school's
//! administration is told by e-mail and works its queue per field, the guardian sees the outcome
//! and is told; a sync that brings the proposed values resolves a request by itself.

use persistence::outbox;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};
use crate::integration::client_token;
use crate::smtp::SmtpSink;
use crate::world::{PASSWORD, World, marker};

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    language: &str,
    body: &Value,
) -> reqwest::Response {
    app.request(reqwest::Method::POST, path)
        .bearer_auth(token)
        .header("accept-language", language)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str, language: &str) -> reqwest::Response {
    app.request(reqwest::Method::GET, path)
        .bearer_auth(token)
        .header("accept-language", language)
        .send()
        .await
        .unwrap()
}

fn phone_and_email() -> Value {
    json!({"changes": [
        {"field": "phone", "value": "+31 6 1234 5678"},
        {"field": "email", "value": "m1.nieuw@world.example"}
    ], "remark": "Nieuw nummer en adres"})
}

#[tokio::test]
async fn a_request_goes_from_submission_to_decision_and_both_sides_get_mail() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(&[
        ("OUDERPORTAAL_SMTP_URL", &sink.url()),
        ("OUDERPORTAAL_OUTBOX_POLL_MS", "50"),
    ])
    .await;
    let world = World::build(&app).await;
    world.set_a1_admin_email(&app);
    let guardian = world.token("guardian");
    let admin = world.token("school_admin");

    let response = post(
        &app,
        guardian,
        &world.path("/api/v1/guardians/{M1}/change-requests"),
        "nl",
        &phone_and_email(),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let request: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!(
            "/api/v1/change-requests/{}",
            request["id"].as_str().unwrap()
        )
    );
    assert_eq!(request["status"], "open");
    assert!(
        request["message"]
            .as_str()
            .unwrap()
            .contains("leerlingadministratie")
    );
    assert_eq!(
        request["subject"],
        json!({"kind": "guardian", "id": world.id("M1")})
    );
    let phone = request["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "phone")
        .unwrap();
    assert_eq!(phone["current_value"], "+31 6 M1");
    assert_eq!(phone["proposed_value"], "+31 6 1234 5678");
    assert_eq!(phone["outcome"], "pending");

    // Nothing changed in the portal's data.
    let m1: Value = app
        .get_as(admin, &world.path("/api/v1/guardians/{M1}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m1["contact"]["phone"], "+31 6 M1");

    // The administration is told, without personal data in the mail.
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].to, vec!["administratie@a1.example".to_owned()]);
    let text = mails[0].text();
    assert!(text.contains("wijzigingsverzoek"));
    assert!(!text.contains("1234 5678") && !text.contains(&marker("M1")));

    // The queue shows old and new values; a director does not work it.
    let queue: Value = app
        .get_as(
            admin,
            &world.path("/api/v1/schools/{A1}/change-requests?status=open"),
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&request["id"].as_str().unwrap()));
    assert_eq!(
        app.get_as(
            world.token("director"),
            &world.path("/api/v1/schools/{A1}/change-requests")
        )
        .await
        .status(),
        403
    );

    // Per field: the phone is processed, the address rejected (a reason is required).
    let decide = format!(
        "/api/v1/change-requests/{}/decision",
        request["id"].as_str().unwrap()
    );
    let no_reason = post(
        &app,
        admin,
        &decide,
        "nl",
        &json!({"decisions": [{"field": "email", "outcome": "rejected"}]}),
    )
    .await;
    let problem = assert_problem(no_reason, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["decisions[0].reason"]);
    let first = post(
        &app,
        admin,
        &decide,
        "nl",
        &json!({"decisions": [{"field": "phone", "outcome": "processed"}]}),
    )
    .await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<Value>().await.unwrap()["status"], "open");
    let second = post(
        &app,
        admin,
        &decide,
        "nl",
        &json!({"decisions": [{"field": "email", "outcome": "rejected",
                                "reason": "Graag langskomen met een bewijs."}]}),
    )
    .await;
    assert_eq!(second.status(), 200);

    // The guardian sees the outcome in their language and is told by mail.
    let seen: Value = get(&app, guardian, &location, "en")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["status"], "partly_processed");
    assert!(
        seen["message"]
            .as_str()
            .unwrap()
            .starts_with("The school has processed part")
    );
    let email = seen["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "email")
        .unwrap();
    assert_eq!(email["outcome"], "rejected");
    assert_eq!(email["reason"], "Graag langskomen met een bewijs.");
    // By the engine: the guardian chose each message on its own, so at a daytime hour it goes out,
    // in Dutch (they asked in Dutch).
    let chose = app
        .request(reqwest::Method::PUT, "/api/v1/me/notification-preferences")
        .bearer_auth(guardian)
        .json(&json!({"email": "immediate", "grade_notifications": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(chose.status(), 200);
    app.notify_at(daytime_tomorrow());
    let told = sink
        .wait_for_text("gedeeltelijk verwerkt")
        .await
        .expect("the outcome mailed");
    assert_eq!(told.to, vec!["m1@world.example".to_owned()]);

    // Decided is decided.
    let again = post(
        &app,
        admin,
        &decide,
        "nl",
        &json!({"decisions": [{"field": "phone", "outcome": "rejected", "reason": "x"}]}),
    )
    .await;
    assert_problem(again, 409, "conflict").await;
}

#[tokio::test]
async fn a_sync_that_brings_the_proposed_values_resolves_the_request_and_flags_stale_ones() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;

    // M2 (parental authority over P2) asks for the child's name spelling; M1 for a new phone.
    let child = post(
        &app,
        world.token("other_guardian"),
        &world.path("/api/v1/pupils/{P2}/change-requests"),
        "nl",
        &json!({"changes": [{"field": "last_name", "value": "Jansen-de Vries"}]}),
    )
    .await;
    assert_eq!(child.status(), 201);
    let child: Value = child.json().await.unwrap();
    let own = post(
        &app,
        world.token("guardian"),
        &world.path("/api/v1/guardians/{M1}/change-requests"),
        "nl",
        &json!({"changes": [{"field": "phone", "value": "06 1234 5678"}]}),
    )
    .await;
    let own: Value = own.json().await.unwrap();

    // The school changed P2 in its LAS as asked, and M1's phone to yet another number.
    let snapshot = crate::las_sync::a1_snapshot_with(|s| {
        s["pupils"][1]["last_name"] = json!("Jansen-de Vries");
        s["guardians"][0]["phone"] = json!("+31 6 5555 0000");
    });
    let response = app
        .request(
            reqwest::Method::PUT,
            &world.path("/api/v1/schools/{A1}/roster"),
        )
        .bearer_auth(&client)
        .json(&snapshot)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["change_requests_resolved"], 1);

    let resolved: Value = get(
        &app,
        world.token("other_guardian"),
        &format!("/api/v1/change-requests/{}", child["id"].as_str().unwrap()),
        "nl",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["fields"][0]["outcome"], "applied_by_sync");
    // The engine tells the requester: in their inbox, and by e-mail in the daily overview (the
    // default preference), at 16:00 Amsterdam.
    app.notify_at(chrono::Utc::now());
    let inbox: Value = app
        .get_as(world.token("other_guardian"), "/api/v1/me/notifications")
        .await
        .json()
        .await
        .unwrap();
    let decided: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "change_request.decided")
        .collect();
    assert_eq!(decided.len(), 1, "{inbox}");
    assert_eq!(decided[0]["object"]["id"], child["id"]);
    let overview = chrono::Utc::now() + chrono::Duration::days(2);
    app.notify_at(overview);
    let told: Vec<_> = outbox::pending(&mut app.db.get().unwrap())
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "digest" && m.body.contains("wijzigingsverzoek"))
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].to_address, "m2@world.example");

    // M1's request stays open, and staff see that the LAS value changed since it was made.
    let stale: Value = get(
        &app,
        world.token("school_admin"),
        &format!("/api/v1/change-requests/{}", own["id"].as_str().unwrap()),
        "nl",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(stale["status"], "open");
    assert_eq!(stale["fields"][0]["stale"], true);
    assert_eq!(stale["fields"][0]["current_value"], "+31 6 M1");
    assert_eq!(stale["fields"][0]["held_now"], "+31 6 5555 0000");
}

#[tokio::test]
async fn refused_submissions_replacement_and_who_sees_what() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let guardian = world.token("guardian");
    let own = world.path("/api/v1/guardians/{M1}/change-requests");

    // A request that changes nothing.
    let same = post(
        &app,
        guardian,
        &own,
        "nl",
        &json!({"changes": [{"field": "last_name", "value": format!(" {} ", marker("M1"))}]}),
    )
    .await;
    let problem = assert_problem(same, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["code"], "no_change");
    // A child's e-mail is not the child's.
    let child_email = post(
        &app,
        guardian,
        &world.path("/api/v1/pupils/{P1}/change-requests"),
        "nl",
        &json!({"changes": [{"field": "email", "value": "kind@world.example"}]}),
    )
    .await;
    let problem = assert_problem(child_email, 422, "validation-failed").await;
    assert_eq!(error_fields(&problem), ["changes.email"]);

    // The school lets guardians request contact details only.
    let settings = app
        .request(
            reqwest::Method::PUT,
            &world.path("/api/v1/schools/{A1}/change-request-settings"),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&json!({"requestable_fields": ["phone", "email", "address"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), 200);
    let name = post(
        &app,
        guardian,
        &own,
        "nl",
        &json!({"changes": [{"field": "first_name", "value": "Marieke"}]}),
    )
    .await;
    let problem = assert_problem(name, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_requestable");

    // A new submission replaces the open one.
    let first: Value = post(
        &app,
        guardian,
        &own,
        "nl",
        &json!({"changes": [{"field": "phone", "value": "0612345678"}]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let second: Value = post(
        &app,
        guardian,
        &own,
        "nl",
        &json!({"changes": [{"field": "address", "value": "Dorpsstraat 1, 1234 AB Ergens"}]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let first_path = format!("/api/v1/change-requests/{}", first["id"].as_str().unwrap());
    let replaced: Value = get(&app, guardian, &first_path, "nl")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(replaced["status"], "replaced");
    assert_eq!(second["status"], "open");
    assert!(
        second["fields"][0]["current_value"].is_null(),
        "the portal holds no address"
    );

    // Another family, a teacher of the child's group: the request does not exist for them.
    for actor in ["other_guardian", "teacher", "director"] {
        assert_eq!(
            get(&app, world.token(actor), &first_path, "nl")
                .await
                .status(),
            404,
            "{actor}"
        );
    }

    // P1's parents are separated: the father (other household) does not see the mother's
    // request about P1, nor her own.
    let father = {
        let db = app.db.clone();
        let d1 = world.id("D1").to_owned();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            let hash = api::auth::password::hash(PASSWORD).unwrap();
            let account =
                persistence::accounts::insert_person(&mut conn, "d1@world.example", Some(&hash))
                    .unwrap();
            persistence::roster::link_guardian_account(&mut conn, &d1, &account.id).unwrap();
        })
        .await
        .unwrap();
        let login: Value = app
            .login("d1@world.example", PASSWORD)
            .await
            .json()
            .await
            .unwrap();
        login["access_token"].as_str().unwrap().to_owned()
    };
    let about_p1 = format!("/api/v1/change-requests/{}", world.id("CR1"));
    assert_eq!(get(&app, guardian, &about_p1, "nl").await.status(), 200);
    assert_eq!(get(&app, &father, &about_p1, "nl").await.status(), 404);
    let mine: Value = get(&app, &father, "/api/v1/me/change-requests", "nl")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
    let hers: Value = get(&app, guardian, "/api/v1/me/change-requests", "nl")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        hers["items"].as_array().unwrap().len(),
        3,
        "CR1 and her two"
    );

    // Without parental authority, no requests for the child.
    app.execute_sql(&format!(
        "UPDATE guardian_pupils SET parental_authority = false WHERE pupil_id = '{}'",
        world.id("P2")
    ));
    let refused = post(
        &app,
        world.token("other_guardian"),
        &world.path("/api/v1/pupils/{P2}/change-requests"),
        "nl",
        &json!({"changes": [{"field": "first_name", "value": "Anna"}]}),
    )
    .await;
    assert_problem(refused, 403, "forbidden").await;
}

#[tokio::test]
async fn a_retried_submission_with_its_idempotency_key_is_answered_once_and_done_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    world.set_a1_admin_email(&app);
    let own = world.path("/api/v1/guardians/{M1}/change-requests");
    let send = |token: &str, key: &str, body: &Value| {
        app.request(reqwest::Method::POST, &own)
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(body)
            .send()
    };
    let body = json!({"changes": [{"field": "phone", "value": "0612345678"}]});
    let guardian = world.token("guardian");

    let first = send(guardian, "3f2b8c1e-0001", &body).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let retry = send(guardian, "3f2b8c1e-0001", &body).await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(
        retry["id"], first["id"],
        "the same request, not a second one"
    );
    let school_mails = outbox::pending(&mut app.db.get().unwrap())
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "change_request_received")
        .count();
    assert_eq!(school_mails, 1, "the school is told once");
    let still_open: Value = app
        .get_as(
            guardian,
            &format!("/api/v1/change-requests/{}", first["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        still_open["status"], "open",
        "not replaced by its own retry"
    );

    // The key with another request is a client error; a malformed key is refused.
    let other = json!({"changes": [{"field": "phone", "value": "0687654321"}]});
    let misuse = send(guardian, "3f2b8c1e-0001", &other).await.unwrap();
    let problem = assert_problem(misuse, 422, "validation-failed").await;
    assert_eq!(problem["errors"][0]["field"], "header.Idempotency-Key");
    let malformed = send(guardian, "met spatie", &body).await.unwrap();
    assert_problem(malformed, 400, "bad-request").await;

    // Keys are the caller's own: the same key from another account is another request.
    let other_guardian = world.token("other_guardian");
    let theirs = app
        .request(
            reqwest::Method::POST,
            &world.path("/api/v1/pupils/{P2}/change-requests"),
        )
        .bearer_auth(other_guardian)
        .header("idempotency-key", "3f2b8c1e-0001")
        .json(&json!({"changes": [{"field": "first_name", "value": "Anna"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 201);
    assert!(theirs.headers().get("idempotent-replayed").is_none());
}

/// 09:00 UTC tomorrow: 10:00 or 11:00 in Amsterdam, outside any default quiet hours.
fn daytime_tomorrow() -> chrono::DateTime<chrono::Utc> {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc()
}
