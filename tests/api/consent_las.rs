//! Consent the LAS keeps (#14): sent with a pupil's record in a roster sync, it becomes the
//! decision that holds, read-only in the portal, with the time of the last import; it changes who
//! reads what in the next request, and every change joins the history.

use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::{call, decide, items, json_of, purpose, status};
use crate::helpers::TestApp;
use crate::integration::client_token;
use crate::las_sync::a1_snapshot_with;
use crate::world::{World, marker, this_year};

async fn sync(app: &TestApp, world: &World, token: &str, method: Method, body: &Value) -> Value {
    let path = world.path("/api/v1/schools/{A1}/roster");
    let response = app
        .request(method, &path)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    json_of(response, 200).await
}

/// School A1 as the world holds it, with these consents on pupils (by key).
fn with_consents(consents: &[(&str, Value)]) -> Value {
    a1_snapshot_with(|s| {
        for pupil in s["pupils"].as_array_mut().unwrap() {
            if let Some((_, list)) = consents.iter().find(|(k, _)| pupil["key"] == *k) {
                pupil["consents"] = list.clone();
            }
        }
    })
}

async fn p1_consent(app: &TestApp, world: &World, code: &str) -> Value {
    let all = json_of(
        call(
            app,
            world,
            "guardian",
            Method::GET,
            "/api/v1/pupils/{P1}/consents",
            None,
        )
        .await,
        200,
    )
    .await;
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"]["code"] == code)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn consent_from_the_las_holds_read_only_and_changes_who_reads_the_medical_note() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let client = client_token(&app, &world, None).await;
    let note = json!({"note": format!("Epilepsie {}", marker("MED2"))});
    let written = call(
        &app,
        &world,
        "guardian",
        Method::PUT,
        "/api/v1/pupils/{P1}/medical-note",
        Some(note),
    )
    .await;
    json_of(written, 200).await;
    let website = purpose(&app, &world, "A1", "photos_website");
    decide(&app, &world, "guardian", "P1", &website, true).await;
    let one = "/api/v1/pupils/{P1}/medical-note";
    assert_eq!(status(&app, &world, "lunch_supervisor", one).await, 404);

    let first = with_consents(&[
        (
            "P1",
            json!([{"purpose": "photos_website", "given": false},
                      {"purpose": "medical_lunch_supervisor", "given": true}]),
        ),
        ("P2", json!([{"purpose": "photos_website", "given": true}])),
        (
            "P3",
            json!([{"purpose": "contact_details_group", "given": true}]),
        ),
    ]);
    let result = sync(&app, &world, &client, Method::PUT, &first).await;
    assert_eq!(result["consents_changed"], 3, "{result}");
    let rejected = result["rejected"].as_array().unwrap();
    assert!(
        rejected.iter().any(|r| r["key"] == "P3"
            && r["field"] == "consents.contact_details_group"
            && r["code"] == "not_a_pupil_purpose"),
        "{rejected:?}"
    );

    // The LAS's decisions hold from the next request: the lunch supervisor reads the note, the
    // guardian's own "yes" to the website is replaced by the LAS's "no".
    assert_eq!(status(&app, &world, "lunch_supervisor", one).await, 200);
    assert_eq!(
        items(
            &app,
            &world,
            "lunch_supervisor",
            "/api/v1/groups/{G1}/medical-notes"
        )
        .await
        .len(),
        1
    );
    let photos = p1_consent(&app, &world, "photos_website").await;
    assert_eq!(photos["state"], "withdrawn", "{photos}");
    assert_eq!(photos["from_las"], true);
    assert!(photos.get("decided_by").is_none(), "the LAS, not a person");
    let imported = photos["purpose"]["last_imported_at"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(photos["decided_at"].as_str(), Some(imported.as_str()));
    // A purpose the LAS did not send stays the portal's.
    let newsletter = p1_consent(&app, &world, "photos_newsletter").await;
    assert_eq!(newsletter["from_las"], false);
    assert!(newsletter["purpose"].get("last_imported_at").is_none());

    // Read-only here: a guardian's decision on it is refused and changes nothing.
    let refused = call(
        &app,
        &world,
        "guardian",
        Method::PUT,
        &format!("/api/v1/pupils/{{P1}}/consents/{website}"),
        Some(json!({"given": true})),
    )
    .await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        p1_consent(&app, &world, "photos_website").await["state"],
        "withdrawn"
    );

    // The history keeps the guardian's decision and the LAS's, newest first.
    let history = items(
        &app,
        &world,
        "school_admin",
        "/api/v1/pupils/{P1}/consent-history",
    )
    .await;
    let sources: Vec<(bool, bool)> = history
        .iter()
        .map(|h| {
            (
                h["given"].as_bool().unwrap(),
                h["from_las"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(sources.len(), 3);
    assert!(
        sources.contains(&(true, false)),
        "the guardian's yes stays as proof"
    );
    assert_eq!(sources.iter().filter(|(_, las)| *las).count(), 2);

    // The same roster again changes nothing, adds no history, and is the new time of import.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = sync(&app, &world, &client, Method::PUT, &first).await;
    assert_eq!(again["consents_changed"], 0);
    let history_again = items(
        &app,
        &world,
        "school_admin",
        "/api/v1/pupils/{P1}/consent-history",
    )
    .await;
    assert_eq!(history_again.len(), 3);
    let photos_again = p1_consent(&app, &world, "photos_website").await;
    let reimported = photos_again["purpose"]["last_imported_at"]
        .as_str()
        .unwrap();
    assert!(
        reimported > imported.as_str(),
        "{reimported} after {imported}"
    );
    assert_eq!(
        photos_again["decided_at"].as_str(),
        Some(reimported),
        "vouched for again"
    );

    // A delta changes one pupil's consent; the lunch supervisor loses the note at once.
    let delta = json!({
        "school_year": this_year(),
        "upsert": {"pupils": [{"key": "P1", "first_name": "Kind", "last_name": marker("P1"),
                               "parents_separated": true, "groups": ["G1"],
                               "consents": [{"purpose": "medical_lunch_supervisor", "given": false}]}]}
    });
    let changed = sync(&app, &world, &client, Method::PATCH, &delta).await;
    assert_eq!(changed["consents_changed"], 1);
    assert_eq!(status(&app, &world, "lunch_supervisor", one).await, 404);

    // Another school's purposes are untouched.
    let kept_by_las = |school: &str| {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM consent_purposes WHERE from_las AND school_id = '{}'",
            world.id(school)
        ))
    };
    assert_eq!(kept_by_las("A1"), 2);
    assert_eq!(kept_by_las("B1"), 0);
}
