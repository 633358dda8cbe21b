//! News (SPEC §5, seed 003): staff publish posts to the whole school or to groups; guardians read
//! the posts of their children's schools and current groups, and their reads are recorded.
//!
//! Each function obtains the post's school through the module gate (news switched off for the
//! caller's audience there: the post does not exist) and records its audit events.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::{Capacity, Module};
use domain::news::{self as domain_news, Audience, Confirmation, PostState, Priority, state_at};
use domain::policy::SchoolRef;
use persistence::modules::ModuleSchool;
use persistence::news::confirmations::{self, PostAndGroups};
use persistence::news::{self, AttachmentRow, FeedScope, PostRow};
use persistence::{AnyConnection, RepoError};

use super::{module_school_as, school_ref};
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

mod comments;
mod confirm;
mod edit;
mod read;
mod receipts;
mod release;
mod remind;
mod staff_feed;
mod write;

pub use comments::{CommentPage, CommentView, comment, comments, may_comment, set_hidden};
pub use confirm::{ConfirmationState, Overview, confirm, overview};
pub use edit::{RevisionPage, edit, may_edit, revisions};
pub use read::{FeedPage, feed, get, mark_read};
pub use receipts::{ReceiptPage, Receipts, receipts};
pub use release::{release, release_due};
pub use remind::remind;
pub use staff_feed::{StaffFeedQuery, StaffFeedState, staff_feed};
pub use write::{delete, may_publish, publish};

#[derive(Debug, thiserror::Error)]
pub enum NewsError {
    /// Out of reach, or news is off for the caller there: it does not exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The post breaks a rule; each refusal names its field.
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// Not possible in the post's present state (comments off, changed meanwhile, ...); the
    /// text says why, for the client's developer.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(NewsError);

impl From<NewsError> for ApiError {
    fn from(err: NewsError) -> Self {
        match err {
            NewsError::NotFound => ApiError::NotFound,
            NewsError::Forbidden => ApiError::Forbidden,
            NewsError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            NewsError::Conflict(why) => ApiError::Conflict(why.to_owned()),
            NewsError::Repo(err) => ApiError::from(err),
        }
    }
}

/// A post as answered: with its groups and attachments, and for a guardian whether they read it
/// and whether they still have to confirm it.
#[derive(Debug, Clone)]
pub struct PostView {
    pub post: PostRow,
    pub state: PostState,
    pub priority: Priority,
    pub confirmation: Confirmation,
    pub groups: Vec<String>,
    pub attachments: Vec<AttachmentRow>,
    pub read: Option<bool>,
    pub confirmation_needed: Option<bool>,
}

/// Keeps `limit` of the `limit + 1` items loaded; true when there were more (a next page).
fn keep_page<T>(items: &mut Vec<T>, limit: i64) -> bool {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = items.len() > limit;
    items.truncate(limit);
    more
}

fn object<'a>(id: &'a str, school_id: &'a str) -> Object<'a> {
    Object {
        kind: "news_post",
        id: Some(id),
        school_id: Some(school_id),
    }
}

/// Posts as answered, with their groups and attachments: two queries for any number of posts,
/// and for a guardian (`scope`) at most three more for what they still have to confirm.
fn views(
    conn: &mut AnyConnection,
    posts: Vec<(PostRow, Option<bool>)>,
    scope: Option<&FeedScope>,
    now: NaiveDateTime,
) -> Result<Vec<PostView>, RepoError> {
    let ids: Vec<String> = posts.iter().map(|(p, _)| p.id.clone()).collect();
    // Posts to the whole school have no groups: no query when the page holds only those.
    let to_groups: Vec<String> = posts
        .iter()
        .filter(|(p, _)| p.audience != "school")
        .map(|(p, _)| p.id.clone())
        .collect();
    let mut groups = if to_groups.is_empty() {
        HashMap::new()
    } else {
        news::groups_of(conn, &to_groups)?
    };
    let mut attachments = news::attachments_of(conn, &ids)?;
    let owed = match scope {
        Some(scope) => {
            let asked: Vec<PostAndGroups<'_>> = posts
                .iter()
                .map(|(post, _)| PostAndGroups {
                    post,
                    groups: groups.get(&post.id).map(Vec::as_slice).unwrap_or(&[]),
                })
                .collect();
            let today = domain::schedule::school_date(now.and_utc());
            Some(confirmations::owed(conn, scope, &asked, today)?)
        }
        None => None,
    };
    posts
        .into_iter()
        .map(|(post, read)| {
            Ok(PostView {
                state: state_of(&post, now),
                priority: post.priority()?,
                confirmation: post.confirmation()?,
                groups: groups.remove(&post.id).unwrap_or_default(),
                attachments: attachments.remove(&post.id).unwrap_or_default(),
                read,
                confirmation_needed: owed.as_ref().map(|owed| owed.contains(&post.id)),
                post,
            })
        })
        .collect()
}

fn state_of(post: &PostRow, now: NaiveDateTime) -> PostState {
    state_at(
        post.published_at.map(|t| t.and_utc()),
        post.publish_at.map(|t| t.and_utc()),
        post.expires_at.map(|t| t.and_utc()),
        now.and_utc(),
    )
}

/// One post as staff see it.
fn one(conn: &mut AnyConnection, post: PostRow, now: NaiveDateTime) -> Result<PostView, NewsError> {
    views(conn, vec![(post, None)], None, now)?
        .pop()
        .ok_or(NewsError::NotFound)
}

/// One post of a guardian's feed as they see it.
fn guardians_one(
    conn: &mut AnyConnection,
    item: news::FeedItem,
    scope: &FeedScope,
    now: NaiveDateTime,
) -> Result<PostView, NewsError> {
    views(conn, vec![(item.post, Some(item.read))], Some(scope), now)?
        .pop()
        .ok_or(NewsError::NotFound)
}

/// The post's school through the news gate for the caller acting in `capacity`, and where it is
/// for the policy.
fn school_of_post(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    capacity: Capacity,
) -> Result<(ModuleSchool, SchoolRef), NewsError> {
    let school_id = news::school_of(conn, id)?;
    let school = module_school_as(conn, actor, audit, &school_id, Module::News, capacity, None)?;
    let at = school_ref(school.row());
    Ok((school, at))
}

fn author_of(post: &PostRow) -> uuid::Uuid {
    post.author_id
        .as_deref()
        .map(persistence::ids::uuid)
        .unwrap_or_else(uuid::Uuid::nil)
}

/// A post as the school's staff see it, with its groups: its live posts to the whole school, or
/// to groups they teach (or all, for those who manage news), and its drafts and scheduled posts
/// only for those who may edit them (`NotFound` otherwise, as for a post that does not exist).
fn staff_post(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<StaffPost, NewsError> {
    let (school, at) = school_of_post(conn, actor, audit, id, Capacity::Staff)?;
    let post = news::find_at(conn, &school, id)?;
    let groups = news::groups_of(conn, std::slice::from_ref(&post.id))?
        .remove(&post.id)
        .unwrap_or_default();
    let audience = audience_of(&post, &groups);
    let live = state_of(&post, now) == PostState::Published;
    let sees = if live {
        domain_news::staff_reads(actor, at, &audience)
    } else {
        domain_news::may_edit(actor, author_of(&post), at, &audience)
    };
    if !sees {
        return Err(NewsError::NotFound);
    }
    Ok(StaffPost {
        school,
        at,
        post,
        groups,
        audience,
    })
}

/// A post's audience as the policy reads it, from its stored kind and groups.
fn audience_of(post: &PostRow, groups: &[String]) -> Audience {
    if post.audience == "school" {
        Audience::School
    } else {
        Audience::Groups(groups.iter().map(|g| persistence::ids::uuid(g)).collect())
    }
}

/// A post a staff member sees, and what the policy needs of it.
struct StaffPost {
    school: ModuleSchool,
    at: SchoolRef,
    post: PostRow,
    groups: Vec<String>,
    audience: Audience,
}

/// Refuses an action on a post the caller sees but may not act on (recorded).
fn refuse(
    conn: &mut AnyConnection,
    audit: &Audit,
    action: &str,
    id: &str,
    school: &ModuleSchool,
) -> NewsError {
    match audit.record(conn, action, object(id, school.id()), "forbidden") {
        Ok(()) => NewsError::Forbidden,
        Err(err) => NewsError::Repo(err),
    }
}
