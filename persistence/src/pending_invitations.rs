//! Guardians waiting for their first activation link. A sync queues the guardians it creates; a
//! worker in every instance takes them one by one (deleting the row is the claim, so two
//! instances never invite the same guardian twice).

use diesel::prelude::*;

use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::guardians::GuardianRow;
use crate::ids::now;
use crate::schema::{guardians, pending_invitations, schools};

/// Queues these guardians (new or returning ones, without an account) for a link.
pub fn enqueue(conn: &mut AnyConnection, guardian_ids: &[String]) -> Result<(), RepoError> {
    let at = now();
    for chunk in guardian_ids.chunks(1000) {
        // Queued already (a returning guardian whose first link was never sent): once is enough.
        diesel::delete(
            pending_invitations::table.filter(pending_invitations::guardian_id.eq_any(chunk)),
        )
        .execute(conn)?;
        let values: Vec<_> = chunk
            .iter()
            .map(|id| {
                (
                    pending_invitations::guardian_id.eq(id),
                    pending_invitations::created_at.eq(at),
                )
            })
            .collect();
        batch_insert!(conn, pending_invitations::table, values)?;
    }
    Ok(())
}

/// Up to `limit` queued guardians, oldest first.
pub fn due(conn: &mut AnyConnection, limit: i64) -> Result<Vec<String>, RepoError> {
    Ok(pending_invitations::table
        .order(pending_invitations::created_at.asc())
        .limit(limit)
        .select(pending_invitations::guardian_id)
        .load(conn)?)
}

/// Takes a queued guardian off the queue: the guardian and their school's name when this caller
/// won it and the guardian is still active, without an account and with an address.
pub fn take(
    conn: &mut AnyConnection,
    guardian_id: &str,
) -> Result<Option<(GuardianRow, String)>, RepoError> {
    let won = diesel::delete(pending_invitations::table.find(guardian_id)).execute(conn)? == 1;
    if !won {
        return Ok(None);
    }
    Ok(guardians::table
        .inner_join(schools::table)
        .filter(guardians::id.eq(guardian_id))
        .filter(guardians::deactivated_at.is_null())
        .filter(guardians::account_id.is_null())
        .filter(guardians::email.is_not_null())
        .select((GuardianRow::as_select(), schools::name))
        .first(conn)
        .optional()?)
}

/// How many guardians wait (for operations and tests).
pub fn count(conn: &mut AnyConnection) -> Result<i64, RepoError> {
    Ok(pending_invitations::table.count().get_result(conn)?)
}
