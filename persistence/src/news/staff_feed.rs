//! The news of one school as its staff see it (SPEC §5, #10 item 4): a page of the school's live
//! posts in a staff member's reach, or of the scheduled posts or drafts they may edit, in the
//! guardian feed's order and with its cursor. The school comes through the module gate (a
//! [`ModuleSchool`]), so a post of another school is never read; the reach is the domain's
//! ([`StaffReach`], [`EditReach`]), written here as SQL. One ordered walk of the feed index
//! `(school_id, pinned, live_at, id)`, whatever the number of posts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::news::{EditReach, FeedKey, StaffReach};

use super::queries::after_cursor;
use super::rows::PostRow;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::modules::ModuleSchool;
use crate::schema::{news_post_groups, news_posts};

/// Which posts of the school a staff list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffList {
    /// Live (published, not expired) posts in this reach.
    Live(StaffReach),
    /// Scheduled posts (not yet live, not expired) the caller may edit.
    Scheduled(EditReach),
    /// Drafts the caller may edit, the newest first (ids are time-ordered, version 7).
    Draft(EditReach),
}

impl StaffList {
    /// A post's place in the list, for the next page's cursor. A draft has no `live_at`: its key
    /// holds its creation time, and the list reads only its pinned flag and id (drafts are
    /// walked by id, which orders them as created).
    pub fn key_of(&self, post: &PostRow) -> Option<FeedKey> {
        match self {
            StaffList::Draft(_) => Some(FeedKey {
                pinned: post.pinned,
                published_at: post.created_at.and_utc(),
                id: crate::ids::uuid(&post.id),
            }),
            _ => post.feed_key(),
        }
    }
}

fn strings(ids: &[uuid::Uuid]) -> Vec<String> {
    ids.iter().map(uuid::Uuid::to_string).collect()
}

/// A page of the school's posts in the list after `cursor` (pinned first, then the latest
/// `live_at` first, then the higher id), at most `limit`: one query.
pub fn staff_feed(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    list: &StaffList,
    cursor: Option<&FeedKey>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<Vec<PostRow>, RepoError> {
    let (edits, groups, author) = match list {
        StaffList::Live(StaffReach::SchoolAnd(groups)) => (None, strings(groups), String::new()),
        StaffList::Live(_) => (None, Vec::new(), String::new()),
        StaffList::Scheduled(edits) | StaffList::Draft(edits) => match edits {
            EditReach::OwnWithin { author, groups } => {
                (Some(edits), strings(groups), author.to_string())
            }
            _ => (Some(edits), Vec::new(), String::new()),
        },
    };
    let mut query = news_posts::table
        .filter(news_posts::school_id.eq(school.id().to_owned()))
        .filter(news_posts::deleted_at.is_null())
        .into_boxed();
    let not_expired = news_posts::expires_at
        .is_null()
        .or(news_posts::expires_at.gt(now));
    query = match list {
        StaffList::Live(_) => query
            .filter(news_posts::live_at.le(now))
            .filter(not_expired),
        StaffList::Scheduled(_) => query
            .filter(news_posts::live_at.gt(now))
            .filter(not_expired),
        // A draft is a draft whatever its expiry (`domain::news::state_at`).
        StaffList::Draft(_) => query.filter(news_posts::live_at.is_null()),
    };
    match list {
        StaffList::Live(StaffReach::Everything) => {}
        StaffList::Live(StaffReach::Nothing) => return Ok(Vec::new()),
        // As the guardian feed: a key lookup per candidate post, not a list of the posts to the
        // groups (which grows with the school's history).
        StaffList::Live(StaffReach::SchoolAnd(_)) => {
            let to_own_groups = diesel::dsl::exists(
                news_post_groups::table
                    .filter(news_post_groups::post_id.eq(news_posts::id))
                    .filter(news_post_groups::group_id.eq_any(&groups)),
            );
            query = query.filter(news_posts::audience.eq("school").or(to_own_groups));
        }
        StaffList::Scheduled(_) | StaffList::Draft(_) => match edits {
            Some(EditReach::Everything) => {}
            Some(EditReach::OwnWithin { .. }) => {
                // Their own, to groups every one of which they teach.
                let to_other_groups = diesel::dsl::exists(
                    news_post_groups::table
                        .filter(news_post_groups::post_id.eq(news_posts::id))
                        .filter(news_post_groups::group_id.ne_all(&groups)),
                );
                query = query
                    .filter(news_posts::author_id.eq(&author))
                    .filter(news_posts::audience.eq("groups"))
                    .filter(diesel::dsl::not(to_other_groups));
            }
            Some(EditReach::Nothing) | None => return Ok(Vec::new()),
        },
    }
    let query = match (list, cursor) {
        (StaffList::Draft(_), Some(cursor)) => {
            let id = cursor.id.to_string();
            if cursor.pinned {
                query.filter(
                    news_posts::pinned
                        .eq(false)
                        .or(news_posts::pinned.eq(true).and(news_posts::id.lt(id))),
                )
            } else {
                query
                    .filter(news_posts::pinned.eq(false))
                    .filter(news_posts::id.lt(id))
            }
        }
        _ => after_cursor(query, cursor),
    };
    // Drafts: `live_at` is NULL throughout, so this is their id order on the same index.
    Ok(query
        .order((
            news_posts::pinned.desc(),
            news_posts::live_at.desc(),
            news_posts::id.desc(),
        ))
        .limit(limit)
        .select(PostRow::as_select())
        .load(conn)?)
}
