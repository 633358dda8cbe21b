//! Places on a sign-up form (issue #13): separated households respond apart, a child is signed up
//! once, a full option queues households in order of arrival and a withdrawal gives the place to
//! the first waiting at once (who is told); many households racing for a few places get exactly
//! those places, the rest queue in order, none lost.

use futures_util::future::join_all;
use persistence::guardians::GuardianPupilRow;
use persistence::roster::{self, NewGuardian, NewPupil, PersonName, RosterRows};
use reqwest::Method;
use serde_json::{Value, json};

use crate::forms::{OPEN, answer, at, create_form, form_input, ids, json_of, respond};
use crate::helpers::{TestApp, assert_problem};
use crate::leave::send;
use crate::world::World;

/// Signs in D1 (P1's other household), who has no account in the world.
async fn second_household(app: &TestApp, world: &World) -> String {
    {
        let hash = api::auth::password::hash(crate::world::PASSWORD).unwrap();
        let mut conn = app.db.get().unwrap();
        let account =
            persistence::accounts::insert_person(&mut conn, "d1@world.example", Some(&hash))
                .unwrap();
        persistence::roster::link_guardian_account(&mut conn, world.id("D1"), &account.id).unwrap();
    }
    sign_in(app, "d1@world.example").await
}

async fn sign_in(app: &TestApp, email: &str) -> String {
    let login: Value = app
        .login(email, crate::world::PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().unwrap().to_owned()
}

/// `n` more families in G1 of A1, each one guardian with an account and one child; their tokens.
async fn families(app: &TestApp, world: &World, n: usize) -> Vec<String> {
    let (school, group) = (world.id("A1").to_owned(), world.id("G1").to_owned());
    let db = app.db.clone();
    let emails = tokio::task::spawn_blocking(move || {
        let hash = api::auth::password::hash(crate::world::PASSWORD).unwrap();
        let mut conn = db.get().unwrap();
        let mut rows = RosterRows::default();
        let mut emails = Vec::new();
        for i in 0..n {
            let name = |first: &str| PersonName {
                first_name: first.to_owned(),
                name_prefix: None,
                last_name: format!("Gezin{i}"),
            };
            let pupil = roster::pupil_row(NewPupil {
                school_id: school.clone(),
                las_key: format!("RP{i}"),
                name: name("Kind"),
                date_of_birth: None,
                parents_separated: false,
            });
            let email = format!("race{i}@world.example");
            let guardian = roster::guardian_row(NewGuardian {
                school_id: school.clone(),
                las_key: format!("RG{i}"),
                name: name("Ouder"),
                email: Some(email.clone()),
                phone: None,
            });
            rows.enrolments.push((pupil.id.clone(), group.clone()));
            rows.guardian_links.push(GuardianPupilRow {
                guardian_id: guardian.id.clone(),
                pupil_id: pupil.id.clone(),
                relationship: "parent".to_owned(),
                parental_authority: true,
                household: format!("RH{i}"),
            });
            emails.push((email, guardian.id.clone()));
            rows.pupils.push(pupil);
            rows.guardians.push(guardian);
        }
        roster::insert_rows(&mut conn, &rows).unwrap();
        for (email, guardian) in &emails {
            let account =
                persistence::accounts::insert_person(&mut conn, email, Some(&hash)).unwrap();
            roster::link_guardian_account(&mut conn, guardian, &account.id).unwrap();
        }
        emails.into_iter().map(|(e, _)| e).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    join_all(emails.iter().map(|email| sign_in(app, email))).await
}

#[tokio::test]
async fn separated_households_respond_apart_and_a_child_is_signed_up_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let d1 = second_household(&app, &world).await;
    let form = create_form(&app, &world, "school_admin", &form_input()).await;
    at(&app, OPEN);
    let options = ids(&form, "options");
    let both = answer(
        &form,
        json!([{"option_id": options[0]}, {"option_id": options[1], "pupil_id": world.id("P1")}]),
    );
    let m1 = json_of(
        respond(&app, world.token("guardian"), &form, &both).await,
        201,
    )
    .await;
    assert_eq!(m1["signups"].as_array().unwrap().len(), 2);
    // The other household answers for itself; the child is on the trip already.
    assert_problem(respond(&app, &d1, &form, &both).await, 409, "conflict").await;
    let drives = answer(&form, json!([{"option_id": options[0]}]));
    let d1_response = json_of(respond(&app, &d1, &form, &drives).await, 201).await;
    assert_ne!(d1_response["id"], m1["id"]);
    assert_eq!(d1_response["signups"][0]["state"], "placed");
    // Two households, each a driver: both places of the per-household option are taken.
    assert_eq!(
        app.scalar(&format!(
            "SELECT CAST(placed AS BIGINT) AS n FROM form_options WHERE id = '{}'",
            options[0]
        )),
        2
    );
    // Each household sees its own response only.
    let path = format!("/api/v1/form-responses/{}", m1["id"].as_str().unwrap());
    assert_problem(app.get_as(&d1, &path).await, 404, "not-found").await;
    assert_eq!(
        app.get_as(world.token("guardian"), &path).await.status(),
        200
    );
    // The school admin reads both in the results.
    let results_path = format!("/api/v1/forms/{}/results", form["id"].as_str().unwrap());
    let results = json_of(
        app.get_as(world.token("school_admin"), &results_path).await,
        200,
    )
    .await;
    assert_eq!(results["responses"], 2);
    assert_eq!(
        results["options"][0]["entries"].as_array().unwrap().len(),
        2
    );
    // P2's household has not responded.
    let missing: Vec<&str> = results["not_responded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["pupil_id"].as_str().unwrap())
        .collect();
    assert!(
        missing.contains(&world.id("P2")) && !missing.contains(&world.id("P1")),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_withdrawal_gives_the_place_to_the_first_waiting_who_is_told() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let d1 = second_household(&app, &world).await;
    let mut input = form_input();
    input["options"][0]["capacity"] = json!(1);
    let form = create_form(&app, &world, "school_admin", &input).await;
    at(&app, OPEN);
    let drives = answer(&form, json!([{"option_id": ids(&form, "options")[0]}]));
    let first = json_of(
        respond(&app, world.token("guardian"), &form, &drives).await,
        201,
    )
    .await;
    let second = json_of(
        respond(&app, world.token("other_guardian"), &form, &drives).await,
        201,
    )
    .await;
    let third = json_of(respond(&app, &d1, &form, &drives).await, 201).await;
    assert_eq!(first["signups"][0]["state"], "placed");
    assert_eq!(second["signups"][0]["state"], "waiting");
    assert_eq!(second["signups"][0]["position"], 1);
    assert_eq!(third["signups"][0]["position"], 2);
    let path = |r: &Value| format!("/api/v1/form-responses/{}", r["id"].as_str().unwrap());
    assert_eq!(
        send(
            &app,
            world.token("guardian"),
            Method::DELETE,
            &path(&first),
            None
        )
        .await
        .status(),
        204
    );
    let promoted = json_of(
        app.get_as(world.token("other_guardian"), &path(&second))
            .await,
        200,
    )
    .await;
    assert_eq!(promoted["signups"][0]["state"], "placed");
    assert_eq!(promoted["signups"][0]["position"], Value::Null);
    let moved_up = json_of(app.get_as(&d1, &path(&third)).await, 200).await;
    assert_eq!(moved_up["signups"][0]["position"], 1);
    // The promoted household is told; the withdrawn one is not.
    app.notify_at(crate::forms::utc(2, 10));
    let told = |token: String| {
        let app = &app;
        async move {
            let inbox = crate::notifications::inbox(app, &token, "").await;
            inbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["type"] == "forms.place_given")
                .count()
        }
    };
    assert_eq!(told(world.token("other_guardian").to_owned()).await, 1);
    assert_eq!(told(world.token("guardian").to_owned()).await, 0);
    assert_eq!(told(d1.clone()).await, 0);
}

#[tokio::test]
async fn racing_households_get_exactly_the_places_and_queue_in_order_of_arrival() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let tokens = families(&app, &world, 16).await;
    let mut input = form_input();
    input["options"][0]["capacity"] = json!(3);
    let form = create_form(&app, &world, "school_admin", &input).await;
    at(&app, OPEN);
    let option = ids(&form, "options")[0].clone();
    let drives = answer(&form, json!([{"option_id": option}]));
    let answers = join_all(tokens.iter().map(|t| respond(&app, t, &form, &drives))).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form_responses"), 16);
    let placed = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM form_signups WHERE option_id = '{option}' AND state = 'placed'"
    ));
    let waiting = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM form_signups WHERE option_id = '{option}' AND state = 'waiting'"
    ));
    assert_eq!((placed, waiting), (3, 13));
    assert_eq!(
        app.scalar(&format!(
            "SELECT CAST(placed AS BIGINT) AS n FROM form_options WHERE id = '{option}'"
        )),
        3
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT CAST(waiting AS BIGINT) AS n FROM form_options WHERE id = '{option}'"
        )),
        13
    );
    // Arrival order: the placed hold the first three tickets, the waiting list follows the rest.
    assert_eq!(
        app.scalar(&format!("SELECT CAST(MAX(ticket) AS BIGINT) AS n FROM form_signups WHERE option_id = '{option}' AND state = 'placed'")),
        3
    );
    let results_path = format!("/api/v1/forms/{}/results", form["id"].as_str().unwrap());
    let results = json_of(
        app.get_as(world.token("school_admin"), &results_path).await,
        200,
    )
    .await;
    let positions: Vec<i64> = results["options"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["state"] == "waiting")
        .map(|e| e["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (1..=13).collect::<Vec<i64>>());
    // Each household's own position agrees with the list.
    let mut seen = Vec::new();
    for (token, response) in tokens.iter().zip(answers) {
        let body: Value = response.json().await.unwrap();
        let path = format!("/api/v1/form-responses/{}", body["id"].as_str().unwrap());
        let now = json_of(app.get_as(token, &path).await, 200).await;
        if let Some(position) = now["signups"][0]["position"].as_i64() {
            seen.push(position);
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=13).collect::<Vec<i64>>());
}

#[tokio::test]
async fn a_retried_response_with_the_same_key_signs_up_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let form = create_form(&app, &world, "school_admin", &form_input()).await;
    at(&app, OPEN);
    let body = answer(&form, json!([{"option_id": ids(&form, "options")[0]}]));
    let path = format!("/api/v1/forms/{}/responses", form["id"].as_str().unwrap());
    let post = || {
        app.request(Method::POST, &path)
            .bearer_auth(world.token("guardian"))
            .header("Idempotency-Key", "form-retry-1")
            .json(&body)
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post().await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM form_signups"), 1);
}

#[tokio::test]
async fn withdrawals_and_sign_ups_racing_keep_the_places_and_the_queue_true() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let tokens = families(&app, &world, 14).await;
    let mut input = form_input();
    input["options"][0]["capacity"] = json!(3);
    let form = create_form(&app, &world, "school_admin", &input).await;
    at(&app, OPEN);
    let option = ids(&form, "options")[0].clone();
    let drives = answer(&form, json!([{"option_id": option}]));
    // Eight households in arrival order: three placed, five waiting.
    let mut first = Vec::new();
    for token in &tokens[..8] {
        first.push(json_of(respond(&app, token, &form, &drives).await, 201).await);
    }
    let path = |r: &Value| format!("/api/v1/form-responses/{}", r["id"].as_str().unwrap());
    // At once: the three placed and two waiting withdraw, six newcomers respond.
    let paths: Vec<(usize, String)> = [0, 1, 2, 3, 5]
        .iter()
        .map(|i| (*i, path(&first[*i])))
        .collect();
    let withdrawals = paths
        .iter()
        .map(|(i, p)| send(&app, &tokens[*i], Method::DELETE, p, None));
    let newcomers = tokens[8..].iter().map(|t| respond(&app, t, &form, &drives));
    let (gone, new) = tokio::join!(join_all(withdrawals), join_all(newcomers));
    assert!(gone.iter().all(|r| r.status() == 204));
    assert!(new.iter().all(|r| r.status() == 201));
    let count = |state: &str| {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM form_signups WHERE option_id = '{option}' AND state = '{state}'"
        ))
    };
    // Nine households remain: three places, six waiting, and the counts agree with the rows.
    assert_eq!((count("placed"), count("waiting")), (3, 6));
    assert_eq!(
        app.scalar(&format!(
            "SELECT CAST(placed AS BIGINT) AS n FROM form_options WHERE id = '{option}'"
        )),
        3
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT CAST(waiting AS BIGINT) AS n FROM form_options WHERE id = '{option}'"
        )),
        6
    );
    // Those who waited first got the places: households 4, 6 and 7 arrived before every newcomer.
    for i in [4, 6, 7] {
        let now = json_of(app.get_as(&tokens[i], &path(&first[i])).await, 200).await;
        assert_eq!(now["signups"][0]["state"], "placed", "household {i}");
    }
}
