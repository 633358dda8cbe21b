//! The storage layer on the backend under test.

use persistence::migrations;

use crate::helpers::TestApp;

#[tokio::test]
async fn migrations_run_twice_without_harm() {
    let app = TestApp::spawn().await;
    let token = app.operator_token().await;
    app.create_board(&token, "Stichting Blijvend").await;

    let db = app.db.clone();
    let applied = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        migrations::run_pending(&mut conn)
    })
    .await
    .unwrap()
    .unwrap();
    assert!(applied.is_empty(), "nothing is left to apply: {applied:?}");

    let list: serde_json::Value = app
        .get_as(&token, "/api/v1/boards")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["name"], "Stichting Blijvend",
        "data survives"
    );
}

#[tokio::test]
async fn the_backend_under_test_is_the_one_asked_for() {
    let app = TestApp::spawn().await;
    let expected = match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => persistence::Backend::Postgres,
        _ => persistence::Backend::Sqlite,
    };
    assert_eq!(app.db.backend(), expected);
}

#[tokio::test]
async fn sqlite_connections_use_wal_and_enforce_foreign_keys() {
    let app = TestApp::spawn().await;
    if app.db.backend() != persistence::Backend::Sqlite {
        return;
    }
    use diesel::RunQueryDsl;
    use diesel::sql_types::{Integer, Text};
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Keys {
        #[diesel(sql_type = Integer)]
        foreign_keys: i32,
    }
    let mut conn = app.db.get().unwrap();
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(&mut *conn)
        .unwrap();
    let keys: Keys = diesel::sql_query("PRAGMA foreign_keys")
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(mode.journal_mode, "wal");
    assert_eq!(keys.foreign_keys, 1);
}

#[tokio::test]
async fn postgres_connections_have_a_statement_timeout() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_DB_STATEMENT_TIMEOUT_MS", "1234")]).await;
    if app.db.backend() != persistence::Backend::Postgres {
        return;
    }
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        statement_timeout: String,
    }
    let mut conn = app.db.get().unwrap();
    let setting: Setting = diesel::sql_query("SHOW statement_timeout")
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(setting.statement_timeout, "1234ms");
}
