//! Editing a post with its history (SPEC §5): an edit is applied only to the version it was made
//! on, and the title and body it replaces go to `news_revisions` first, in the caller's
//! transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::news::EditPost;

use super::rows::AttachmentRow;
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::modules::ModuleSchool;
use crate::roster::PersonName;
use crate::schema::{news_attachments, news_posts, news_revisions, staff};

/// What an edit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// Applied; the post's new version.
    Applied(i32),
    /// The post is at another version than the edit was made on: changed meanwhile.
    Stale,
    /// No such post at the school (deleted meanwhile).
    Gone,
}

/// The columns an edit may change; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = news_posts)]
struct PostChanges {
    title: Option<String>,
    body: Option<String>,
    language: Option<String>,
    priority: Option<String>,
    pinned: Option<bool>,
    comments_enabled: Option<bool>,
    confirmation: Option<String>,
    published_at: Option<Option<NaiveDateTime>>,
    publish_at: Option<Option<NaiveDateTime>>,
    live_at: Option<Option<NaiveDateTime>>,
    expires_at: Option<Option<NaiveDateTime>>,
}

impl PostChanges {
    fn of(edit: &EditPost, now: NaiveDateTime) -> PostChanges {
        let times = edit.release.map(|release| {
            let (published, scheduled) = release.stored_times(now.and_utc());
            (
                published.map(|t| t.naive_utc()),
                scheduled.map(|t| t.naive_utc()),
            )
        });
        PostChanges {
            title: edit.title.clone(),
            body: edit.body.clone(),
            language: edit.language.map(|l| l.tag().to_owned()),
            priority: edit.priority.map(|p| p.as_str().to_owned()),
            pinned: edit.pinned,
            comments_enabled: edit.comments_enabled,
            confirmation: edit.confirmation.map(|c| c.as_str().to_owned()),
            published_at: times.map(|(published, _)| published),
            publish_at: times.map(|(_, scheduled)| scheduled),
            live_at: times.map(|(published, scheduled)| published.or(scheduled)),
            expires_at: edit.expires_at.map(|e| e.map(|t| t.naive_utc())),
        }
    }
}

/// Applies a checked edit by `editor` (an account id) to a post of `school`, if the post is still
/// at `version`. Run it in a transaction: the version is raised first, which takes the row (two
/// edits of one version: the second finds it raised, whichever backend), then the old title and
/// body go to the history when the edit changes what guardians read, then the edit is written.
/// The audience and the school never change here.
pub fn edit(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    version: i32,
    edit: &EditPost,
    editor: &str,
    now: NaiveDateTime,
) -> Result<Edited, RepoError> {
    let this = news_posts::table
        .filter(news_posts::id.eq(post_id))
        .filter(news_posts::school_id.eq(school.id()))
        .filter(news_posts::deleted_at.is_null());
    let raised = diesel::update(this.filter(news_posts::version.eq(version)))
        .set((
            news_posts::version.eq(news_posts::version + 1),
            news_posts::updated_at.eq(now),
        ))
        .execute(conn)?;
    if raised == 0 {
        let exists: i64 = this.count().get_result(conn)?;
        return Ok(if exists == 0 {
            Edited::Gone
        } else {
            Edited::Stale
        });
    }
    if edit.changes_content() {
        let (title, body): (String, String) = this
            .select((news_posts::title, news_posts::body))
            .get_result(conn)?;
        diesel::insert_into(news_revisions::table)
            .values((
                news_revisions::id.eq(new_id()),
                news_revisions::post_id.eq(post_id),
                news_revisions::title.eq(title),
                news_revisions::body.eq(body),
                news_revisions::edited_by.eq(editor),
                news_revisions::edited_at.eq(now),
            ))
            .execute(conn)?;
    }
    let changes = PostChanges::of(edit, now);
    diesel::update(news_posts::table.filter(news_posts::id.eq(post_id)))
        .set(&changes)
        .execute(conn)
        .or_else(|err| match err {
            // Nothing but the version changed: diesel has no columns to set.
            diesel::result::Error::QueryBuilderError(_) => Ok(0),
            other => Err(other),
        })?;
    if let Some(attachments) = &edit.attachments {
        diesel::delete(news_attachments::table.filter(news_attachments::post_id.eq(post_id)))
            .execute(conn)?;
        let rows: Vec<AttachmentRow> = attachments
            .iter()
            .zip(0..)
            .map(|(a, position)| AttachmentRow {
                post_id: post_id.to_owned(),
                position,
                name: a.name.clone(),
                url: a.url.clone(),
            })
            .collect();
        if !rows.is_empty() {
            batch_insert!(conn, news_attachments::table, &rows)?;
        }
    }
    Ok(Edited::Applied(version + 1))
}

/// A post's title and body before an edit, by whom (their name when they are staff of the
/// school; a board admin may have no staff record there) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionEntry {
    pub id: String,
    pub title: String,
    pub body: String,
    pub edited_at: NaiveDateTime,
    pub editor: Option<PersonName>,
}

/// A page of a post of `school`'s history, newest first (ids are UUIDv7: in creation order),
/// after `cursor`: two queries.
pub fn revisions(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> Result<Vec<RevisionEntry>, RepoError> {
    let of_school = news_posts::table
        .filter(news_posts::id.eq(post_id))
        .filter(news_posts::school_id.eq(school.id()))
        .select(news_posts::id);
    let mut query = news_revisions::table
        .filter(news_revisions::post_id.eq_any(of_school))
        .into_boxed();
    if let Some(cursor) = cursor {
        query = query.filter(news_revisions::id.lt(cursor.to_owned()));
    }
    let rows: Vec<(String, String, String, Option<String>, NaiveDateTime)> = query
        .order(news_revisions::id.desc())
        .limit(limit)
        .select((
            news_revisions::id,
            news_revisions::title,
            news_revisions::body,
            news_revisions::edited_by,
            news_revisions::edited_at,
        ))
        .load(conn)?;
    let editors: Vec<String> = rows.iter().filter_map(|r| r.3.clone()).collect();
    let names: Vec<(Option<String>, String, Option<String>, String)> = if editors.is_empty() {
        Vec::new()
    } else {
        staff::table
            .filter(staff::school_id.eq(school.id()))
            .filter(staff::account_id.eq_any(&editors))
            .select((
                staff::account_id,
                staff::first_name,
                staff::name_prefix,
                staff::last_name,
            ))
            .load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(|(id, title, body, edited_by, edited_at)| RevisionEntry {
            editor: names
                .iter()
                .find(|(account, ..)| account.is_some() && *account == edited_by)
                .map(|(_, first, prefix, last)| PersonName {
                    first_name: first.clone(),
                    name_prefix: prefix.clone(),
                    last_name: last.clone(),
                }),
            id,
            title,
            body,
            edited_at,
        })
        .collect())
}
