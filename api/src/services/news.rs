//! News (SPEC §5, seed 003): staff publish posts to the whole school or to groups; guardians read
//! the posts of their children's schools and current groups, and their reads are recorded.
//!
//! Each function obtains the post's school through the module gate (news switched off for the
//! caller's audience there: the post does not exist) and records its audit events.

use chrono::NaiveDateTime;
use domain::Invalid;
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::{Capacity, Module};
use domain::news::{
    self as domain_news, Audience, Confirmation, FeedKey, NewPost, PostState, Priority, state_at,
};
use domain::policy::{SchoolAction, SchoolRef};
use domain::schedule::school_date;
use persistence::modules::ModuleSchool;
use persistence::news::{self, AttachmentRow, FeedScope, PostRow};
use persistence::{AnyConnection, RepoError, transaction};

use super::{Denied, module_school_as, school_ref};
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

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
            NewsError::Repo(err) => ApiError::from(err),
        }
    }
}

/// A post as answered: with its groups and attachments, and for a guardian whether they read it.
#[derive(Debug, Clone)]
pub struct PostView {
    pub post: PostRow,
    pub state: PostState,
    pub priority: Priority,
    pub confirmation: Confirmation,
    pub groups: Vec<String>,
    pub attachments: Vec<AttachmentRow>,
    pub read: Option<bool>,
}

/// A page of a guardian's feed, and the key after which the next page starts.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub items: Vec<PostView>,
    pub next: Option<FeedKey>,
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

/// Posts as answered, with their groups and attachments: two queries for any number of posts.
fn views(
    conn: &mut AnyConnection,
    posts: Vec<(PostRow, Option<bool>)>,
    now: NaiveDateTime,
) -> Result<Vec<PostView>, RepoError> {
    let ids: Vec<String> = posts.iter().map(|(p, _)| p.id.clone()).collect();
    let mut groups = news::groups_of(conn, &ids)?;
    let mut attachments = news::attachments_of(conn, &ids)?;
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

fn one(
    conn: &mut AnyConnection,
    post: PostRow,
    read: Option<bool>,
    now: NaiveDateTime,
) -> Result<PostView, NewsError> {
    views(conn, vec![(post, read)], now)?
        .pop()
        .ok_or(NewsError::NotFound)
}

/// Publishes (or saves as a draft, or schedules) a post at a school: a teacher to their own
/// groups, an admin to the whole school or any of its current groups.
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    post: NewPost,
    now: NaiveDateTime,
) -> Result<PostView, NewsError> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::News,
        Capacity::Staff,
        Some(SchoolAction::PostNews),
    )?;
    let checked = domain_news::check_new_post(post, now.and_utc()).map_err(NewsError::Refused)?;
    let at = school_ref(school.row());
    if !domain_news::may_post(actor, at, &checked.post.audience) {
        let refused = object("", school_id);
        audit.record(
            conn,
            "create_news_post",
            Object {
                id: None,
                ..refused
            },
            "forbidden",
        )?;
        return Err(NewsError::Forbidden);
    }
    let author = actor.account_id.to_string();
    transaction(conn, |conn| {
        let id = news::insert(conn, &school, &checked, &author, now)?.ok_or_else(|| {
            NewsError::Refused(vec![Refusal {
                field: "audience.group_ids".to_owned(),
                reason: Invalid {
                    code: "unknown_group",
                    message: "is not a group of this school year at this school".to_owned(),
                },
            }])
        })?;
        audit.record(conn, "create_news_post", object(&id, school_id), "ok")?;
        let post = news::find_at(conn, &school, &id)?;
        one(conn, post, None, now)
    })
}

/// The schools among the guardian's where news is on for guardians.
fn feed_schools(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
) -> Result<Vec<String>, NewsError> {
    let mut schools: Vec<String> = Vec::new();
    for link in &actor.guardian {
        let id = link.school_id.to_string();
        if schools.contains(&id) {
            continue;
        }
        match module_school_as(
            conn,
            actor,
            audit,
            &id,
            Module::News,
            Capacity::Guardian,
            None,
        ) {
            Ok(_) => schools.push(id),
            Err(Denied::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(schools)
}

/// A page of the caller's feed as a guardian: the posts for their children's schools and current
/// groups, pinned first, then newest first, after `cursor`.
pub fn feed(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    cursor: Option<FeedKey>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<FeedPage, NewsError> {
    let schools = feed_schools(conn, actor, audit)?;
    let scope = FeedScope::for_guardian(conn, actor, &schools, school_date(now.and_utc()))?;
    // One more than asked tells whether there is a next page.
    let mut items = news::feed(conn, &scope, cursor.as_ref(), limit + 1, now)?;
    let next = if keep_page(&mut items, limit) {
        items.last().and_then(|item| item.post.feed_key())
    } else {
        None
    };
    let posts = items
        .into_iter()
        .map(|item| (item.post, Some(item.read)))
        .collect();
    Ok(FeedPage {
        items: views(conn, posts, now)?,
        next,
    })
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
    let audience = if post.audience == "school" {
        Audience::School
    } else {
        Audience::Groups(groups.iter().map(|g| persistence::ids::uuid(g)).collect())
    };
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

/// A post a staff member sees, and what the policy needs of it.
struct StaffPost {
    school: ModuleSchool,
    at: SchoolRef,
    post: PostRow,
    groups: Vec<String>,
    audience: Audience,
}

/// A post of the guardian's feed, and its school.
fn feed_post(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<(ModuleSchool, news::FeedItem), NewsError> {
    let (school, _) = school_of_post(conn, actor, audit, id, Capacity::Guardian)?;
    let today = school_date(now.and_utc());
    let scope = FeedScope::for_guardian(conn, actor, &[school.id().to_owned()], today)?;
    let item = news::find_in_feed(conn, &scope, id, now)?;
    Ok((school, item))
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

/// One post. The school's staff (and its board's admins) read its live posts, and its drafts and
/// scheduled posts when they may edit them (the author, the admins); a guardian reads it when it
/// is in their feed, with whether they read it.
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<PostView, NewsError> {
    match staff_post(conn, actor, audit, id, now) {
        Ok(seen) => one(conn, seen.post, None, now),
        // Not staff there (or news is off for them as staff): as a guardian, if at all.
        Err(NewsError::NotFound) => {
            let (_, item) = feed_post(conn, actor, audit, id, now)?;
            one(conn, item.post, Some(item.read), now)
        }
        Err(other) => Err(other),
    }
}

/// Records that the guardian read a post of their feed (once; again changes nothing).
pub fn mark_read(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), NewsError> {
    let (school, _) = feed_post(conn, actor, audit, id, now)?;
    let guardian = actor
        .guardian
        .iter()
        .find(|link| link.school_id.to_string() == school.id())
        .ok_or(NewsError::NotFound)?;
    news::mark_read(conn, id, &guardian.guardian_id.to_string(), now)?;
    Ok(())
}

/// Deletes a post: its author or an admin of its school.
pub fn delete(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), NewsError> {
    // As staff only: for a guardian a post outside their feed does not exist, nor one in it.
    let StaffPost {
        school,
        at,
        post,
        audience,
        ..
    } = staff_post(conn, actor, audit, id, now)?;
    if !domain_news::may_delete(actor, author_of(&post), at, &audience) {
        return Err(refuse(conn, audit, "delete_news_post", id, &school));
    }
    transaction(conn, |conn| {
        if !news::delete(conn, &school, id, now)? {
            return Err(NewsError::NotFound);
        }
        audit.record(conn, "delete_news_post", object(id, school.id()), "ok")?;
        Ok(())
    })
}

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
