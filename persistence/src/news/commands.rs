//! Writes of news posts. A post is written for a [`ModuleSchool`] only (the module is on there for
//! the writer), and its groups must be that school's groups of a school year that has not ended.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::news::{Audience, CheckedPost};
use uuid::Uuid;

use super::queries::groups_current_at;
use super::rows::{AttachmentRow, PostRow};
use crate::connection::{AnyConnection, batch_insert, on_backend};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::modules::ModuleSchool;
use crate::schema::{news_attachments, news_post_groups, news_posts, news_reads};

fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

/// Writes a checked post by `author` at `school`. `Ok(None)`: one of the audience's groups is not
/// a current group of this school (nothing is written).
pub fn insert(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    checked: &CheckedPost,
    author: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, RepoError> {
    let post = &checked.post;
    let groups: Vec<String> = post
        .audience
        .group_ids()
        .iter()
        .map(Uuid::to_string)
        .collect();
    if !groups.is_empty() && groups_current_at(conn, school.id(), &groups)? != groups.len() {
        return Ok(None);
    }
    let (published_at, publish_at) = checked.release.stored_times(now.and_utc());
    let id = new_id();
    let row = PostRow {
        id: id.clone(),
        school_id: school.id().to_owned(),
        author_id: Some(author.to_owned()),
        title: post.title.clone(),
        body: post.body.clone(),
        language: post.language.tag().to_owned(),
        audience: post.audience.as_str().to_owned(),
        priority: post.priority.as_str().to_owned(),
        pinned: post.pinned,
        comments_enabled: post.comments_enabled,
        confirmation: post.confirmation.as_str().to_owned(),
        published_at: published_at.map(naive),
        publish_at: publish_at.map(naive),
        live_at: published_at.or(publish_at).map(naive),
        expires_at: post.expires_at.map(naive),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        version: 1,
    };
    diesel::insert_into(news_posts::table)
        .values(&row)
        .execute(conn)?;
    if matches!(post.audience, Audience::Groups(_)) {
        let links: Vec<_> = groups
            .iter()
            .map(|group| {
                (
                    news_post_groups::post_id.eq(&id),
                    news_post_groups::group_id.eq(group),
                )
            })
            .collect();
        batch_insert!(conn, news_post_groups::table, &links)?;
    }
    let attachments: Vec<AttachmentRow> = post
        .attachments
        .iter()
        .zip(0..)
        .map(|(attachment, position)| AttachmentRow {
            post_id: id.clone(),
            position,
            name: attachment.name.clone(),
            url: attachment.url.clone(),
        })
        .collect();
    if !attachments.is_empty() {
        batch_insert!(conn, news_attachments::table, &attachments)?;
    }
    Ok(Some(id))
}

/// Records that the guardian read the post, once: a second read changes nothing. True when this
/// call recorded it.
pub fn mark_read(
    conn: &mut AnyConnection,
    post_id: &str,
    guardian_id: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let values = (
        news_reads::post_id.eq(post_id),
        news_reads::guardian_id.eq(guardian_id),
        news_reads::read_at.eq(now),
    );
    let inserted = on_backend!(conn, c => diesel::insert_into(news_reads::table)
        .values(values)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Deletes a post of `school` (kept for the retention period, out of every feed). False when
/// there is no such post there.
pub fn delete(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let updated = diesel::update(
        news_posts::table
            .filter(news_posts::id.eq(post_id))
            .filter(news_posts::school_id.eq(school.id()))
            .filter(news_posts::deleted_at.is_null()),
    )
    .set((
        news_posts::deleted_at.eq(now),
        news_posts::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
