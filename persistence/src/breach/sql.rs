//! The report's SQL: the one filter of its queries, and the classification of
//! `domain::breach::classify` as aggregate expressions.

use diesel::dsl::sql;
use diesel::expression::{BoxableExpression, SqlLiteral};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Timestamp};
use domain::breach::{OK, READ_ACTIONS, READ_PREFIXES, REFUSAL_OUTCOMES};

use super::{Counts, Question};
use crate::schema::audit_events;
use crate::scoped::Db;

pub(super) type Filter =
    Box<dyn BoxableExpression<audit_events::table, Db, SqlType = Nullable<Bool>>>;

/// The one filter of every query of a report.
pub(super) fn matching(q: &Question<'_>) -> Filter {
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

pub(super) fn quoted(words: &[&str]) -> String {
    // The domain's constants are plain lower-case words (tested there): nothing to escape.
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL condition of a read, as `domain::breach::classify` has it.
pub(super) fn read_condition() -> String {
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

pub(super) fn count_when(condition: &str) -> SqlLiteral<BigInt> {
    sql::<BigInt>(&format!("COUNT(CASE WHEN {condition} THEN 1 END)"))
}

pub(super) fn reads() -> SqlLiteral<BigInt> {
    count_when(&read_condition())
}

pub(super) fn changes() -> SqlLiteral<BigInt> {
    count_when(&format!(
        "\"outcome\" = '{OK}' AND NOT ({})",
        read_condition()
    ))
}

pub(super) fn refusals() -> SqlLiteral<BigInt> {
    count_when(&format!("\"outcome\" IN ({})", quoted(&REFUSAL_OUTCOMES)))
}

pub(super) fn first_at() -> SqlLiteral<Timestamp> {
    sql::<Timestamp>("MIN(\"at\")")
}

pub(super) fn last_at() -> SqlLiteral<Timestamp> {
    sql::<Timestamp>("MAX(\"at\")")
}

pub(super) fn counts((events, reads, changes, refusals): (i64, i64, i64, i64)) -> Counts {
    Counts {
        events,
        reads,
        changes,
        refusals,
    }
}

pub(super) fn at_most(limit: usize) -> i64 {
    i64::try_from(limit + 1).unwrap_or(i64::MAX)
}

/// Keeps the first `limit` rows; true when there were more.
pub(super) fn cut<T>(rows: &mut Vec<T>, limit: usize) -> bool {
    let over = rows.len() > limit;
    rows.truncate(limit);
    over
}

pub(super) type Tally = (i64, i64, i64, i64);
