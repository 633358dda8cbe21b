//! A school's news as its staff see it (#10 item 4): the guardian feed's order, cursor and page
//! shape, over the school's live posts the caller reads, or the scheduled posts or drafts they
//! may edit.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::modules::{Capacity, Module};
use domain::news::{FeedKey, edit_reach, staff_reach};
use persistence::AnyConnection;
use persistence::news::{self, StaffList};

use super::{FeedPage, NewsError, keep_page, views};
use crate::audit::Audit;
use crate::services::{module_school_as, school_ref};

/// Which of the school's posts: the live ones (the default), the scheduled ones or the drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaffFeedState {
    #[default]
    Live,
    Scheduled,
    Draft,
}

/// What page of which posts.
#[derive(Debug, Clone, Copy)]
pub struct StaffFeedQuery {
    pub state: StaffFeedState,
    pub cursor: Option<FeedKey>,
    pub limit: i64,
}

/// A page of the school's news for its staff (those for whom news is on there as staff) and its
/// board's admins, after the query's cursor: the live posts the caller reads
/// ([`domain::news::staff_reads`]), or the scheduled posts or drafts they may
/// edit ([`domain::news::may_edit`]). Anyone else: the school's news does not exist (404). Three
/// queries a page at most, besides the gate.
pub fn staff_feed(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    query: StaffFeedQuery,
    now: NaiveDateTime,
) -> Result<FeedPage, NewsError> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::News,
        Capacity::Staff,
        None,
    )?;
    let at = school_ref(school.row());
    let list = match query.state {
        StaffFeedState::Live => StaffList::Live(staff_reach(actor, at)),
        StaffFeedState::Scheduled => StaffList::Scheduled(edit_reach(actor, at)),
        StaffFeedState::Draft => StaffList::Draft(edit_reach(actor, at)),
    };
    let limit = query.limit;
    // One more than asked tells whether there is a next page.
    let mut posts = news::staff_feed(conn, &school, &list, query.cursor.as_ref(), limit + 1, now)?;
    let next = if keep_page(&mut posts, limit) {
        posts.last().and_then(|post| list.key_of(post))
    } else {
        None
    };
    // No read state for staff: `read` stays absent, as for one post.
    let posts = posts.into_iter().map(|post| (post, None)).collect();
    Ok(FeedPage {
        items: views(conn, posts, None, now)?,
        next,
    })
}
