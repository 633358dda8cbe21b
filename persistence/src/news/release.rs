//! When a post's notification is written: once, when it goes live. A post published at once is
//! released in the transaction that writes it; a scheduled one (or a draft published later) by
//! the release worker. The release is a conditional update, so with several instances exactly one
//! caller gets it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::PostRow;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::news_posts;

/// Posts live at `now` whose notification has not been written, oldest first.
pub fn due_releases(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, RepoError> {
    Ok(news_posts::table
        .filter(news_posts::notified_at.is_null())
        .filter(news_posts::live_at.le(now))
        .filter(news_posts::deleted_at.is_null())
        .order(news_posts::live_at.asc())
        .limit(limit)
        .select(news_posts::id)
        .load(conn)?)
}

/// Takes the release of a live post: `Some(post)` for exactly one caller, `None` for every other
/// (already released, deleted, or not live yet).
pub fn claim_release(
    conn: &mut AnyConnection,
    post_id: &str,
    now: NaiveDateTime,
) -> Result<Option<PostRow>, RepoError> {
    let taken = diesel::update(
        news_posts::table
            .filter(news_posts::id.eq(post_id))
            .filter(news_posts::notified_at.is_null())
            .filter(news_posts::live_at.le(now))
            .filter(news_posts::deleted_at.is_null()),
    )
    .set(news_posts::notified_at.eq(now))
    .execute(conn)?;
    if taken == 0 {
        return Ok(None);
    }
    Ok(Some(
        news_posts::table
            .filter(news_posts::id.eq(post_id))
            .select(PostRow::as_select())
            .get_result(conn)?,
    ))
}
