//! Editing a post, with its history (SPEC §5): by its author (while they may still post to its
//! audience) or an admin of its school. An edit names the version it was made on; of two edits
//! of one version the second is refused (409), so neither is lost unseen.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::news::{self as domain_news, EditPost, PostTimes};
use persistence::news::{self, Edited, RevisionEntry};
use persistence::{AnyConnection, transaction};

use crate::audit::Audit;

use super::{
    NewsError, PostView, StaffPost, author_of, keep_page, object, one, refuse, staff_post, state_of,
};

/// Why an edit was refused when the post changed meanwhile.
const STALE: &str = "The post was changed after the version this edit was made on: read it \
                     again and make the change on its current `version`.";

/// The post as its editor sees it: 404 for those who do not see it, 403 (recorded as `action`)
/// for staff who see it but may not edit it.
fn editable(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    action: &str,
    now: NaiveDateTime,
) -> Result<StaffPost, NewsError> {
    let seen = staff_post(conn, actor, audit, id, now)?;
    if domain_news::may_edit(actor, author_of(&seen.post), seen.at, &seen.audience) {
        Ok(seen)
    } else {
        Err(refuse(conn, audit, action, id, &seen.school))
    }
}

/// Whether the caller may edit the post, before the edit itself is read.
pub fn may_edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), NewsError> {
    editable(conn, actor, audit, id, "edit_news_post", now).map(drop)
}

/// Applies an edit made on `version` of the post: checked by `check_edit` against where the post
/// stands (a post guardians have seen cannot go back to draft), the old title and body kept in
/// the history, the version raised, all in one transaction. The audience and school never change.
pub fn edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    version: i32,
    edit: EditPost,
    now: NaiveDateTime,
) -> Result<PostView, NewsError> {
    let StaffPost { school, post, .. } = editable(conn, actor, audit, id, "edit_news_post", now)?;
    if post.version != version {
        return Err(NewsError::Conflict(STALE));
    }
    let current = PostTimes {
        state: state_of(&post, now),
        live_from: post.live_at.map(|t| t.and_utc()),
        expires_at: post.expires_at.map(|t| t.and_utc()),
    };
    let edit = EditPost {
        audience: None,
        ..edit
    };
    let checked =
        domain_news::check_edit(edit, current, now.and_utc()).map_err(NewsError::Refused)?;
    let editor = actor.account_id.to_string();
    transaction(conn, |conn| {
        match news::edit(conn, &school, id, version, &checked, &editor, now)? {
            Edited::Applied(_) => {}
            Edited::Stale => return Err(NewsError::Conflict(STALE)),
            Edited::Gone => return Err(NewsError::NotFound),
        }
        audit.record(conn, "edit_news_post", object(id, school.id()), "ok")?;
        let post = news::find_at(conn, &school, id)?;
        one(conn, post, now)
    })
}

/// Which page of a post's history: after `cursor`, at most `limit`.
pub struct RevisionPage<'a> {
    pub cursor: Option<&'a str>,
    pub limit: i64,
}

/// A page of the post's history, newest first, for those who may edit it.
pub fn revisions(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    page: RevisionPage<'_>,
    now: NaiveDateTime,
) -> Result<(Vec<RevisionEntry>, Option<String>), NewsError> {
    let seen = editable(conn, actor, audit, id, "read_news_revisions", now)?;
    let mut items = news::revisions(conn, &seen.school, id, page.cursor, page.limit + 1)?;
    let next = keep_page(&mut items, page.limit)
        .then(|| items.last().map(|r| r.id.clone()))
        .flatten();
    audit.read(conn, object(id, seen.school.id()))?;
    Ok((items, next))
}
