//! The committed contract is what the code generates; the server serves that very document.

use std::path::PathBuf;

use crate::helpers::TestApp;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml")
}

/// The first line where the two texts differ, if they differ.
fn first_difference(generated: &str, committed: &str) -> Option<String> {
    if generated == committed {
        return None;
    }
    let line = generated
        .lines()
        .zip(committed.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| generated.lines().count().min(committed.lines().count()));
    Some(format!(
        "line {}: generated {:?}, committed {:?}",
        line + 1,
        generated.lines().nth(line),
        committed.lines().nth(line)
    ))
}

#[test]
fn the_committed_contract_matches_the_code() {
    let generated = api::openapi::document_yaml().unwrap();
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(difference) = first_difference(&generated, &committed) {
        panic!(
            "openapi.yaml is out of date ({difference}).\n\
             Regenerate it with: UPDATE_OPENAPI=1 cargo test --test api contract"
        );
    }
}

#[test]
fn a_changed_route_is_caught_as_drift() {
    let committed = std::fs::read_to_string(committed_path()).unwrap();
    let mut changed = api::openapi::document();
    let removed = changed.paths.paths.remove("/api/v1/boards/{board_id}");
    assert!(
        removed.is_some(),
        "the route exists in the generated document"
    );
    let changed = changed.to_yaml().unwrap();
    assert!(first_difference(&changed, &committed).is_some());
}

#[test]
fn every_operation_has_an_id_a_summary_and_error_answers() {
    let document = serde_json::to_value(api::openapi::document()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(!paths.is_empty());
    let mut ids = std::collections::HashSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
            assert!(id.split('_').count() >= 2, "{id} is not verb_resource");
            assert!(operation["summary"].is_string(), "{id} has no summary");
            assert!(operation["security"].is_array(), "{id} states no security");
            assert!(
                operation["responses"]["500"].is_object(),
                "{id} does not document 500"
            );
            if operation["security"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
            {
                assert!(
                    operation["responses"]["401"].is_object(),
                    "{id} does not document 401"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_served_contract_equals_the_committed_file() {
    let app = TestApp::spawn().await;
    let served: serde_json::Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value =
        yaml_serde::from_str(&std::fs::read_to_string(committed_path()).unwrap()).unwrap();
    assert_eq!(served, committed);
    assert_eq!(served["openapi"], "3.1.0");
}

#[tokio::test]
async fn swagger_ui_is_served_at_docs() {
    let app = TestApp::spawn().await;
    let response = app.get("/docs/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let initializer = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/api-docs/openapi.json"));
}
