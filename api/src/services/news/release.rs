//! A post's notification: written once, when the post goes live (at once, or at its scheduled
//! time by the release worker), in the transaction that releases it.

use chrono::NaiveDateTime;
use domain::mail::Language;
use domain::notify::{EventKind, Urgency};
use persistence::notify::{self, NewEvent};
use persistence::{AnyConnection, RepoError, news};

/// Releases a live post if nobody did yet: true when this call wrote its event. A post that
/// expired before it went out notifies nobody.
pub fn release(
    conn: &mut AnyConnection,
    post_id: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let Some(post) = news::claim_release(conn, post_id, now)? else {
        return Ok(false);
    };
    if post.expires_at.is_some_and(|expiry| expiry <= now) {
        return Ok(false);
    }
    let event = NewEvent {
        school_id: &post.school_id,
        kind: EventKind::NewsPublished,
        object_id: &post.id,
        urgent: post.priority()?.urgency() == Urgency::Urgent,
        language: Language::parse(&post.language).unwrap_or_default(),
        title: &post.title,
        body: &post.body,
    };
    notify::emit(conn, &event, now)?;
    Ok(true)
}

/// Releases the posts that went live (scheduled ones, drafts published later), each in its own
/// transaction. Returns how many notified.
pub fn release_due(db: &persistence::Database, now: NaiveDateTime) -> Result<usize, RepoError> {
    let mut conn = db.get()?;
    let due = news::due_releases(&mut conn, now, 100)?;
    let mut released = 0;
    for id in due {
        if persistence::transaction(&mut conn, |conn| release(conn, &id, now))? {
            released += 1;
        }
    }
    Ok(released)
}
