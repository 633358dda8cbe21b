//! Audit events of reads are written off the request's path, in batches, and none is lost: within
//! milliseconds while the server runs, and all of them on a normal shutdown.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{ServedBinary, TestApp};
use crate::world::World;

#[tokio::test]
async fn a_read_is_in_the_audit_log_within_moments() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let p1 = world.id("P1").to_owned();
    let reads = || {
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'read' AND object_id = '{p1}'"
        ))
    };
    let before = reads();
    for _ in 0..20 {
        let response = app
            .get_as(world.token("teacher"), &world.path("/api/v1/pupils/{P1}"))
            .await;
        assert_eq!(response.status(), 200);
    }
    let mut seen = before;
    for _ in 0..100 {
        seen = reads();
        if seen == before + 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen, before + 20, "every read recorded, none twice");
}

#[tokio::test]
async fn reads_still_queued_are_written_on_a_normal_shutdown() {
    let served = ServedBinary::start(&[("OUDERPORTAAL_LOG", "warn")], Stdio::null()).await;
    let mut server = served.process;
    let base = served.base;
    let client = reqwest::Client::new();
    let accounts = served.credentials;
    let admin = accounts
        .iter()
        .find(|a| a["role"] == "school_admin")
        .unwrap();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": admin["email"], "password": admin["password"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap();
    let get = |path: String| {
        let request = client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send();
        async move { request.await.unwrap().json::<Value>().await.unwrap() }
    };
    let schools = get("/api/v1/schools".to_owned()).await;
    let school = schools["items"][0]["id"].as_str().unwrap().to_owned();
    let pupils = get(format!("/api/v1/schools/{school}/pupils?limit=50")).await;
    let ids: Vec<String> = pupils["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    // Reads in parallel, then at once a normal stop (SIGTERM) while their events may still wait.
    let reads = ids.iter().map(|id| get(format!("/api/v1/pupils/{id}")));
    futures_util::future::join_all(reads).await;
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success(), "a clean exit");

    let mut conn = persistence::Database::connect(&persistence::DbSettings {
        url: served.database.url().to_owned(),
        pool_size: 1,
        connect_timeout: Duration::from_secs(5),
        statement_timeout: Duration::from_secs(5),
    })
    .unwrap()
    .get()
    .unwrap();
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let recorded = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'read' AND object_type = 'pupil'",
    )
    .get_result::<Count>(&mut *conn)
    .unwrap()
    .n;
    assert_eq!(
        recorded as usize,
        ids.len(),
        "every read of the run recorded"
    );
}
