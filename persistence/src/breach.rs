//! The breach report's questions to the audit log: whose data was read or changed in a window, and
//! by whom. Everything is counted by the database (GROUP BY), so a report over a busy school's
//! year loads a few thousand aggregated rows, never its events. Reads, changes and refusals are
//! told apart by `domain::breach::classify`'s rule, written in SQL from the same constants.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, sql};
use diesel::expression::{BoxableExpression, SqlLiteral};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Timestamp};
use domain::breach::{MAX_ROWS, OK, READ_ACTIONS, READ_PREFIXES, REFUSAL_OUTCOMES};

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::audit_events;
use crate::schools::VisibleSchool;
use crate::scoped::Db;

/// Aggregated rows loaded at most per breakdown (objects × their actors, actors × object types);
/// beyond it the report is truncated.
const MAX_PAIRS: usize = 10_000;

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
/// (at most [`MAX_ROWS`] each), and their breakdowns.
#[derive(Debug, Clone, Default)]
pub struct BreachRows {
    pub totals: Counts,
    pub objects: Vec<ObjectRow>,
    pub object_actors: Vec<ObjectActorRow>,
    pub actors: Vec<ActorRow>,
    pub actor_types: Vec<ActorTypeRow>,
    pub truncated: bool,
}

type Filter = Box<dyn BoxableExpression<audit_events::table, Db, SqlType = Nullable<Bool>>>;

/// The one filter of every query of a report.
fn matching(q: &Question<'_>) -> Filter {
    let mut filter: Filter = Box::new(
        audit_events::school_id
            .eq(q.school.id().to_owned())
            .and(audit_events::at.ge(q.from).nullable())
            .and(audit_events::at.lt(q.until).nullable()),
    );
    if !q.object_ids.is_empty() {
        filter = Box::new(filter.and(audit_events::object_id.eq_any(q.object_ids.to_vec())));
    }
    if !q.actor_ids.is_empty() {
        let ids = q.actor_ids.to_vec();
        filter = Box::new(
            filter.and(
                audit_events::account_id
                    .eq_any(ids.clone())
                    .or(audit_events::client_id.eq_any(ids)),
            ),
        );
    }
    filter
}

fn quoted(words: &[&str]) -> String {
    // The domain's constants are plain lower-case words (tested there): nothing to escape.
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL condition of a read, as `domain::breach::classify` has it.
fn read_condition() -> String {
    let prefixes = READ_PREFIXES
        .iter()
        .map(|p| format!("substr(\"action\", 1, {}) = '{p}'", p.len()))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!(
        "\"outcome\" = '{OK}' AND (\"action\" IN ({}) OR {prefixes})",
        quoted(&READ_ACTIONS)
    )
}

fn count_when(condition: &str) -> SqlLiteral<BigInt> {
    sql::<BigInt>(&format!("COUNT(CASE WHEN {condition} THEN 1 END)"))
}

fn reads() -> SqlLiteral<BigInt> {
    count_when(&read_condition())
}

fn changes() -> SqlLiteral<BigInt> {
    count_when(&format!(
        "\"outcome\" = '{OK}' AND NOT ({})",
        read_condition()
    ))
}

fn refusals() -> SqlLiteral<BigInt> {
    count_when(&format!("\"outcome\" IN ({})", quoted(&REFUSAL_OUTCOMES)))
}

fn first_at() -> SqlLiteral<Timestamp> {
    sql::<Timestamp>("MIN(\"at\")")
}

fn last_at() -> SqlLiteral<Timestamp> {
    sql::<Timestamp>("MAX(\"at\")")
}

fn counts((events, reads, changes, refusals): (i64, i64, i64, i64)) -> Counts {
    Counts {
        events,
        reads,
        changes,
        refusals,
    }
}

fn at_most(limit: usize) -> i64 {
    i64::try_from(limit + 1).unwrap_or(i64::MAX)
}

/// Keeps the first `limit` rows; true when there were more.
fn cut<T>(rows: &mut Vec<T>, limit: usize) -> bool {
    let over = rows.len() > limit;
    rows.truncate(limit);
    over
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
    let mut truncated = objects(conn, q, &mut rows)?;
    truncated |= actors(conn, q, &mut rows)?;
    rows.truncated = truncated;
    Ok(rows)
}

type Tally = (i64, i64, i64, i64);

/// The objects with the most events, and who touched each.
fn objects(
    conn: &mut AnyConnection,
    q: &Question<'_>,
    rows: &mut BreachRows,
) -> Result<bool, RepoError> {
    let mut found = audit_events::table
        .filter(matching(q))
        .group_by((audit_events::object_type, audit_events::object_id))
        .select((
            audit_events::object_type,
            audit_events::object_id,
            (count_star(), reads(), changes(), refusals()),
            first_at(),
            last_at(),
        ))
        .order_by((
            count_star().desc(),
            audit_events::object_type,
            audit_events::object_id,
        ))
        .limit(at_most(MAX_ROWS))
        .load::<(String, Option<String>, Tally, NaiveDateTime, NaiveDateTime)>(conn)?;
    let mut truncated = cut(&mut found, MAX_ROWS);
    let selected: HashSet<ObjectKey> = found.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    let ids: Vec<String> = selected.iter().filter_map(|(_, id)| id.clone()).collect();
    let idless: Vec<String> = selected
        .iter()
        .filter(|(_, id)| id.is_none())
        .map(|(kind, _)| kind.clone())
        .collect();
    let among: Filter = Box::new(
        audit_events::object_id
            .eq_any(ids)
            .or(audit_events::object_id
                .is_null()
                .and(audit_events::object_type.eq_any(idless))
                .nullable()),
    );
    let mut pairs = audit_events::table
        .filter(matching(q))
        .filter(among)
        .group_by((
            audit_events::object_type,
            audit_events::object_id,
            audit_events::account_id,
            audit_events::client_id,
        ))
        .select((
            audit_events::object_type,
            audit_events::object_id,
            audit_events::account_id,
            audit_events::client_id,
            (count_star(), reads(), changes(), refusals()),
        ))
        .order_by((
            audit_events::object_type,
            audit_events::object_id,
            count_star().desc(),
            audit_events::account_id,
            audit_events::client_id,
        ))
        .limit(at_most(MAX_PAIRS))
        .load::<(
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Tally,
        )>(conn)?;
    truncated |= cut(&mut pairs, MAX_PAIRS);
    rows.objects = found
        .into_iter()
        .map(|(kind, id, tally, first_at, last_at)| ObjectRow {
            object: (kind, id),
            counts: counts(tally),
            first_at,
            last_at,
        })
        .collect();
    rows.object_actors = pairs
        .into_iter()
        // An id of a selected object under another type is another object.
        .filter(|p| selected.contains(&(p.0.clone(), p.1.clone())))
        .map(|(kind, id, account, client, tally)| ObjectActorRow {
            object: (kind, id),
            actor: (account, client),
            counts: counts(tally),
        })
        .collect();
    Ok(truncated)
}

/// The actors with the most events, and what they touched per type of object.
fn actors(
    conn: &mut AnyConnection,
    q: &Question<'_>,
    rows: &mut BreachRows,
) -> Result<bool, RepoError> {
    let mut found = audit_events::table
        .filter(matching(q))
        .group_by((audit_events::account_id, audit_events::client_id))
        .select((
            audit_events::account_id,
            audit_events::client_id,
            (count_star(), reads(), changes(), refusals()),
            first_at(),
            last_at(),
        ))
        .order_by((
            count_star().desc(),
            audit_events::account_id,
            audit_events::client_id,
        ))
        .limit(at_most(MAX_ROWS))
        .load::<(
            Option<String>,
            Option<String>,
            Tally,
            NaiveDateTime,
            NaiveDateTime,
        )>(conn)?;
    let mut truncated = cut(&mut found, MAX_ROWS);
    let selected: HashSet<ActorKey> = found.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    let accounts: Vec<String> = selected.iter().filter_map(|(a, _)| a.clone()).collect();
    let clients: Vec<String> = selected.iter().filter_map(|(_, c)| c.clone()).collect();
    let mut among: Filter = Box::new(
        audit_events::account_id
            .eq_any(accounts)
            .or(audit_events::client_id.eq_any(clients)),
    );
    if selected.contains(&(None, None)) {
        among = Box::new(
            among.or(audit_events::account_id
                .is_null()
                .and(audit_events::client_id.is_null())
                .nullable()),
        );
    }
    let mut kinds = audit_events::table
        .filter(matching(q))
        .filter(among)
        .group_by((
            audit_events::account_id,
            audit_events::client_id,
            audit_events::object_type,
        ))
        .select((
            audit_events::account_id,
            audit_events::client_id,
            audit_events::object_type,
            diesel::dsl::count(audit_events::object_id).aggregate_distinct(),
            (count_star(), reads(), changes(), refusals()),
            first_at(),
            last_at(),
        ))
        .order_by((
            audit_events::account_id,
            audit_events::client_id,
            count_star().desc(),
            audit_events::object_type,
        ))
        .limit(at_most(MAX_PAIRS))
        .load::<(
            Option<String>,
            Option<String>,
            String,
            i64,
            Tally,
            NaiveDateTime,
            NaiveDateTime,
        )>(conn)?;
    truncated |= cut(&mut kinds, MAX_PAIRS);
    rows.actors = found
        .into_iter()
        .map(|(account, client, tally, first_at, last_at)| ActorRow {
            actor: (account, client),
            counts: counts(tally),
            first_at,
            last_at,
        })
        .collect();
    rows.actor_types = kinds
        .into_iter()
        .filter(|k| selected.contains(&(k.0.clone(), k.1.clone())))
        .map(
            |(account, client, object_type, objects, tally, first_at, last_at)| ActorTypeRow {
                actor: (account, client),
                object_type,
                objects,
                counts: counts(tally),
                first_at,
                last_at,
            },
        )
        .collect();
    Ok(truncated)
}
