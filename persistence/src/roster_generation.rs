//! The roster's generation: a counter the database moves forward with every committed change to
//! what a pupil's card shows (triggers on pupils, schools, groups, enrolments, guardians and their
//! relations, so no writer can forget it). A cache of cards tagged with the generation read before
//! loading them is exact: an entry is good while the generation has not moved.

use diesel::prelude::*;

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::schema::roster_generation;

/// The current generation: one row by key, a statement prepared once per connection (without a
/// LIMIT, which SQLite would prepare again on every run).
pub fn current(conn: &mut AnyConnection) -> Result<i64, RepoError> {
    let n = on_backend!(conn, c => roster_generation::table
        .find(1)
        .select(roster_generation::n)
        .get_result::<i64>(c))?;
    Ok(n)
}
