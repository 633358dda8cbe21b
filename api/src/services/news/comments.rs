//! Comments on a post (SPEC §5, seed 003: off by default, switched on per post by its author):
//! written by guardians of its audience, read by them and the staff who see the post, hidden and
//! shown again by the post's author or an admin.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::news as domain_news;
use persistence::news::comments::{self, CommentEntry};
use persistence::{AnyConnection, transaction};

use crate::audit::{Audit, Object};

use super::read::{GuardianPost, feed_post, guardian_post};
use super::{NewsError, StaffPost, author_of, keep_page, object, refuse, staff_post};

/// Why a comment was refused on a post whose comments are off.
const COMMENTS_OFF: &str =
    "Comments are switched off for this post; its author may switch them on.";

/// A comment as answered: with the commenter's name, and whether it is the caller's own.
pub struct CommentView {
    pub entry: CommentEntry,
    pub own: bool,
}

pub struct CommentPage {
    pub items: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

/// The post, if the caller may comment on it now: a guardian of its audience (404 for others,
/// 403 for staff who see it), with comments on (409 otherwise).
fn commentable(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<GuardianPost, NewsError> {
    let seen = guardian_post(conn, actor, audit, id, "comment_news_post", now)?;
    if !seen.item.post.comments_enabled {
        return Err(NewsError::Conflict(COMMENTS_OFF));
    }
    if !domain_news::may_comment(actor, seen.reach(now), &seen.child_groups()) {
        return Err(refuse(conn, audit, "comment_news_post", id, &seen.school));
    }
    Ok(seen)
}

/// Whether the caller may comment on the post, before the comment itself is read.
pub fn may_comment(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), NewsError> {
    commentable(conn, actor, audit, id, now).map(drop)
}

/// Writes the caller's comment (checked by `check_comment`: field `body`).
pub fn comment(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    body: &str,
    now: NaiveDateTime,
) -> Result<CommentView, NewsError> {
    let seen = commentable(conn, actor, audit, id, now)?;
    let body = domain_news::check_comment(body).map_err(|r| NewsError::Refused(vec![r]))?;
    let guardian = seen.guardian_id()?;
    transaction(conn, |conn| {
        let row = comments::insert(conn, &seen.school, id, &guardian, &body, now)?;
        let object = Object {
            kind: "news_comment",
            id: Some(&row.id),
            school_id: Some(seen.school.id()),
        };
        audit.record(conn, "comment_news_post", object, "ok")?;
        let entry = comments::find(conn, &seen.school, id, &row.id)?;
        Ok(CommentView { entry, own: true })
    })
}

/// A page of the post's comments, oldest first: for the staff who see the post every comment,
/// hidden ones marked; for guardians of its audience the comments not hidden.
pub fn comments(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    cursor: Option<&str>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<CommentPage, NewsError> {
    let (school, own, staff) = match staff_post(conn, actor, audit, id, now) {
        Ok(seen) => (seen.school, Vec::new(), true),
        Err(NewsError::NotFound) => {
            let seen = feed_post(conn, actor, audit, id, now)?;
            let own = seen.scope.guardian_ids().to_vec();
            (seen.school, own, false)
        }
        Err(other) => return Err(other),
    };
    let mut rows = comments::page(conn, &school, id, staff, cursor, limit + 1)?;
    let next_cursor = keep_page(&mut rows, limit)
        .then(|| rows.last().map(|r| r.comment.id.clone()))
        .flatten();
    if staff {
        audit.read(conn, object(id, school.id()))?;
    }
    Ok(CommentPage {
        items: rows
            .into_iter()
            .map(|entry| CommentView {
                own: own.contains(&entry.comment.guardian_id),
                entry,
            })
            .collect(),
        next_cursor,
    })
}

/// Hides a comment (`hidden`) or shows it again: the post's author or an admin. Idempotent: a
/// second call, or a parallel one, changes nothing and is answered alike; only a change is
/// recorded.
pub fn set_hidden(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    comment_id: &str,
    hidden: bool,
    now: NaiveDateTime,
) -> Result<(), NewsError> {
    let action = if hidden {
        "hide_news_comment"
    } else {
        "show_news_comment"
    };
    let StaffPost {
        school,
        at,
        post,
        audience,
        ..
    } = staff_post(conn, actor, audit, id, now)?;
    if !domain_news::may_hide_comment(actor, author_of(&post), at, &audience) {
        return Err(refuse(conn, audit, action, id, &school));
    }
    let by = actor.account_id.to_string();
    transaction(conn, |conn| {
        if comments::set_hidden(conn, &school, id, comment_id, hidden, &by, now)? {
            let object = Object {
                kind: "news_comment",
                id: Some(comment_id),
                school_id: Some(school.id()),
            };
            audit.record(conn, action, object, "ok")?;
        }
        Ok(())
    })
}
