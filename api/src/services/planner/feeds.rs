//! Calendar feeds of the conversation planner (issue #12): a person makes a secret URL that their
//! phone's calendar subscribes to, and revokes it when the phone is lost. The phone sends no
//! bearer token, so the secret is the credential: 32 random bytes, shown once, stored only as
//! their SHA-256. A fetch reads the owner's account as at a login (a disabled account's feeds
//! answer 404) and leaves out bookings of schools where the planner is off for them in the
//! capacity they see it in (guardian or staff).

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::modules::{Capacity, Module};
use domain::planner::calendar::{self, Conversation};
use persistence::planner::feeds::{self, FeedBooking, StoredFeed};
use persistence::{AnyConnection, actors, transaction};

use super::{PlannerError, Result};
use crate::audit::{Audit, Object};
use crate::auth::refresh::hash;
use crate::services::{Denied, module_school_as};

/// Live feeds one person holds at most: our choice (a phone, a tablet, a laptop and some to
/// spare); revoke one to make another.
pub const MAX_LIVE_FEEDS: i64 = 10;
/// Feeds listed at most, newest first (revoked ones stay listed until they fall off).
pub const LISTED_FEEDS: i64 = 50;
/// Bookings a feed shows per capacity: the latest by start, our choice (years of rounds).
pub const FEED_EVENTS: i64 = 500;
/// Characters of a secret: 32 bytes in unpadded base64url.
pub const SECRET_LENGTH: usize = 43;

/// A new feed with its secret, which is never shown again.
#[derive(Debug, Clone)]
pub struct NewFeed {
    pub feed: StoredFeed,
    pub secret: String,
}

fn feed_object(feed: &StoredFeed) -> Object<'_> {
    Object {
        kind: "planner_feed",
        id: Some(&feed.id),
        school_id: None,
    }
}

fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| {
        PlannerError::Repo(persistence::RepoError::Corrupt(format!(
            "no randomness: {err}"
        )))
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether the text can be a secret at all (so nothing else is hashed and looked up).
fn well_formed(secret: &str) -> bool {
    secret.len() == SECRET_LENGTH
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Makes a feed for a guardian or staff member (anyone else has no conversations: 403); 409 at
/// [`MAX_LIVE_FEEDS`], counted under the account's lock so parallel creates cannot pass it.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    now: DateTime<Utc>,
) -> Result<NewFeed> {
    if actor.guardian.is_empty() && actor.staff.is_empty() {
        return Err(PlannerError::Forbidden);
    }
    let account = actor.account_id.to_string();
    let secret = new_secret()?;
    transaction(conn, |conn| {
        if feeds::live_count(conn, &account)? >= MAX_LIVE_FEEDS {
            return Err(PlannerError::Conflict(format!(
                "You have {MAX_LIVE_FEEDS} calendar feeds; revoke one first."
            )));
        }
        let feed = feeds::insert(conn, &account, &hash(&secret), now)?;
        audit.record(conn, "create_planner_feed", feed_object(&feed), "ok")?;
        Ok(NewFeed { feed, secret })
    })
}

/// The caller's feeds, newest first.
pub fn list(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<StoredFeed>> {
    Ok(feeds::of_account(
        conn,
        &actor.account_id.to_string(),
        LISTED_FEEDS,
    )?)
}

/// Revokes one of the caller's feeds (again: nothing changes); another's is 404.
pub fn revoke(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let account = actor.account_id.to_string();
    transaction(conn, |conn| {
        if feeds::revoke(conn, &account, id, now)? {
            let feed = StoredFeed {
                id: id.to_owned(),
                account_id: account.clone(),
                created_at: now,
                revoked_at: Some(now),
            };
            audit.record(conn, "revoke_planner_feed", feed_object(&feed), "ok")?;
        }
        Ok(())
    })
}

/// The feed of a secret as iCalendar text; an unknown or revoked secret, or a disabled account,
/// is 404.
pub fn ics(conn: &mut AnyConnection, secret: &str, audit: Audit) -> Result<String> {
    if !well_formed(secret) {
        return Err(PlannerError::NotFound);
    }
    let feed = feeds::find_live(conn, &hash(secret))?.ok_or(PlannerError::NotFound)?;
    let actor = actors::load(conn, &feed.account_id)?.ok_or(PlannerError::NotFound)?;
    let audit = Audit {
        account_id: Some(feed.account_id.clone()),
        ..audit
    };
    let bookings = feeds::events_of(conn, &feed.account_id, FEED_EVENTS)?;
    let shown = switched_on(conn, &actor, &audit, bookings)?;
    Ok(calendar::feed(&shown))
}

/// The bookings at schools where the planner is on for the person in the capacity they see
/// each in, once each, in time order. One gate per school and capacity.
fn switched_on(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    bookings: Vec<FeedBooking>,
) -> Result<Vec<Conversation>> {
    let mut gates: Vec<(String, Capacity, bool)> = Vec::new();
    let mut seen = HashSet::new();
    let mut shown = Vec::with_capacity(bookings.len());
    for booking in bookings {
        let known = gates
            .iter()
            .find(|(school, capacity, _)| {
                *school == booking.school_id && *capacity == booking.capacity
            })
            .map(|(_, _, on)| *on);
        let on = match known {
            Some(on) => on,
            None => {
                let gate = module_school_as(
                    conn,
                    actor,
                    audit,
                    &booking.school_id,
                    Module::Planner,
                    booking.capacity,
                    None,
                );
                let on = match gate {
                    Ok(_) => true,
                    Err(Denied::Repo(err)) => return Err(err.into()),
                    Err(_) => false,
                };
                gates.push((booking.school_id.clone(), booking.capacity, on));
                on
            }
        };
        if on && seen.insert(booking.conversation.booking_id.clone()) {
            shown.push(booking.conversation);
        }
    }
    shown.sort_by(|a, b| (a.starts_at, &a.booking_id).cmp(&(b.starts_at, &b.booking_id)));
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_43_characters_of_base64url_and_differ() {
        let (one, two) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(one, two);
        assert!(well_formed(&one) && well_formed(&two), "{one} {two}");
        assert!(!well_formed(&one[1..]));
        assert!(!well_formed(&format!("{}=", &one[1..])));
        assert_ne!(hash(&one), one);
    }
}
