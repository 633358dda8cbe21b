//! Who of a post's audience has read it, for its author and the school's admins.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::news as domain_news;
use persistence::AnyConnection;
use persistence::news;

use crate::audit::Audit;

use super::{NewsError, StaffPost, author_of, keep_page, object, refuse, staff_post};

/// Who of a post's audience has read it, for its author and the school's admins: the counts, and
/// a page of the guardians (names only) after `cursor`, optionally only those who have (or have
/// not) read it.
pub struct Receipts {
    pub counts: news::ReadCounts,
    pub items: Vec<news::Receipt>,
    pub next_cursor: Option<String>,
}

/// Which page of receipts: those who have (or have not) read it, after `cursor`, at most `limit`.
pub struct ReceiptPage<'a> {
    pub read: Option<bool>,
    pub cursor: Option<&'a str>,
    pub limit: i64,
}

pub fn receipts(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    page: ReceiptPage<'_>,
    now: NaiveDateTime,
) -> Result<Receipts, NewsError> {
    let ReceiptPage {
        read,
        cursor,
        limit,
    } = page;
    // As staff only: a guardian learns nothing of a post outside their feed, not even that it
    // exists.
    let StaffPost {
        school,
        at,
        post,
        groups,
        audience,
    } = staff_post(conn, actor, audit, id, now)?;
    if !domain_news::may_edit(actor, author_of(&post), at, &audience) {
        return Err(refuse(conn, audit, "read_news_receipts", id, &school));
    }
    if post.audience != "school" && groups.is_empty() {
        // Its groups are gone (a sync removed them): it reaches no one, not the whole school.
        return Ok(Receipts {
            counts: news::ReadCounts { read: 0, unread: 0 },
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let of = news::PostAudience {
        school: &school,
        post_id: &post.id,
        groups: &groups,
    };
    let counts = news::read_counts(conn, &of)?;
    let mut items = news::receipts(conn, &of, read, cursor, limit + 1)?;
    let next_cursor = keep_page(&mut items, limit)
        .then(|| items.last().map(|r| r.guardian_id.clone()))
        .flatten();
    audit.read(conn, object(id, school.id()))?;
    Ok(Receipts {
        counts,
        items,
        next_cursor,
    })
}
