//! A person's own inbox: every call reads and writes the caller's items only (their account id is
//! the filter), so another person's item is simply not found.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use persistence::AnyConnection;
use persistence::notify::{self, InboxPage};

use super::settings::NotifyError;

/// A page of the caller's inbox and how many items they have not read.
pub fn page(
    conn: &mut AnyConnection,
    actor: &Actor,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(InboxPage, i64), NotifyError> {
    let account = actor.account_id.to_string();
    let page = notify::inbox_page(conn, &account, cursor, limit)?;
    let unread = notify::unread_count(conn, &account)?;
    Ok((page, unread))
}

/// Marks one of the caller's items read.
pub fn mark_read(
    conn: &mut AnyConnection,
    actor: &Actor,
    item_id: &str,
    now: NaiveDateTime,
) -> Result<(), NotifyError> {
    Ok(notify::mark_read(
        conn,
        &actor.account_id.to_string(),
        item_id,
        now,
    )?)
}

/// Marks all of the caller's items read; returns how many were unread.
pub fn mark_all_read(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<usize, NotifyError> {
    Ok(notify::mark_all_read(
        conn,
        &actor.account_id.to_string(),
        now,
    )?)
}
