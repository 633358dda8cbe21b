//! Who of a post's audience has read it (SPEC §5: staff see who has not read): the active
//! guardians of the current pupils the post reaches, with names only, never contact details.

use chrono::NaiveDateTime;
use diesel::dsl::count;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::modules::ModuleSchool;
use crate::schema::{enrolments, guardian_pupils, guardians, news_reads, pupils};
use crate::scoped::Db;

/// A guardian of the audience: name, and when they read the post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub guardian_id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub read_at: Option<NaiveDateTime>,
}

/// How many of the audience have read it, and how many not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCounts {
    pub read: i64,
    pub unread: i64,
}

/// The audience of a post of `school`: to the whole school (`groups` empty) or to these groups.
pub struct PostAudience<'a> {
    pub school: &'a ModuleSchool,
    pub post_id: &'a str,
    pub groups: &'a [String],
}

type Boxed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::Select<
        diesel::dsl::InnerJoin<
            guardians::table,
            diesel::dsl::InnerJoin<guardian_pupils::table, pupils::table>,
        >,
        guardians::id,
    >,
    Db,
>;

/// The audience's guardians (ids, possibly repeated per child), filtered by read state: the one
/// place the audience is written.
fn audience<'a>(of: &PostAudience<'a>, read: Option<bool>) -> Boxed<'a> {
    let mut query = guardians::table
        .inner_join(guardian_pupils::table.inner_join(pupils::table))
        .filter(guardians::school_id.eq(of.school.id().to_owned()))
        .filter(guardians::deactivated_at.is_null())
        // A guardian record of the school links to that school's pupils only; filtering pupils by
        // school too made SQLite walk the school's pupils per guardian (see notify::recipients).
        .filter(pupils::left_on.is_null())
        .select(guardians::id)
        .into_boxed();
    if !of.groups.is_empty() {
        let in_groups = enrolments::table
            .filter(enrolments::group_id.eq_any(of.groups))
            .select(enrolments::pupil_id);
        query = query.filter(pupils::id.eq_any(in_groups));
    }
    let readers = news_reads::table
        .filter(news_reads::post_id.eq(of.post_id.to_owned()))
        .select(news_reads::guardian_id);
    match read {
        Some(true) => query.filter(guardians::id.eq_any(readers)),
        Some(false) => query.filter(diesel::dsl::not(guardians::id.eq_any(readers))),
        None => query,
    }
}

pub fn read_counts(
    conn: &mut AnyConnection,
    of: &PostAudience<'_>,
) -> Result<ReadCounts, RepoError> {
    let count = |conn: &mut AnyConnection, read: bool| -> Result<i64, RepoError> {
        Ok(audience(of, Some(read))
            .select(count(guardians::id).aggregate_distinct())
            .get_result(conn)?)
    };
    Ok(ReadCounts {
        read: count(conn, true)?,
        unread: count(conn, false)?,
    })
}

/// A page of the audience by guardian id after `cursor`, with names and read times, optionally
/// only those who have (or have not) read it.
pub fn receipts(
    conn: &mut AnyConnection,
    of: &PostAudience<'_>,
    read: Option<bool>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<Vec<Receipt>, RepoError> {
    let mut ids = audience(of, read).distinct().order(guardians::id.asc());
    if let Some(cursor) = cursor {
        ids = ids.filter(guardians::id.gt(cursor.to_owned()));
    }
    let ids: Vec<String> = ids.limit(limit).load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<(String, String, Option<String>, String)> = guardians::table
        .filter(guardians::id.eq_any(&ids))
        .select((
            guardians::id,
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
        ))
        .order(guardians::id.asc())
        .load(conn)?;
    let read_at: Vec<(String, NaiveDateTime)> = news_reads::table
        .filter(news_reads::post_id.eq(of.post_id))
        .filter(news_reads::guardian_id.eq_any(&ids))
        .select((news_reads::guardian_id, news_reads::read_at))
        .load(conn)?;
    Ok(names
        .into_iter()
        .map(
            |(guardian_id, first_name, name_prefix, last_name)| Receipt {
                read_at: read_at
                    .iter()
                    .find(|(id, _)| *id == guardian_id)
                    .map(|(_, at)| *at),
                guardian_id,
                first_name,
                name_prefix,
                last_name,
            },
        )
        .collect())
}
