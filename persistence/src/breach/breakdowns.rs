//! The objects and the actors with the most events, and their breakdowns: who touched each
//! object, and what each actor touched per type of object.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::breach::MAX_ROWS;

use super::sql::{
    Filter, Tally, at_most, changes, counts, cut, first_at, last_at, matching, reads, refusals,
};
use super::{
    ActorKey, ActorRow, ActorTypeRow, BreachRows, ObjectActorRow, ObjectKey, ObjectRow, Question,
};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::audit_events;

/// Aggregated rows loaded at most per breakdown (objects × their actors, actors × object types);
/// beyond it the report is truncated.
const MAX_PAIRS: usize = 10_000;

/// The objects with the most events, and who touched each.
pub(super) fn objects(
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
pub(super) fn actors(
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
