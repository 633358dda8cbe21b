//! The breach report's questions to the audit log: whose data was read or changed in a window, and
//! by whom. Everything is counted by the database (GROUP BY), so a report over a busy school's
//! year loads a few thousand aggregated rows, never its events. Reads, changes and refusals are
//! told apart by `domain::breach::classify`'s rule, written in SQL from the same constants
//! (`sql.rs`); `breakdowns.rs` lists the objects and actors.

mod breakdowns;
mod sql;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::audit_events;
use crate::schools::VisibleSchool;
use sql::{changes, counts, matching, reads, refusals};

/// What a report asks: one visible school's events in `[from, until)`, of these objects and
/// these actors (an empty list: all of them).
#[derive(Debug, Clone)]
pub struct Question<'a> {
    pub school: &'a VisibleSchool,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    pub object_ids: &'a [String],
    /// Accounts or integration clients.
    pub actor_ids: &'a [String],
}

/// Events, and how many of them were reads, changes and refusals (the rest are neither).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub events: i64,
    pub reads: i64,
    pub changes: i64,
    pub refusals: i64,
}

/// An object as the audit log names it; events about no one object have no id.
pub type ObjectKey = (String, Option<String>);
/// An actor: its account, its integration client, or neither (not known).
pub type ActorKey = (Option<String>, Option<String>);

#[derive(Debug, Clone)]
pub struct ObjectRow {
    pub object: ObjectKey,
    pub counts: Counts,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct ObjectActorRow {
    pub object: ObjectKey,
    pub actor: ActorKey,
    pub counts: Counts,
}

#[derive(Debug, Clone)]
pub struct ActorRow {
    pub actor: ActorKey,
    pub counts: Counts,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct ActorTypeRow {
    pub actor: ActorKey,
    pub object_type: String,
    /// Distinct objects of the type.
    pub objects: i64,
    pub counts: Counts,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

/// The answer: totals over every matching event, the objects and actors with the most events
/// (at most `domain::breach::MAX_ROWS` each), and their breakdowns.
#[derive(Debug, Clone, Default)]
pub struct BreachRows {
    pub totals: Counts,
    pub objects: Vec<ObjectRow>,
    pub object_actors: Vec<ObjectActorRow>,
    pub actors: Vec<ActorRow>,
    pub actor_types: Vec<ActorTypeRow>,
    pub truncated: bool,
}

/// Runs a report's queries; the caller holds them in one transaction for one consistent view.
pub fn report(conn: &mut AnyConnection, q: &Question<'_>) -> Result<BreachRows, RepoError> {
    let totals = audit_events::table
        .filter(matching(q))
        .select((count_star(), reads(), changes(), refusals()))
        .get_result::<(i64, i64, i64, i64)>(conn)?;
    let mut rows = BreachRows {
        totals: counts(totals),
        ..BreachRows::default()
    };
    if rows.totals.events == 0 {
        return Ok(rows);
    }
    let mut truncated = breakdowns::objects(conn, q, &mut rows)?;
    truncated |= breakdowns::actors(conn, q, &mut rows)?;
    rows.truncated = truncated;
    Ok(rows)
}
