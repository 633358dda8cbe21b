//! Calendar feeds of the planner: stored by their secret's hash, found only while live, revoked
//! once and only by their owner, listed newest first; an account without bookings has no events.

#[allow(dead_code, reason = "the builders are for the other persistence tests")]
mod support;

use chrono::{TimeZone, Utc};
use persistence::accounts;
use persistence::error::RepoError;
use persistence::planner::feeds;
use support::TestDb;

#[test]
fn a_feed_is_found_by_its_hash_until_its_owner_revokes_it() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let ann = accounts::insert_person(&mut conn, "ann@example.org", None).expect("account");
    let bob = accounts::insert_person(&mut conn, "bob@example.org", None).expect("account");
    let made = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let first = feeds::insert(&mut conn, &ann.id, "hash-1", made).expect("feed");
    let later = made + chrono::Duration::minutes(1);
    let second = feeds::insert(&mut conn, &ann.id, "hash-2", later).expect("feed");
    // The same hash twice is refused by the unique index.
    assert!(feeds::insert(&mut conn, &bob.id, "hash-1", later).is_err());

    let found = feeds::find_live(&mut conn, "hash-1")
        .expect("find")
        .expect("live");
    assert_eq!(found, first);
    assert_eq!(feeds::live_count(&mut conn, &ann.id).expect("count"), 2);

    // Bob cannot revoke Ann's feed: it does not exist for him.
    let theirs = feeds::revoke(&mut conn, &bob.id, &first.id, later);
    assert!(matches!(theirs, Err(RepoError::NotFound)), "{theirs:?}");
    assert!(feeds::revoke(&mut conn, &ann.id, &first.id, later).expect("revoke"));
    assert!(!feeds::revoke(&mut conn, &ann.id, &first.id, later).expect("again"));
    assert_eq!(feeds::find_live(&mut conn, "hash-1").expect("find"), None);
    assert_eq!(feeds::live_count(&mut conn, &ann.id).expect("count"), 1);

    let listed = feeds::of_account(&mut conn, &ann.id, 10).expect("list");
    let ids: Vec<&str> = listed.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()]);
    assert_eq!(listed[1].revoked_at, Some(later));
    assert!(
        feeds::of_account(&mut conn, &bob.id, 10)
            .expect("list")
            .is_empty()
    );
    assert!(
        feeds::events_of(&mut conn, &ann.id, 500)
            .expect("events")
            .is_empty()
    );
}
