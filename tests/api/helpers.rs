//! `TestApp`: starts the application for one test and offers typed request helpers.

use std::collections::HashMap;

use api::config::Config;
use api::startup::{Application, open_database};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use persistence::{Backend, Database};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

pub const TEST_SECRET: &str = "integration-test-secret-integration-test-secret";
pub const OPERATOR_EMAIL: &str = "operator@test.ouderportaal.nl";
pub const OPERATOR_PASSWORD: &str = "operator-test-password";

/// A database for one test, removed again when the test ends.
pub enum TestDatabase {
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        url: String,
        admin_url: String,
        name: String,
    },
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        match std::env::var("DATABASE_URL") {
            Ok(base) if Backend::of_url(&base) == Backend::Postgres => {
                let name = format!("ouderportaal_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&base).unwrap_or_else(|err| {
                    panic!("PostgreSQL at DATABASE_URL is not reachable: {err}")
                });
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                TestDatabase::Postgres {
                    url: with_database(&base, &name),
                    admin_url: base,
                    name,
                }
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = dir.path().join("test.db").to_string_lossy().into_owned();
                TestDatabase::Sqlite { url, _dir: dir }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The base URL with its database name replaced.
fn with_database(base: &str, name: &str) -> String {
    let (without_query, query) = match base.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (base, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let host_part = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Database,
    /// The app's password-hashing bound: its count tells how many passwords were checked.
    pub hashing: std::sync::Arc<api::auth::password::HashingGate>,
    /// The time the app's requests act at: `clock.hold(Some(at))` sets it.
    pub clock: std::sync::Arc<api::clock::Clock>,
    /// The database's URL, for a second instance beside this one.
    pub database_url: String,
    /// Dropped with the app: removes the test's database (none for a second instance).
    _database: Option<TestDatabase>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(&[]).await
    }

    /// Starts the app with extra configuration variables on top of the test defaults.
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> TestApp {
        let database = TestDatabase::create();
        let url = database.url().to_owned();
        TestApp::start(url, Some(database), overrides).await
    }

    /// Another instance on this one's database (several stateless instances behind a balancer).
    pub async fn spawn_beside(&self, overrides: &[(&str, &str)]) -> TestApp {
        TestApp::start(self.database_url.clone(), None, overrides).await
    }

    async fn start(
        url: String,
        database: Option<TestDatabase>,
        overrides: &[(&str, &str)],
    ) -> TestApp {
        let mut vars: HashMap<String, String> = HashMap::from([
            ("DATABASE_URL".to_owned(), url.clone()),
            // Callers are read again on every request: tests see a change at once. The cache has
            // tests of its own, with it on.
            ("OUDERPORTAAL_CALLER_CACHE_MS".to_owned(), "0".to_owned()),
            ("OUDERPORTAAL_BIND".to_owned(), "127.0.0.1:0".to_owned()),
            ("OUDERPORTAAL_JWT_SECRET".to_owned(), TEST_SECRET.to_owned()),
            ("OUDERPORTAAL_WORKERS".to_owned(), "1".to_owned()),
            ("OUDERPORTAAL_DB_POOL_SIZE".to_owned(), "4".to_owned()),
            // Tests run the notification engine themselves, at the instant they choose
            // (`notify_at`); a test of the worker turns it on.
            ("OUDERPORTAAL_NOTIFY_POLL_MS".to_owned(), "0".to_owned()),
            (
                "OUDERPORTAAL_RETENTION_PURGE".to_owned(),
                "false".to_owned(),
            ),
        ]);
        for (name, value) in overrides {
            vars.insert((*name).to_owned(), (*value).to_owned());
        }
        let config =
            Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration");
        let db = open_database(&config).expect("test database");
        let app = Application::build_with(config, db.clone()).expect("application");
        let address = format!("http://127.0.0.1:{}", app.port());
        let hashing = app.hashing();
        let clock = app.clock();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db,
            hashing,
            clock,
            database_url: url,
            _database: database,
        }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.request(Method::GET, path)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Creates a platform operator and signs in as one.
    pub async fn operator_token(&self) -> String {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let hash = api::auth::password::hash(OPERATOR_PASSWORD).unwrap();
            let mut conn = db.get().unwrap();
            persistence::accounts::insert_operator(&mut conn, OPERATOR_EMAIL, &hash).unwrap();
        })
        .await
        .unwrap();
        let response = self.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn create_board(&self, token: &str, name: &str) -> Value {
        let response = self
            .post_json_as(token, "/api/v1/boards", &serde_json::json!({"name": name}))
            .await;
        assert_eq!(response.status(), 201, "creating board {name}");
        response.json().await.unwrap()
    }

    /// The id of the group with this LAS key (the world names B1's group `GB1` only by its key).
    pub fn group_id(&self, las_key: &str) -> String {
        use diesel::prelude::*;
        use persistence::schema::school_groups;
        let mut conn = self.db.get().unwrap();
        school_groups::table
            .filter(school_groups::las_key.eq(las_key))
            .select(school_groups::id)
            .first(&mut *conn)
            .unwrap()
    }

    /// The one number a SQL query selects as `n` (counts in tests).
    pub fn scalar(&self, sql: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.db.get().unwrap();
        diesel::sql_query(sql)
            .get_result::<Count>(&mut *conn)
            .unwrap()
            .n
    }

    /// Runs the notification engine once as if it were `at`: releases the posts live by then,
    /// reminds the conversations due, announces the forms opened, fans out the waiting events, and hands the e-mails due by then to the outbox.
    pub fn notify_at(&self, at: chrono::DateTime<chrono::Utc>) -> api::services::notify::FanOut {
        api::services::news::release_due(&self.db, at.naive_utc()).unwrap();
        api::services::planner::send_due_reminders(&self.db, at).unwrap();
        api::services::forms::announce_due(&self.db, at).unwrap();
        let fanned = api::services::notify::fan_out(&self.db, "test-worker", at).unwrap();
        api::services::notify::hand_due_emails(&self.db, at).unwrap();
        fanned
    }

    /// Runs the nightly retention purge as it would run at `at`; false when the lease is held.
    pub fn purge_at(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        let mut conn = self.db.get().unwrap();
        api::services::retention::run_scheduled(&mut conn, "test-purge", at).unwrap()
    }

    pub fn execute_sql(&self, sql: &str) {
        let mut conn = self.db.get().unwrap();
        conn.batch_execute(sql).unwrap();
    }
}

/// Asserts an RFC 9457 answer with this status and problem type, and returns its body.
pub async fn assert_problem(response: Response, status: u16, slug: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("urn:ouderportaal:problem:{slug}"));
    assert!(body["title"].is_string());
    assert_eq!(
        body["request_id"].as_str().map(str::to_owned),
        request_id,
        "request id in body and header"
    );
    body
}

/// The `field` values of a problem's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The real binary serving the demo data on a database of its own, for tests of the process as a
/// whole (its log, its shutdown). Its credentials file is `credentials` in `dir`.
pub struct ServedBinary {
    pub process: std::process::Child,
    pub base: String,
    pub credentials: Vec<Value>,
    pub database: TestDatabase,
    pub _dir: tempfile::TempDir,
}

impl ServedBinary {
    /// Starts `ouderportaal serve --demo` with these variables, stderr to `stderr`, and waits until
    /// it is ready.
    pub async fn start(vars: &[(&str, &str)], stderr: std::process::Stdio) -> ServedBinary {
        let database = TestDatabase::create();
        let dir = tempfile::tempdir().unwrap();
        let credentials = dir.path().join("credentials.json");
        let port = crate::smtp::free_port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ouderportaal"));
        command
            .args(["serve", "--demo", "--credentials"])
            .arg(&credentials)
            .env("DATABASE_URL", database.url())
            .env("OUDERPORTAAL_BIND", format!("127.0.0.1:{port}"))
            // Tests sign in as many demo accounts at once: not a test of the rate limit.
            .env("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(stderr);
        for (name, value) in vars {
            command.env(name, value);
        }
        let process = command.spawn().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let mut ready = false;
        for _ in 0..200 {
            if client
                .get(format!("{base}/health/ready"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                ready = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(ready, "the server started");
        let credentials =
            serde_json::from_str(&std::fs::read_to_string(&credentials).unwrap()).unwrap();
        ServedBinary {
            process,
            base,
            credentials,
            database,
            _dir: dir,
        }
    }
}
