//! Writes with a body of the usual size authorize the caller from the path and the token before
//! the body is read (review finding on news and change requests): one without rights gets 403 or
//! 404 whatever it sends, never 400 or 413, and the server does not wait for a body it will not
//! read. `las_sync` shows the same for roster uploads.

use std::time::Duration;

use crate::helpers::TestApp;
use crate::world::World;

/// Sends a body that never ends: a server that waits for it before authorizing never answers.
async fn send_endless(app: &TestApp, method: &str, path: &str, token: &str) -> u16 {
    let request = app
        .request(method.parse().unwrap(), path)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(crate::las_sync::endless_body())
        .send();
    tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .unwrap_or_else(|_| panic!("{method} {path}: the server waited for the body"))
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_caller_without_rights_is_refused_before_the_body_is_read() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    let cases = [
        ("POST", "/api/v1/schools/{A1}/news", "guardian", 403),
        (
            "PUT",
            "/api/v1/schools/{A1}/notification-settings",
            "teacher",
            403,
        ),
        ("PUT", "/api/v1/schools/{A1}/modules", "teacher", 403),
        ("PUT", "/api/v1/schools/{B1}/modules", "school_admin", 404),
        ("PUT", "/api/v1/schools/{A1}/sync-settings", "teacher", 403),
        ("PUT", "/api/v1/schools/{A1}/roster-source", "director", 403),
        (
            "PUT",
            "/api/v1/schools/{A1}/change-request-settings",
            "teacher",
            403,
        ),
        ("POST", "/api/v1/schools/{A1}/webhooks", "teacher", 403),
        ("POST", "/api/v1/schools/{B1}/webhooks", "school_admin", 404),
        (
            "POST",
            "/api/v1/change-requests/{CR1}/decision",
            "guardian",
            403,
        ),
        ("POST", "/api/v1/boards", "board_admin", 403),
        (
            "POST",
            "/api/v1/boards/{boardA}/schools",
            "school_admin",
            404,
        ),
        (
            "POST",
            "/api/v1/boards/{boardA}/integration-clients",
            "operator",
            403,
        ),
        (
            "PUT",
            "/api/v1/schools/{B1}/notification-settings",
            "school_admin",
            404,
        ),
        ("POST", "/api/v1/schools/{B1}/news", "school_admin", 404),
        ("PUT", "/api/v1/news/{N1}", "teacher", 403),
        ("PUT", "/api/v1/news/{N1}", "guardian", 404),
        ("POST", "/api/v1/news/{N1}/comments", "teacher", 403),
        ("POST", "/api/v1/news/{N2}/comments", "guardian", 404),
        (
            "POST",
            "/api/v1/pupils/{P1}/change-requests",
            "teacher",
            403,
        ),
        (
            "POST",
            "/api/v1/pupils/{P5}/change-requests",
            "guardian",
            404,
        ),
        (
            "POST",
            "/api/v1/guardians/{M1}/change-requests",
            "other_guardian",
            404,
        ),
        ("POST", "/api/v1/pupils/{P1}/absences", "teacher", 403),
        (
            "POST",
            "/api/v1/pupils/{P1}/absences",
            "other_guardian",
            404,
        ),
        (
            "POST",
            "/api/v1/schools/{A1}/absences",
            "lunch_supervisor",
            403,
        ),
        ("POST", "/api/v1/schools/{B1}/absences", "director", 404),
        ("PATCH", "/api/v1/absences/{ABS1}", "lunch_supervisor", 403),
        ("PATCH", "/api/v1/absences/{ABS5}", "guardian", 404),
        (
            "POST",
            "/api/v1/absences/{ABS1}/return",
            "other_guardian",
            404,
        ),
        (
            "PUT",
            "/api/v1/schools/{A1}/calendar/2026-2027",
            "teacher",
            403,
        ),
        (
            "PUT",
            "/api/v1/schools/{B1}/calendar/2026-2027",
            "school_admin",
            404,
        ),
    ];
    for (method, path, actor, status) in cases {
        let path = world.path(path);
        let token = world.token(actor);
        assert_eq!(
            send_endless(&app, method, &path, token).await,
            status,
            "{method} {path}"
        );
        // A malformed body, and one larger than any body may be: the same answer.
        let malformed = app
            .request(method.parse().unwrap(), &path)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body("{,")
            .send()
            .await
            .unwrap();
        assert_eq!(
            malformed.status().as_u16(),
            status,
            "{method} {path} malformed"
        );
        let huge = app
            .request(method.parse().unwrap(), &path)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(vec![b'['; 512 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status().as_u16(), status, "{method} {path} huge");
    }
    // The control: those with rights still have their bodies read (400 when malformed).
    for (method, path, actor) in [
        ("POST", "/api/v1/schools/{A1}/news", "school_admin"),
        ("PUT", "/api/v1/news/{N1}", "school_admin"),
        ("POST", "/api/v1/pupils/{P1}/change-requests", "guardian"),
    ] {
        let response = app
            .request(method.parse().unwrap(), &world.path(path))
            .bearer_auth(world.token(actor))
            .header("content-type", "application/json")
            .body("{,")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            400,
            "{method} {path}: {:?}",
            response.text().await
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM news_posts"),
        3,
        "nothing written"
    );
}
