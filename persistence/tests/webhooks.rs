//! Webhook deliveries: written once per subscribed active endpoint, claimed by one worker at a
//! time, finished with their attempt, replayed.

#[allow(dead_code, reason = "the builders are for the other persistence tests")]
mod support;

use chrono::Duration;
use diesel::connection::SimpleConnection;
use domain::notify::EventKind;
use domain::notify::webhook_delivery::DeliveryState;
use persistence::AnyConnection;
use persistence::ids::{new_id, now};
use persistence::webhooks::deliveries::{self, AttemptOutcome};
use persistence::webhooks::endpoints::{self, NewEndpoint};
use persistence::webhooks::{Endpoint, EventRef, enqueue_for_event};
use support::{TestDb, board, school, visible};

#[expect(
    clippy::expect_used,
    reason = "a fixture that cannot be written ends the test"
)]
fn endpoint(conn: &mut AnyConnection, school_id: &str, kinds: &[EventKind]) -> Endpoint {
    let school = visible(conn, school_id);
    let new = NewEndpoint {
        url: "https://hooks.example.nl/in",
        description: None,
        event_types: kinds,
        secret: "whsec_test",
    };
    endpoints::insert(conn, &school, &new, now()).expect("endpoint")
}

fn event(school_id: &str, kind: EventKind) -> EventRef {
    EventRef {
        id: new_id(),
        school_id: school_id.to_owned(),
        kind,
        object_kind: kind.object_kind().to_owned(),
        object_id: new_id(),
        occurred_at: now(),
    }
}

fn outcome(status: Option<i32>) -> AttemptOutcome {
    AttemptOutcome {
        attempted_at: now(),
        status_code: status,
        error: status
            .filter(|s| !(200..300).contains(s))
            .map(|_| "http_status".to_owned()),
        duration_ms: 12,
    }
}

fn lease() -> chrono::NaiveDateTime {
    now() + Duration::seconds(60)
}

#[test]
fn an_event_is_enqueued_once_per_subscribed_active_endpoint() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let board = board(&mut conn, "Bestuur");
    let a = school(&mut conn, &board, "01AA");
    let b = school(&mut conn, &board, "02BB");
    let news = endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    let both = endpoint(
        &mut conn,
        &a,
        &[EventKind::NewsPublished, EventKind::ChangeRequestDecided],
    );
    let decisions = endpoint(&mut conn, &a, &[EventKind::ChangeRequestDecided]);
    let _elsewhere = endpoint(&mut conn, &b, &[EventKind::NewsPublished]);
    let off = endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    let changes = endpoints::EndpointChanges {
        active: Some(false),
        ..Default::default()
    };
    endpoints::update(&mut conn, &off, changes, now()).expect("disabled");

    let published = event(&a, EventKind::NewsPublished);
    assert_eq!(
        enqueue_for_event(&mut conn, &published).expect("enqueued"),
        2
    );
    assert_eq!(
        enqueue_for_event(&mut conn, &published).expect("again"),
        0,
        "the same event twice writes nothing new"
    );
    let decided = event(&a, EventKind::ChangeRequestDecided);
    assert_eq!(enqueue_for_event(&mut conn, &decided).expect("enqueued"), 2);

    let count = |conn: &mut AnyConnection, e: &Endpoint| {
        deliveries::list(conn, e, None, 100)
            .expect("list")
            .items
            .len()
    };
    assert_eq!(count(&mut conn, &news), 1);
    assert_eq!(count(&mut conn, &both), 2);
    assert_eq!(count(&mut conn, &decisions), 1);
    assert_eq!(count(&mut conn, &off), 0);
}

#[test]
fn a_claimed_delivery_is_not_claimed_again_until_its_lease_runs_out() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let board = board(&mut conn, "Bestuur");
    let a = school(&mut conn, &board, "01AA");
    endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    enqueue_for_event(&mut conn, &event(&a, EventKind::NewsPublished)).expect("enqueued");

    let first = deliveries::claim(&mut conn, "worker-1", lease(), 10).expect("claim");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].secret, "whsec_test");
    let second = deliveries::claim(&mut conn, "worker-2", lease(), 10).expect("claim");
    assert!(
        second.is_empty(),
        "worker 2 must not get worker 1's delivery"
    );

    // Worker 1 died: once its lease has run out, worker 2 takes the delivery.
    conn.batch_execute("UPDATE webhook_deliveries SET locked_until = '2000-01-01 00:00:00'")
        .expect("lease ran out");
    let taken = deliveries::claim(&mut conn, "worker-2", lease(), 10).expect("claim");
    assert_eq!(taken.len(), 1);
    assert!(
        !deliveries::mark_delivered(&mut conn, &first[0], "worker-1", &outcome(Some(200)))
            .expect("late answer"),
        "a worker whose lease was taken over changes nothing"
    );
    assert!(
        deliveries::mark_delivered(&mut conn, &taken[0], "worker-2", &outcome(Some(204)))
            .expect("delivered")
    );
    assert!(
        deliveries::claim(&mut conn, "worker-3", lease(), 10)
            .expect("claim")
            .is_empty()
    );
}

#[test]
fn two_workers_at_once_never_hold_the_same_delivery() {
    let db = TestDb::with_pool(2);
    let mut conn = db.conn();
    let board = board(&mut conn, "Bestuur");
    let a = school(&mut conn, &board, "01AA");
    endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    for _ in 0..3 {
        enqueue_for_event(&mut conn, &event(&a, EventKind::NewsPublished)).expect("enqueued");
    }
    let mut other = db.conn();
    if matches!(&*conn, AnyConnection::Postgresql(_)) {
        // Worker 1's claim is not committed yet: worker 2 skips the rows it locked instead of
        // waiting for them, and takes the rest.
        conn.batch_execute("BEGIN").expect("begin");
        let first = deliveries::claim(&mut conn, "worker-1", lease(), 2).expect("claim");
        let second = deliveries::claim(&mut other, "worker-2", lease(), 10).expect("claim");
        conn.batch_execute("COMMIT").expect("commit");
        assert_eq!(first.len(), 2);
        assert_eq!(second.len(), 1);
        assert!(
            first
                .iter()
                .all(|f| second.iter().all(|s| s.delivery.id != f.delivery.id))
        );
    } else {
        // SQLite has one writer at a time: the claims follow each other.
        let first = deliveries::claim(&mut conn, "worker-1", lease(), 2).expect("claim");
        let second = deliveries::claim(&mut other, "worker-2", lease(), 10).expect("claim");
        assert_eq!((first.len(), second.len()), (2, 1));
    }
}

#[test]
fn failures_back_off_then_give_up_and_count_against_the_endpoint() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let board = board(&mut conn, "Bestuur");
    let a = school(&mut conn, &board, "01AA");
    let hook = endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    enqueue_for_event(&mut conn, &event(&a, EventKind::NewsPublished)).expect("enqueued");

    let job = deliveries::claim(&mut conn, "w", lease(), 10)
        .expect("claim")
        .remove(0);
    let retry = now() + Duration::seconds(30);
    let given_up = deliveries::mark_failed(&mut conn, &job, "w", &outcome(Some(500)), Some(retry))
        .expect("failed");
    assert_eq!(given_up, None);
    assert!(
        deliveries::claim(&mut conn, "w", lease(), 10)
            .expect("claim")
            .is_empty(),
        "not due before its retry"
    );
    deliveries::make_due(&mut conn).expect("due");
    let job = deliveries::claim(&mut conn, "w", lease(), 10)
        .expect("claim")
        .remove(0);
    assert_eq!(job.delivery.attempts, 1);
    let given_up =
        deliveries::mark_failed(&mut conn, &job, "w", &outcome(None), None).expect("failed");
    assert_eq!(given_up, Some(1), "the first delivery given up in a row");

    let page = deliveries::list(&mut conn, &hook, None, 10).expect("list");
    let (delivery, attempts) = &page.items[0];
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].status_code, Some(500));

    // A replay makes it due at once with a fresh schedule; a success ends the run of failures.
    let replayed = deliveries::replay(&mut conn, &hook, &delivery.id, now()).expect("replay");
    assert_eq!(replayed.state, DeliveryState::Pending);
    assert_eq!(replayed.attempts, 0);
    let job = deliveries::claim(&mut conn, "w", lease(), 10)
        .expect("claim")
        .remove(0);
    deliveries::mark_delivered(&mut conn, &job, "w", &outcome(Some(200))).expect("delivered");
    let found = endpoints::managed_schools(&mut conn, &domain::actor::Actor::default())
        .expect("nothing managed");
    assert!(endpoints::find(&mut conn, &found, &hook.id).is_err());
    let page = deliveries::list(&mut conn, &hook, None, 10).expect("list");
    assert_eq!(page.items[0].0.state, DeliveryState::Delivered);
    assert_eq!(page.items[0].1.len(), 3);

    // Another endpoint's delivery cannot be replayed through this one.
    let other = endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    assert!(deliveries::replay(&mut conn, &other, &delivery.id, now()).is_err());
}

#[test]
fn a_disabled_endpoints_deliveries_wait() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let board = board(&mut conn, "Bestuur");
    let a = school(&mut conn, &board, "01AA");
    let hook = endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    enqueue_for_event(&mut conn, &event(&a, EventKind::NewsPublished)).expect("enqueued");
    assert!(endpoints::disable_failing(&mut conn, &hook.id, now()).expect("disabled"));
    assert!(
        !endpoints::disable_failing(&mut conn, &hook.id, now()).expect("already"),
        "disabled once"
    );
    assert!(
        deliveries::claim(&mut conn, "w", lease(), 10)
            .expect("claim")
            .is_empty()
    );
    let hook = endpoints::update(
        &mut conn,
        &hook,
        endpoints::EndpointChanges {
            active: Some(true),
            ..Default::default()
        },
        now(),
    )
    .expect("enabled");
    assert_eq!(hook.disabled, None);
    assert_eq!(
        deliveries::claim(&mut conn, "w", lease(), 10)
            .expect("claim")
            .len(),
        1
    );
}

#[test]
fn an_attempt_whose_endpoint_was_deleted_meanwhile_changes_nothing() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let board = board(&mut conn, "Bestuur");
    let a = school(&mut conn, &board, "01AA");
    let hook = endpoint(&mut conn, &a, &[EventKind::NewsPublished]);
    enqueue_for_event(&mut conn, &event(&a, EventKind::NewsPublished)).expect("enqueued");
    let job = deliveries::claim(&mut conn, "w", lease(), 10)
        .expect("claim")
        .remove(0);
    endpoints::delete(&mut conn, &hook).expect("deleted");
    assert!(
        !deliveries::mark_delivered(&mut conn, &job, "w", &outcome(Some(200)))
            .expect("no error: the delivery is gone")
    );
    assert_eq!(
        deliveries::mark_failed(&mut conn, &job, "w", &outcome(Some(500)), None).expect("no error"),
        None
    );
}
