//! Identifiers and timestamps as they are stored.

use chrono::{NaiveDateTime, SubsecRound, Utc};
use uuid::Uuid;

/// A new opaque identifier. UUIDv7 keeps inserts local in B-tree indexes and lets keyset
/// pagination order by id alone, while 74 random bits keep ids unguessable.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Now in UTC, truncated to microseconds: both backends then store and return the same value.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A stored id as a UUID. Ids are written by [`new_id`] only; a malformed one is a bug, logged and
/// mapped to the nil UUID, which matches nothing.
pub fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap_or_else(|_| {
        log::error!("malformed id in the database");
        Uuid::nil()
    })
}

/// UUIDs as stored ids, for `eq_any` filters.
pub fn texts(ids: &[Uuid]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}
