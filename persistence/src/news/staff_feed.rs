//! The news of one school as its staff see it (SPEC §5, #10 item 4): a page of the school's live
//! posts in a staff member's reach, or of the scheduled posts they may edit, in the guardian
//! feed's order and with its cursor. The school comes through the module gate (a
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
    let groups: Vec<String> = match list {
        StaffList::Live(StaffReach::SchoolAnd(groups))
        | StaffList::Scheduled(EditReach::OwnWithin { groups, .. }) => strings(groups),
        _ => Vec::new(),
    };
    let author = match list {
        StaffList::Scheduled(EditReach::OwnWithin { author, .. }) => author.to_string(),
        _ => String::new(),
    };
    let mut query = news_posts::table
        .filter(news_posts::school_id.eq(school.id().to_owned()))
        .filter(news_posts::deleted_at.is_null())
        .filter(
            news_posts::expires_at
                .is_null()
                .or(news_posts::expires_at.gt(now)),
        )
        .into_boxed();
    match list {
        StaffList::Live(reach) => {
            query = query.filter(news_posts::live_at.le(now));
            match reach {
                StaffReach::Everything => {}
                StaffReach::Nothing => return Ok(Vec::new()),
                // As the guardian feed: a key lookup per candidate post, not a list of the
                // posts to the groups (which grows with the school's history).
                StaffReach::SchoolAnd(_) => {
                    let to_own_groups = diesel::dsl::exists(
                        news_post_groups::table
                            .filter(news_post_groups::post_id.eq(news_posts::id))
                            .filter(news_post_groups::group_id.eq_any(&groups)),
                    );
                    query = query.filter(news_posts::audience.eq("school").or(to_own_groups));
                }
            }
        }
        StaffList::Scheduled(edits) => {
            query = query.filter(news_posts::live_at.gt(now));
            match edits {
                EditReach::Everything => {}
                EditReach::Nothing => return Ok(Vec::new()),
                // Their own, to groups every one of which they teach.
                EditReach::OwnWithin { .. } => {
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
            }
        }
    }
    Ok(after_cursor(query, cursor)
        .order((
            news_posts::pinned.desc(),
            news_posts::live_at.desc(),
            news_posts::id.desc(),
        ))
        .limit(limit)
        .select(PostRow::as_select())
        .load(conn)?)
}
