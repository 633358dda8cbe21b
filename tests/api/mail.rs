//! E-mail end to end: invitations, activation, password reset and the outbox, against a real
//! SMTP server on loopback.

use std::time::Duration;

use api::mailer::Mailer;
use api::outbox_worker::OutboxWorker;
use persistence::outbox;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::smtp::{SmtpSink, free_port};
use crate::world::World;

async fn app_with_mail(sink_url: &str) -> TestApp {
    TestApp::spawn_with(&[
        ("OUDERPORTAAL_SMTP_URL", sink_url),
        ("OUDERPORTAAL_OUTBOX_POLL_MS", "50"),
        ("OUDERPORTAAL_OUTBOX_RETRY_BASE_MS", "100"),
        ("OUDERPORTAAL_PUBLIC_BASE_URL", "https://portaal.test"),
    ])
    .await
}

async fn invite(app: &TestApp, world: &World, actor: &str, guardian: &str) -> reqwest::Response {
    let path = world.path(&format!("/api/v1/guardians/{{{guardian}}}/invitations"));
    app.request(reqwest::Method::POST, &path)
        .bearer_auth(world.token(actor))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitation_reaches_that_guardians_own_address_and_its_link_works_once() {
    let sink = SmtpSink::start();
    let app = app_with_mail(&sink.url()).await;
    let world = World::build(&app).await;

    // D1 is P1's other parent, in another household; M1 already has an account.
    let response = invite(&app, &world, "school_admin", "D1").await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"],
        "link_sent"
    );

    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].to,
        vec!["d1@world.example".to_owned()],
        "to D1's own address, not M1's"
    );
    assert!(
        mails[0]
            .text()
            .contains("https://portaal.test/activate#token=")
    );
    assert!(mails[0].text().contains("School A1"));

    let token = mails[0].token();
    let body = json!({"token": token, "password": "een-lang-wachtwoord"});
    let activated = app.post_json("/api/v1/auth/activation", &body).await;
    assert_eq!(activated.status(), 200);
    let tokens: Value = activated.json().await.unwrap();
    let me: Value = app
        .get_as(tokens["access_token"].as_str().unwrap(), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "d1@world.example");
    assert_eq!(me["children"][0]["id"], world.id("P1"));
    assert_eq!(
        app.login("d1@world.example", "een-lang-wachtwoord")
            .await
            .status(),
        200
    );

    let again = app
        .post_json(
            "/api/v1/auth/activation",
            &json!({"token": token, "password": "nog-een-wachtwoord"}),
        )
        .await;
    assert_problem(again, 409, "conflict").await;
}

#[tokio::test]
async fn an_existing_account_gets_the_record_only_when_its_holder_confirms() {
    let sink = SmtpSink::start();
    let app = app_with_mail(&sink.url()).await;
    let world = World::build(&app).await;
    // The board admin has an account at board-admin@world.example; the school now holds that
    // address for D1 (a LAS typo, or a roster client that wants in).
    app.execute_sql(&format!(
        "UPDATE guardians SET email = 'board-admin@world.example' WHERE id = '{}'",
        world.id("D1")
    ));
    let response = invite(&app, &world, "school_admin", "D1").await;
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"],
        "link_sent",
        "the same answer as for an address without an account"
    );
    let children = || async {
        let me: Value = app
            .get_as(world.token("board_admin"), "/api/v1/me")
            .await
            .json()
            .await
            .unwrap();
        me["children"].clone()
    };
    assert_eq!(
        children().await,
        json!([]),
        "nothing reaches the account unasked"
    );
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].to, vec!["board-admin@world.example".to_owned()]);
    assert!(
        mails[0]
            .text()
            .contains("https://portaal.test/confirm-link#token=")
    );
    let confirmed = app
        .post_json(
            "/api/v1/auth/link-confirmation",
            &json!({"token": mails[0].token()}),
        )
        .await;
    assert_eq!(confirmed.status(), 204);
    assert_eq!(children().await[0]["id"], world.id("P1"));
}

#[tokio::test]
async fn only_the_schools_admins_invite() {
    let sink = SmtpSink::start();
    let app = app_with_mail(&sink.url()).await;
    let world = World::build(&app).await;
    assert_problem(
        invite(&app, &world, "teacher", "D1").await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        invite(&app, &world, "guardian", "M1").await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        invite(&app, &world, "school_admin", "M5").await,
        404,
        "not-found",
    )
    .await;
    assert_eq!(
        invite(&app, &world, "board_admin", "M4").await.status(),
        202
    );
}

#[tokio::test]
async fn a_password_reset_link_sets_a_new_password_and_ends_the_sessions() {
    let sink = SmtpSink::start();
    let app = app_with_mail(&sink.url()).await;
    let world = World::build(&app).await;
    let old_access = world.token("guardian").to_owned();

    let asked = app
        .request(reqwest::Method::POST, "/api/v1/auth/password-reset")
        .header("accept-language", "en")
        .json(&json!({"email": "M1@world.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 202);
    let unknown = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "nobody@world.example"}),
        )
        .await;
    assert_eq!(
        unknown.status(),
        202,
        "the same answer for an unknown address"
    );

    let mails = sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 1, "no mail for the unknown address");
    assert_eq!(mails[0].to, vec!["m1@world.example".to_owned()]);
    assert!(
        mails[0].text().contains("New password"),
        "in the language asked for"
    );

    let body = json!({"token": mails[0].token(), "password": "a-brand-new-password"});
    let confirmed = app
        .post_json("/api/v1/auth/password-reset/confirmation", &body)
        .await;
    assert_eq!(confirmed.status(), 204);
    assert_eq!(
        app.get_as(&old_access, "/api/v1/me").await.status(),
        401,
        "old sessions end"
    );
    assert_eq!(
        app.login("m1@world.example", "a-brand-new-password")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.login("m1@world.example", crate::world::PASSWORD)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_goes_out_once_when_it_is_back() {
    let port = free_port();
    let app = app_with_mail(&format!("smtp://127.0.0.1:{port}")).await;
    let world = World::build(&app).await;
    assert_eq!(
        invite(&app, &world, "school_admin", "D1").await.status(),
        202
    );

    // Nothing listens: deliveries fail and are retried with back-off.
    let db = app.db.clone();
    let mut attempts = 0;
    // Up to 15 s: on a loaded CI machine the worker's turns come late.
    for _ in 0..300 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let db = db.clone();
        let pending =
            tokio::task::spawn_blocking(move || outbox::pending(&mut db.get().unwrap()).unwrap())
                .await
                .unwrap();
        assert_eq!(pending.len(), 1, "the message is kept");
        attempts = pending[0].attempts;
        if attempts >= 2 {
            break;
        }
    }
    assert!(attempts >= 2, "retried while the server was down");

    let sink = SmtpSink::start_on(port);
    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 1, "delivered once");
    let pending =
        tokio::task::spawn_blocking(move || outbox::pending(&mut db.get().unwrap()).unwrap())
            .await
            .unwrap();
    assert!(pending.is_empty());
}

#[tokio::test]
async fn two_workers_send_each_message_once() {
    let sink = SmtpSink::start();
    // The app's own worker stays off: this test runs its two workers by hand.
    let app = TestApp::spawn().await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        for i in 0..40 {
            outbox::enqueue(
                &mut conn,
                "test",
                &format!("r{i}@world.example"),
                &format!("bericht {i}"),
                "inhoud",
            )
            .unwrap();
        }
    })
    .await
    .unwrap();

    let worker = || {
        OutboxWorker::new(
            app.db.clone(),
            Mailer::new(&sink.url(), "test@ouderportaal.invalid").unwrap(),
            Duration::from_millis(20),
            chrono::Duration::milliseconds(100),
            chrono::Duration::seconds(1),
        )
    };
    let (first, second) = (worker(), worker());
    // Both work the queue at once until it is empty.
    let drain = |w: OutboxWorker| async move {
        let mut claimed = 0;
        for _ in 0..50 {
            let batch = w.send_due().await.unwrap();
            claimed += batch;
            if batch == 0 {
                break;
            }
        }
        claimed
    };
    let (a, b) = tokio::join!(drain(first), drain(second));
    assert_eq!(
        a + b,
        40,
        "between them the workers claimed each message once"
    );

    let mails = sink.wait_for(40).await;
    let mut recipients: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    let before = recipients.len();
    recipients.dedup();
    assert_eq!(before, 40);
    assert_eq!(recipients.len(), 40, "no message twice");
}

#[tokio::test]
async fn a_flood_of_reset_requests_sends_three_mails_and_only_the_last_link_works() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    World::build(&app).await;
    let ask = json!({"email": "m1@world.example"});
    let requests = (0..50).map(|_| app.post_json("/api/v1/auth/password-reset", &ask));
    for response in futures_util::future::join_all(requests).await {
        assert_eq!(response.status(), 202, "the same answer, mail or not");
    }
    let mut conn = app.db.get().unwrap();
    let resets: Vec<_> = outbox::pending(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "password_reset")
        .collect();
    drop(conn);
    assert_eq!(resets.len(), 3, "at most three an hour");
    let mut accepted = Vec::new();
    for (n, mail) in resets.iter().enumerate() {
        let body = json!({
            "token": crate::las_sync::token_in(&mail.body),
            "password": format!("een-nieuw-wachtwoord-{n}")
        });
        let status = app
            .post_json("/api/v1/auth/password-reset/confirmation", &body)
            .await
            .status();
        accepted.push(status.as_u16());
    }
    assert_eq!(
        accepted,
        vec![409, 409, 204],
        "a new link ends the earlier ones"
    );
}

#[tokio::test]
async fn an_old_invitation_of_an_active_account_only_adds_its_record() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    // D1 has no account; the school invites D1 twice (P1's record twice over two weeks, say),
    // and M4's school holds D1's address too.
    app.execute_sql(&format!(
        "UPDATE guardians SET email = 'd1@world.example' WHERE id = '{}'",
        world.id("M4")
    ));
    assert_eq!(
        invite(&app, &world, "school_admin", "D1").await.status(),
        202
    );
    assert_eq!(
        invite(&app, &world, "board_admin", "M4").await.status(),
        202
    );
    let mut conn = app.db.get().unwrap();
    let links: Vec<String> = outbox::pending(&mut conn)
        .unwrap()
        .into_iter()
        .map(|m| crate::las_sync::token_in(&m.body))
        .collect();
    drop(conn);
    assert_eq!(links.len(), 2);
    let activate = |token: &str, password: &str| json!({"token": token, "password": password});
    let first = app
        .post_json(
            "/api/v1/auth/activation",
            &activate(&links[0], "het-eerste-wachtwoord"),
        )
        .await;
    assert_eq!(first.status(), 200);
    // The second link no longer sets a password: it adds M4's record and says to sign in.
    let second = app
        .post_json(
            "/api/v1/auth/activation",
            &activate(&links[1], "een-ander-wachtwoord"),
        )
        .await;
    assert_problem(second, 409, "conflict").await;
    let login = app.login("d1@world.example", "het-eerste-wachtwoord").await;
    assert_eq!(login.status(), 200);
    let token: Value = login.json().await.unwrap();
    let me: Value = app
        .get_as(token["access_token"].as_str().unwrap(), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["children"].as_array().unwrap().len(), 2, "{me}");
}

#[tokio::test]
async fn links_to_one_account_are_limited_to_five_a_day() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    // M1 has an account: every invitation of M1's record is a confirmation link.
    for _ in 0..8 {
        assert_eq!(
            invite(&app, &world, "school_admin", "M1").await.status(),
            202
        );
    }
    let mut conn = app.db.get().unwrap();
    let sent = outbox::pending(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|m| m.to_address == "m1@world.example")
        .count();
    assert_eq!(sent, 5);
}
