//! Reading news: a guardian's feed, one post (as staff or as a guardian), and marking it read.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::modules::{Audience as ModuleAudience, Capacity, Module};
use domain::news::FeedKey;
use domain::schedule::school_date;
use persistence::modules::ModuleSchool;
use persistence::news::{self, FeedScope};
use persistence::{AnyConnection, modules};

use crate::audit::Audit;

use domain::news::{Audience, PostReach};
use domain::policy::SchoolRef;

use super::{
    NewsError, PostView, audience_of, guardians_one, keep_page, one, refuse, school_of_post,
    staff_post, state_of, views,
};

/// A page of a guardian's feed, and the key after which the next page starts.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub items: Vec<PostView>,
    pub next: Option<FeedKey>,
}

/// The schools among the guardian's where news is on for guardians: one query. The schools are
/// the caller's own guardian links (read with the caller, so in their scope by construction).
fn feed_schools(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<String>, NewsError> {
    let mut schools: Vec<String> = actor
        .guardian
        .iter()
        .map(|link| link.school_id.to_string())
        .collect();
    schools.sort();
    schools.dedup();
    Ok(modules::schools_on(
        conn,
        Module::News,
        ModuleAudience::Guardian,
        &schools,
    )?)
}

/// A page of the caller's feed as a guardian: the posts for their children's schools and current
/// groups, pinned first, then newest first, after `cursor`.
pub fn feed(
    conn: &mut AnyConnection,
    actor: &Actor,
    cursor: Option<FeedKey>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<FeedPage, NewsError> {
    let schools = feed_schools(conn, actor)?;
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
        items: views(conn, posts, Some(&scope), now)?,
        next,
    })
}

/// A post of a guardian's feed, with what acting on it needs.
pub(super) struct GuardianPost {
    pub school: ModuleSchool,
    pub at: SchoolRef,
    pub item: news::FeedItem,
    pub scope: FeedScope,
    pub groups: Vec<String>,
    pub audience: Audience,
}

impl GuardianPost {
    /// What the policy decides on.
    pub fn reach(&self, now: NaiveDateTime) -> PostReach<'_> {
        PostReach {
            school: self.at,
            audience: &self.audience,
            state: state_of(&self.item.post, now),
            comments_enabled: self.item.post.comments_enabled,
        }
    }

    /// The children's current groups, as the policy takes them.
    pub fn child_groups(&self) -> Vec<uuid::Uuid> {
        self.scope
            .groups()
            .iter()
            .map(|g| persistence::ids::uuid(g))
            .collect()
    }

    /// The guardian's own record at the post's school.
    pub fn guardian_id(&self) -> Result<String, NewsError> {
        self.scope
            .guardian_ids()
            .first()
            .cloned()
            .ok_or(NewsError::NotFound)
    }
}

/// A post of the guardian's feed (404 when it is not in it), with its school and groups.
pub(super) fn feed_post(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<GuardianPost, NewsError> {
    let (school, at) = school_of_post(conn, actor, audit, id, Capacity::Guardian)?;
    let today = school_date(now.and_utc());
    let scope = FeedScope::for_guardian(conn, actor, &[school.id().to_owned()], today)?;
    let item = news::find_in_feed(conn, &scope, id, now)?;
    let groups = news::groups_of(conn, std::slice::from_ref(&item.post.id))?
        .remove(&item.post.id)
        .unwrap_or_default();
    let audience = audience_of(&item.post, &groups);
    Ok(GuardianPost {
        school,
        at,
        item,
        scope,
        groups,
        audience,
    })
}

/// A post a guardian of its audience acts on (comment, confirm). Staff who see the post are
/// refused (403, recorded as `action`): the act is a guardian's; anyone else finds nothing (404).
pub(super) fn guardian_post(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    action: &str,
    now: NaiveDateTime,
) -> Result<GuardianPost, NewsError> {
    match feed_post(conn, actor, audit, id, now) {
        Err(NewsError::NotFound) => {
            let seen = staff_post(conn, actor, audit, id, now)?;
            Err(refuse(conn, audit, action, id, &seen.school))
        }
        other => other,
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
        Ok(seen) => one(conn, seen.post, now),
        // Not staff there (or news is off for them as staff): as a guardian, if at all.
        Err(NewsError::NotFound) => {
            let seen = feed_post(conn, actor, audit, id, now)?;
            guardians_one(conn, seen.item, &seen.scope, now)
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
    let seen = feed_post(conn, actor, audit, id, now)?;
    news::mark_read(conn, id, &seen.guardian_id()?, now)?;
    Ok(())
}
