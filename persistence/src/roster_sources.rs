//! Where a school's LAS publishes its EDEXML file, and the nightly fetch's schedule. Several API
//! instances may run the scheduler: a due source is taken with a conditional update (a lease),
//! so exactly one instance fetches it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::now;
use crate::schema::roster_sources;
use crate::schools::VisibleSchool;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = roster_sources)]
pub struct RosterSourceRow {
    pub school_id: String,
    pub url: String,
    pub next_fetch_at: NaiveDateTime,
    pub lock_owner: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn find(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
) -> Result<Option<RosterSourceRow>, RepoError> {
    Ok(roster_sources::table
        .find(school.id())
        .select(RosterSourceRow::as_select())
        .first(conn)
        .optional()?)
}

/// Sets (or replaces) the school's source; the first fetch is at `next_fetch_at`.
pub fn set(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    url: &str,
    next_fetch_at: NaiveDateTime,
) -> Result<RosterSourceRow, RepoError> {
    let row = RosterSourceRow {
        school_id: school.id().to_owned(),
        url: url.to_owned(),
        next_fetch_at,
        lock_owner: None,
        locked_until: None,
        updated_at: now(),
    };
    let updated = diesel::update(roster_sources::table.find(school.id()))
        .set((
            roster_sources::url.eq(url),
            roster_sources::next_fetch_at.eq(next_fetch_at),
            roster_sources::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(roster_sources::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(row)
}

pub fn remove(conn: &mut AnyConnection, school: &VisibleSchool) -> Result<bool, RepoError> {
    Ok(diesel::delete(roster_sources::table.find(school.id())).execute(conn)? > 0)
}

/// Takes up to `limit` due sources for `owner` until `lease_until` and returns them. A source
/// another instance holds, or took a moment ago, is skipped.
pub fn claim_due(
    conn: &mut AnyConnection,
    owner: &str,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<RosterSourceRow>, RepoError> {
    let at = now();
    let due: Vec<String> = roster_sources::table
        .filter(roster_sources::next_fetch_at.le(at))
        .filter(
            roster_sources::locked_until
                .is_null()
                .or(roster_sources::locked_until.lt(at)),
        )
        .order(roster_sources::next_fetch_at.asc())
        .limit(limit)
        .select(roster_sources::school_id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for school_id in due {
        // The same condition again in the update: of two instances, one changes the row.
        let taken = diesel::update(
            roster_sources::table
                .filter(roster_sources::school_id.eq(&school_id))
                .filter(roster_sources::next_fetch_at.le(at))
                .filter(
                    roster_sources::locked_until
                        .is_null()
                        .or(roster_sources::locked_until.lt(at)),
                ),
        )
        .set((
            roster_sources::lock_owner.eq(owner),
            roster_sources::locked_until.eq(lease_until),
        ))
        .execute(conn)?;
        if taken == 1 {
            claimed.push(
                roster_sources::table
                    .find(&school_id)
                    .select(RosterSourceRow::as_select())
                    .first(conn)?,
            );
        }
    }
    Ok(claimed)
}

/// Releases a claimed source and schedules its next fetch.
pub fn finish(
    conn: &mut AnyConnection,
    school_id: &str,
    owner: &str,
    next_fetch_at: NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::update(
        roster_sources::table
            .filter(roster_sources::school_id.eq(school_id))
            .filter(roster_sources::lock_owner.eq(owner)),
    )
    .set((
        roster_sources::next_fetch_at.eq(next_fetch_at),
        roster_sources::lock_owner.eq(None::<String>),
        roster_sources::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}
