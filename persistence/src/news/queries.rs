//! The reads of news. A guardian's feed is filtered by a [`FeedScope`] built in one place, from
//! the guardian's own records and their children's current groups; every feed read takes one.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::actor::Actor;
use domain::news::FeedKey;

use super::rows::{AttachmentRow, PostRow};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::modules::ModuleSchool;
use crate::schema::{
    enrolments, news_attachments, news_post_groups, news_posts, news_reads, school_groups,
    school_years,
};

/// What a guardian's feed may hold: posts of these schools to the whole school, and posts to
/// these groups (their children's groups of a school year that has not ended). The schools are
/// those where the news module is on for guardians; the service decides that.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedScope {
    schools: Vec<String>,
    groups: Vec<String>,
    /// The guardian's own records, whose read receipts the feed shows.
    guardians: Vec<String>,
}

impl FeedScope {
    /// The feed scope of a guardian at `schools` (a subset of their own schools: others are
    /// dropped). Their children's groups are read from the enrolments.
    pub fn for_guardian(
        conn: &mut AnyConnection,
        actor: &Actor,
        schools: &[String],
        today: chrono::NaiveDate,
    ) -> Result<FeedScope, RepoError> {
        let links: Vec<_> = actor
            .guardian
            .iter()
            .filter(|link| schools.contains(&link.school_id.to_string()))
            .collect();
        let children: Vec<String> = links
            .iter()
            .flat_map(|link| link.children.iter().map(|c| c.pupil_id.to_string()))
            .collect();
        let school_ids: Vec<String> = links.iter().map(|l| l.school_id.to_string()).collect();
        let groups = if children.is_empty() {
            Vec::new()
        } else {
            enrolments::table
                .inner_join(school_groups::table.inner_join(school_years::table))
                .filter(enrolments::pupil_id.eq_any(&children))
                .filter(school_groups::school_id.eq_any(&school_ids))
                .filter(school_years::ends_on.ge(today))
                .select(enrolments::group_id)
                .distinct()
                .load(conn)?
        };
        Ok(FeedScope {
            schools: school_ids,
            groups,
            guardians: links.iter().map(|l| l.guardian_id.to_string()).collect(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.schools.is_empty()
    }

    /// The children's groups of a school year that has not ended (for the policy's audience check).
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// The guardian's own records at the scope's schools.
    pub fn guardian_ids(&self) -> &[String] {
        &self.guardians
    }
}

/// A post in a feed, and whether the reader has read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub post: PostRow,
    pub read: bool,
}

/// How many of `groups` are groups of `school` in a school year that has not ended.
pub(super) fn groups_current_at(
    conn: &mut AnyConnection,
    school: &str,
    groups: &[String],
) -> Result<usize, RepoError> {
    // The school's date (Amsterdam), as the actor's groups are read.
    let today = domain::schedule::school_date(chrono::Utc::now());
    let found: i64 = school_groups::table
        .inner_join(school_years::table)
        .filter(school_groups::id.eq_any(groups))
        .filter(school_groups::school_id.eq(school))
        .filter(school_years::ends_on.ge(today))
        .select(count_star())
        .get_result(conn)?;
    Ok(usize::try_from(found).unwrap_or(0))
}

/// Posts live at `now` that the scope reaches, as one boxed filter (the one place it is written).
fn in_feed<'a>(
    scope: &'a FeedScope,
    now: NaiveDateTime,
) -> news_posts::BoxedQuery<'a, crate::scoped::Db> {
    // Correlated (a key lookup per candidate post), not a list of every post to the groups: that
    // list grows with the school's history, the lookup does not.
    let to_groups = diesel::dsl::exists(
        news_post_groups::table
            .filter(news_post_groups::post_id.eq(news_posts::id))
            .filter(news_post_groups::group_id.eq_any(&scope.groups)),
    );
    news_posts::table
        .filter(news_posts::deleted_at.is_null())
        .filter(news_posts::live_at.le(now))
        .filter(
            news_posts::expires_at
                .is_null()
                .or(news_posts::expires_at.gt(now)),
        )
        .filter(news_posts::school_id.eq_any(&scope.schools))
        .filter(news_posts::audience.eq("school").or(to_groups))
        .into_boxed()
}

/// A page of the guardian's feed after `cursor` (pinned first, then newest first, then the higher
/// id), at most `limit` posts, with their read state. Per school of the guardian's, an ordered
/// walk of that school's feed index (usually one chunk, two statements), merged here, and one
/// statement for the read state: the cost follows the page, not the number of posts.
pub fn feed(
    conn: &mut AnyConnection,
    scope: &FeedScope,
    cursor: Option<&FeedKey>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<Vec<FeedItem>, RepoError> {
    // Neither backend merges ordered index scans over an IN list of schools, and sorting every
    // post of the schools would grow with their history: one walk per school, merged here.
    let mut keys = Vec::new();
    for school in &scope.schools {
        keys.extend(school_page(conn, scope, school, cursor, limit, now)?);
    }
    keys.sort_by(|a: &Candidate, b: &Candidate| (b.1, b.2, &b.0).cmp(&(a.1, a.2, &a.0)));
    keys.truncate(usize::try_from(limit).unwrap_or(0));
    let ids: Vec<String> = keys.into_iter().map(|key| key.0).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The page's rows, put back in the feed's order.
    let mut rows: HashMap<String, PostRow> = news_posts::table
        .filter(news_posts::id.eq_any(&ids))
        .select(PostRow::as_select())
        .load::<PostRow>(conn)?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect();
    let posts: Vec<PostRow> = ids.iter().filter_map(|id| rows.remove(id)).collect();
    let read = read_of(conn, scope, ids)?;
    Ok(posts
        .into_iter()
        .map(|post| FeedItem {
            read: read.contains(&post.id),
            post,
        })
        .collect())
}

/// A post's place in the feed: id, pinned, live at, audience kind.
type Candidate = (String, bool, Option<NaiveDateTime>, String);

/// The school's live posts after `key`, in the feed's order.
fn live_after<'a>(
    school: &'a str,
    key: Option<&FeedKey>,
    now: NaiveDateTime,
) -> news_posts::BoxedQuery<'a, crate::scoped::Db> {
    let query = news_posts::table
        .filter(news_posts::school_id.eq(school))
        .filter(news_posts::deleted_at.is_null())
        .filter(news_posts::live_at.le(now))
        .filter(
            news_posts::expires_at
                .is_null()
                .or(news_posts::expires_at.gt(now)),
        )
        .into_boxed();
    after_cursor(query, key).order((
        news_posts::pinned.desc(),
        news_posts::live_at.desc(),
        news_posts::id.desc(),
    ))
}

/// One school's part of a feed page: its live posts in order, a chunk at a time, keeping those
/// to the whole school or to one of the children's groups. The group check is a key lookup for
/// the chunk's posts: a correlated check in SQL became, on PostgreSQL with many posts, a scan of
/// every post to the group (0.3 s at a million posts).
fn school_page(
    conn: &mut AnyConnection,
    scope: &FeedScope,
    school: &str,
    cursor: Option<&FeedKey>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<Vec<Candidate>, RepoError> {
    let chunk = (limit * 4).max(100);
    let mut after = cursor.cloned();
    let mut found = Vec::new();
    loop {
        // Keys only: the rows of the page are read once it is known.
        let candidates: Vec<Candidate> = live_after(school, after.as_ref(), now)
            .limit(chunk)
            .select((
                news_posts::id,
                news_posts::pinned,
                news_posts::live_at,
                news_posts::audience,
            ))
            .load(conn)?;
        let to_groups: Vec<&str> = candidates
            .iter()
            .filter(|p| p.3 != "school")
            .map(|p| p.0.as_str())
            .collect();
        let reached: HashSet<String> = if to_groups.is_empty() || scope.groups.is_empty() {
            HashSet::new()
        } else {
            news_post_groups::table
                .filter(news_post_groups::post_id.eq_any(&to_groups))
                .filter(news_post_groups::group_id.eq_any(&scope.groups))
                .select(news_post_groups::post_id)
                .load::<String>(conn)?
                .into_iter()
                .collect()
        };
        let more = i64::try_from(candidates.len()).unwrap_or(0) == chunk;
        after = candidates.last().and_then(|(id, pinned, live_at, _)| {
            Some(FeedKey {
                pinned: *pinned,
                published_at: (*live_at)?.and_utc(),
                id: crate::ids::uuid(id),
            })
        });
        for post in candidates {
            if post.3 == "school" || reached.contains(&post.0) {
                found.push(post);
                if i64::try_from(found.len()).unwrap_or(0) == limit {
                    return Ok(found);
                }
            }
        }
        if !more || after.is_none() {
            return Ok(found);
        }
    }
}

/// Posts after `cursor` in the feed's order (pinned first, then newest first, then the higher id):
/// the one place the cursor's filter is written, for the guardians' feed and the staff's.
pub(super) fn after_cursor<'a>(
    query: news_posts::BoxedQuery<'a, crate::scoped::Db>,
    cursor: Option<&FeedKey>,
) -> news_posts::BoxedQuery<'a, crate::scoped::Db> {
    let Some(cursor) = cursor else {
        return query;
    };
    let at = cursor.published_at.naive_utc();
    let id = cursor.id.to_string();
    let later_in_group = news_posts::live_at
        .lt(at)
        .or(news_posts::live_at.eq(at).and(news_posts::id.lt(id)));
    // Pinned posts come first: after a pinned cursor come the later pinned ones and every
    // unpinned one; after an unpinned cursor, only later unpinned ones.
    if cursor.pinned {
        query.filter(
            news_posts::pinned
                .eq(false)
                .or(news_posts::pinned.eq(true).and(later_in_group)),
        )
    } else {
        query
            .filter(news_posts::pinned.eq(false))
            .filter(later_in_group)
    }
}

/// Which of these posts the scope's guardian has read.
pub fn read_of(
    conn: &mut AnyConnection,
    scope: &FeedScope,
    posts: Vec<String>,
) -> Result<HashSet<String>, RepoError> {
    if posts.is_empty() {
        return Ok(HashSet::new());
    }
    let read: Vec<String> = news_reads::table
        .filter(news_reads::post_id.eq_any(posts))
        .filter(news_reads::guardian_id.eq_any(&scope.guardians))
        .select(news_reads::post_id)
        .load(conn)?;
    Ok(read.into_iter().collect())
}

/// One post of the guardian's feed, by id (`NotFound` when it is not in the feed now), and the
/// guardian record at its school that reads it.
pub fn find_in_feed(
    conn: &mut AnyConnection,
    scope: &FeedScope,
    id: &str,
    now: NaiveDateTime,
) -> Result<FeedItem, RepoError> {
    if scope.is_empty() {
        return Err(RepoError::NotFound);
    }
    let post: PostRow = in_feed(scope, now)
        .filter(news_posts::id.eq(id))
        .select(PostRow::as_select())
        .get_result(conn)?;
    let read = read_of(conn, scope, vec![post.id.clone()])?;
    Ok(FeedItem {
        read: read.contains(&post.id),
        post,
    })
}

/// The school a post belongs to (not deleted), to find the caller's way to it through the module
/// gate; nothing of the post is read here.
pub fn school_of(conn: &mut AnyConnection, id: &str) -> Result<String, RepoError> {
    Ok(news_posts::table
        .filter(news_posts::id.eq(id))
        .filter(news_posts::deleted_at.is_null())
        .select(news_posts::school_id)
        .get_result(conn)?)
}

/// A post of the school, in any state (drafts and scheduled ones too), for its staff.
pub fn find_at(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    id: &str,
) -> Result<PostRow, RepoError> {
    Ok(news_posts::table
        .filter(news_posts::id.eq(id))
        .filter(news_posts::school_id.eq(school.id()))
        .filter(news_posts::deleted_at.is_null())
        .select(PostRow::as_select())
        .get_result(conn)?)
}

/// The groups of these posts, by post: one query.
pub fn groups_of(
    conn: &mut AnyConnection,
    posts: &[String],
) -> Result<HashMap<String, Vec<String>>, RepoError> {
    let rows: Vec<(String, String)> = news_post_groups::table
        .filter(news_post_groups::post_id.eq_any(posts))
        .select((news_post_groups::post_id, news_post_groups::group_id))
        .order((news_post_groups::post_id, news_post_groups::group_id))
        .load(conn)?;
    let mut by_post: HashMap<String, Vec<String>> = HashMap::new();
    for (post, group) in rows {
        by_post.entry(post).or_default().push(group);
    }
    Ok(by_post)
}

/// The attachments of these posts, by post, in order: one query.
pub fn attachments_of(
    conn: &mut AnyConnection,
    posts: &[String],
) -> Result<HashMap<String, Vec<AttachmentRow>>, RepoError> {
    let rows: Vec<AttachmentRow> = news_attachments::table
        .filter(news_attachments::post_id.eq_any(posts))
        .select(AttachmentRow::as_select())
        .order((news_attachments::post_id, news_attachments::position))
        .load(conn)?;
    let mut by_post: HashMap<String, Vec<AttachmentRow>> = HashMap::new();
    for row in rows {
        by_post.entry(row.post_id.clone()).or_default().push(row);
    }
    Ok(by_post)
}
