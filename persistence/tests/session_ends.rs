//! The feed of ended sessions and disabled accounts (`session_ends`), written by triggers: every
//! way a session ends reaches it once, and it is read by the database's clock.

#[allow(dead_code, reason = "the builders are for the other persistence tests")]
mod support;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use persistence::session_ends::{self, Ended};
use persistence::{accounts, sessions};
use support::TestDb;

const WINDOW: Duration = Duration::from_secs(60);

fn sorted(mut ended: Ended) -> Ended {
    ended.sessions.sort();
    ended.accounts.sort();
    ended
}

#[test]
fn every_way_a_session_ends_is_in_the_feed_once() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let ann = accounts::insert_person(&mut conn, "ann@example.org", None).expect("account");
    let bob = accounts::insert_person(&mut conn, "bob@example.org", None).expect("account");
    let logout = sessions::start(&mut conn, &ann.id).expect("session");
    let other_two = [
        sessions::start(&mut conn, &ann.id).expect("session"),
        sessions::start(&mut conn, &ann.id).expect("session"),
    ];
    let removed = sessions::start(&mut conn, &bob.id).expect("session");
    let live = sessions::start(&mut conn, &bob.id).expect("session");
    assert_eq!(
        session_ends::recent(&mut conn, WINDOW).expect("feed"),
        Ended::default(),
        "a session that starts is no end"
    );

    sessions::revoke(&mut conn, &logout).expect("logout");
    sessions::revoke(&mut conn, &logout).expect("a second logout changes nothing");
    sessions::revoke_all(&mut conn, &ann.id).expect("a new password");
    conn.batch_execute(&format!("DELETE FROM sessions WHERE id = '{removed}'"))
        .expect("delete");
    conn.batch_execute(&format!(
        "UPDATE accounts SET disabled_at = CURRENT_TIMESTAMP WHERE id = '{}'",
        bob.id
    ))
    .expect("disable");

    let mut expected_sessions = vec![logout, removed];
    expected_sessions.extend(other_two);
    let expected = sorted(Ended {
        sessions: expected_sessions,
        accounts: vec![bob.id.clone()],
    });
    let ended = sorted(session_ends::recent(&mut conn, WINDOW).expect("feed"));
    assert_eq!(ended, expected);
    assert!(
        !ended.sessions.contains(&live),
        "a live session is not in it"
    );
}

#[test]
fn the_feed_is_read_by_the_databases_clock_and_pruned_by_age() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let ann = accounts::insert_person(&mut conn, "ann@example.org", None).expect("account");
    let session = sessions::start(&mut conn, &ann.id).expect("session");
    sessions::revoke(&mut conn, &session).expect("logout");
    conn.batch_execute(
        "INSERT INTO session_ends (session_id, account_id, ended_at) \
         VALUES ('old', 'old', '2000-01-01 00:00:00')",
    )
    .expect("an old end");

    let ended = session_ends::recent(&mut conn, WINDOW).expect("feed");
    assert_eq!(
        ended.sessions,
        vec![session.clone()],
        "the old end is outside the window"
    );

    assert_eq!(
        session_ends::prune(&mut conn, Duration::from_secs(3600)).expect("prune"),
        1
    );
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        session_ends::recent(&mut conn, Duration::from_secs(1)).expect("feed"),
        Ended::default(),
        "an end older than the window is not read"
    );
    assert_eq!(
        session_ends::prune(&mut conn, Duration::from_secs(1)).expect("prune"),
        1
    );
}
