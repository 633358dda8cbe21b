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
