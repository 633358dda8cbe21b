//! Comments on a post (SPEC §5, seed 003): written by guardians of its audience, read with the
//! commenter's name only (never contact details), hidden and shown again by the post's author or
//! an admin. Every read and change is of a post of a [`ModuleSchool`].

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{AnyConnection, transaction};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::modules::ModuleSchool;
use crate::schema::{guardians, news_comments, news_posts};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = news_comments)]
pub struct CommentRow {
    pub id: String,
    pub post_id: String,
    /// The commenter's guardian record at the post's school.
    pub guardian_id: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<String>,
}

/// A comment and its commenter's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentEntry {
    pub comment: CommentRow,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
}

/// `NotFound` unless the post is a (not deleted) post of `school`: the check every comment query
/// starts from, so comments are reached through their school only.
fn post_at(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
) -> Result<(), RepoError> {
    let found: i64 = news_posts::table
        .filter(news_posts::id.eq(post_id))
        .filter(news_posts::school_id.eq(school.id()))
        .filter(news_posts::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    if found == 0 {
        Err(RepoError::NotFound)
    } else {
        Ok(())
    }
}

/// Writes a guardian's comment on a post of `school` (checked by the service: the guardian is of
/// its audience, comments are on, the body passed `check_comment`). `NotFound` when the post is
/// not the school's, and nothing is written. The write comes first, so that on SQLite the
/// transaction takes the write lock before it reads anything.
pub fn insert(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    guardian_id: &str,
    body: &str,
    now: NaiveDateTime,
) -> Result<CommentRow, RepoError> {
    let row = CommentRow {
        id: new_id(),
        post_id: post_id.to_owned(),
        guardian_id: guardian_id.to_owned(),
        body: body.to_owned(),
        created_at: now,
        hidden_at: None,
        hidden_by: None,
    };
    // Its own transaction (a savepoint inside the caller's), so a refusal leaves nothing behind.
    transaction(conn, |conn| {
        diesel::insert_into(news_comments::table)
            .values(&row)
            .execute(conn)?;
        post_at(conn, school, post_id)
    })?;
    Ok(row)
}

/// A page of a post's comments, oldest first (ids are UUIDv7: in creation order), after
/// `cursor`, with the commenters' names: two queries. Hidden comments only `with_hidden` (staff).
pub fn page(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    with_hidden: bool,
    cursor: Option<&str>,
    limit: i64,
) -> Result<Vec<CommentEntry>, RepoError> {
    post_at(conn, school, post_id)?;
    let mut query = news_comments::table
        .inner_join(guardians::table)
        .filter(news_comments::post_id.eq(post_id.to_owned()))
        .into_boxed();
    if !with_hidden {
        query = query.filter(news_comments::hidden_at.is_null());
    }
    if let Some(cursor) = cursor {
        query = query.filter(news_comments::id.gt(cursor.to_owned()));
    }
    let rows: Vec<(CommentRow, String, Option<String>, String)> = query
        .order(news_comments::id.asc())
        .limit(limit)
        .select((
            CommentRow::as_select(),
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(comment, first_name, name_prefix, last_name)| CommentEntry {
                comment,
                first_name,
                name_prefix,
                last_name,
            },
        )
        .collect())
}

/// Hides (`hidden`) or shows again a comment on a post of `school`, by `by` (an account id).
/// Idempotent: `Ok(true)` when this call changed it, `Ok(false)` when it already was so (also
/// when a parallel call just did it: the guarded update changes one row once). `NotFound` when
/// there is no such comment on the post.
pub fn set_hidden(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    comment_id: &str,
    hidden: bool,
    by: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    // The write first (see `insert`); the post's school in the same statement.
    let of_school = news_posts::table
        .filter(news_posts::id.eq(post_id))
        .filter(news_posts::school_id.eq(school.id()))
        .filter(news_posts::deleted_at.is_null())
        .select(news_posts::id);
    let this = news_comments::table
        .filter(news_comments::id.eq(comment_id))
        .filter(news_comments::post_id.eq_any(of_school));
    let changed = if hidden {
        diesel::update(this.filter(news_comments::hidden_at.is_null()))
            .set((
                news_comments::hidden_at.eq(now),
                news_comments::hidden_by.eq(by),
            ))
            .execute(conn)?
    } else {
        diesel::update(this.filter(news_comments::hidden_at.is_not_null()))
            .set((
                news_comments::hidden_at.eq(None::<NaiveDateTime>),
                news_comments::hidden_by.eq(None::<String>),
            ))
            .execute(conn)?
    };
    if changed == 0 {
        let exists: i64 = this.count().get_result(conn)?;
        if exists == 0 {
            return Err(RepoError::NotFound);
        }
    }
    Ok(changed == 1)
}

/// One comment on a post of `school`, with its commenter's name.
pub fn find(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    post_id: &str,
    comment_id: &str,
) -> Result<CommentEntry, RepoError> {
    post_at(conn, school, post_id)?;
    let (comment, first_name, name_prefix, last_name) = news_comments::table
        .inner_join(guardians::table)
        .filter(news_comments::id.eq(comment_id))
        .filter(news_comments::post_id.eq(post_id))
        .select((
            CommentRow::as_select(),
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
        ))
        .get_result::<(CommentRow, String, Option<String>, String)>(conn)?;
    Ok(CommentEntry {
        comment,
        first_name,
        name_prefix,
        last_name,
    })
}
