//! Personal data never reaches the application log. The real binary runs with demo data at debug
//! level; the test signs in as people of every role, reads personal data, fails sign-ins and asks
//! for resets, then searches the captured log for every address, name, password and token it saw.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::helpers::ServedBinary;

fn collect(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if let Some(text) = value.as_str()
                    && ["email", "access_token", "refresh_token", "last_name"]
                        .contains(&key.as_str())
                    && text.len() > 3
                {
                    found.push(text.to_owned());
                }
                collect(value, found);
            }
            if let (Some(first), Some(last)) = (
                map.get("first_name").and_then(Value::as_str),
                map.get("last_name").and_then(Value::as_str),
            ) {
                found.push(format!("{first} {last}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_application_log_holds_no_personal_data() {
    let log_dir = tempfile::tempdir().unwrap();
    let log_path = log_dir.path().join("server.log");
    let served = ServedBinary::start(
        &[("OUDERPORTAAL_LOG", "debug")],
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    )
    .await;
    let mut server = served.process;
    let base = served.base;
    let client = reqwest::Client::new();
    let accounts = served.credentials;
    let mut secrets: Vec<String> = Vec::new();
    let people: Vec<&Value> = accounts.iter().filter(|a| a["email"].is_string()).collect();
    for client in accounts.iter().filter(|a| a["client_secret"].is_string()) {
        secrets.push(client["client_secret"].as_str().unwrap().to_owned());
    }
    for account in &people {
        secrets.push(account["email"].as_str().unwrap().to_owned());
        secrets.push(account["password"].as_str().unwrap().to_owned());
        let login = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": account["email"], "password": account["password"]}))
            .send()
            .await
            .unwrap();
        let tokens: Value = login.json().await.unwrap();
        collect(&tokens, &mut secrets);
        let token = tokens["access_token"].as_str().unwrap();
        let get = |path: String| {
            let client = client.clone();
            let base = base.clone();
            let token = token.to_owned();
            async move {
                let response = client
                    .get(format!("{base}{path}"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap();
                response.json::<Value>().await.unwrap_or(Value::Null)
            }
        };
        let me = get("/api/v1/me".to_owned()).await;
        collect(&me, &mut secrets);
        let schools = get("/api/v1/schools".to_owned()).await;
        for school in schools["items"].as_array().into_iter().flatten() {
            let id = school["id"].as_str().unwrap();
            let pupils = get(format!("/api/v1/schools/{id}/pupils?limit=5")).await;
            collect(&pupils, &mut secrets);
            collect(
                &get(format!("/api/v1/schools/{id}/staff?limit=5")).await,
                &mut secrets,
            );
            for pupil in pupils["items"].as_array().into_iter().flatten().take(2) {
                let detail = get(format!("/api/v1/pupils/{}", pupil["id"].as_str().unwrap())).await;
                collect(&detail, &mut secrets);
                for guardian in detail["guardians"].as_array().into_iter().flatten() {
                    let path = format!(
                        "/api/v1/guardians/{}/invitations",
                        guardian["id"].as_str().unwrap()
                    );
                    client
                        .post(format!("{base}{path}"))
                        .bearer_auth(token)
                        .send()
                        .await
                        .unwrap();
                }
            }
        }
    }
    // Failures carry what the person typed: it must not be logged either. (Fewer than the
    // address's throttling limit, so every attempt reaches the code that handles it.)
    for account in people.iter().take(10) {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": account["email"], "password": "a-wrong-password"}))
            .send()
            .await
            .unwrap();
        client
            .post(format!("{base}/api/v1/auth/password-reset"))
            .json(&json!({"email": account["email"]}))
            .send()
            .await
            .unwrap();
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("access"), "the log was captured: {log}");
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.len() > 100,
        "the test saw personal data to look for ({})",
        secrets.len()
    );
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|secret| log.contains(secret.as_str()))
        .collect();
    assert!(leaked.is_empty(), "the log holds personal data: {leaked:?}");
}
