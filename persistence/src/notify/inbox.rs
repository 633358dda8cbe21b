//! The in-app inbox: a person's own items only (every read takes their account id), newest first.
//! Item ids are UUIDv7, so their order is the order they were written and a page after an id stays
//! the same while new items arrive.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{inbox_items, notification_events};

/// An inbox item with its event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct InboxItem {
    pub id: String,
    pub event_id: String,
    pub school_id: String,
    pub kind: String,
    pub object_id: String,
    pub urgent: bool,
    pub title: String,
    pub children: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// A page of the inbox, and whether more follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    pub more: bool,
}

type Columns = (
    inbox_items::id,
    inbox_items::event_id,
    notification_events::school_id,
    notification_events::kind,
    notification_events::object_id,
    notification_events::urgent,
    notification_events::title,
    inbox_items::children,
    inbox_items::created_at,
    inbox_items::read_at,
);

const COLUMNS: Columns = (
    inbox_items::id,
    inbox_items::event_id,
    notification_events::school_id,
    notification_events::kind,
    notification_events::object_id,
    notification_events::urgent,
    notification_events::title,
    inbox_items::children,
    inbox_items::created_at,
    inbox_items::read_at,
);

/// The account's items before `cursor` (an item id), newest first, at most `limit`.
pub fn inbox_page(
    conn: &mut AnyConnection,
    account_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> Result<InboxPage, RepoError> {
    let mut query = inbox_items::table
        .inner_join(notification_events::table)
        .filter(inbox_items::account_id.eq(account_id))
        .select(COLUMNS)
        .order(inbox_items::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(cursor) = cursor {
        query = query.filter(inbox_items::id.lt(cursor));
    }
    let mut items: Vec<InboxItem> = query.load(conn)?;
    let more = items.len() > usize::try_from(limit).unwrap_or(0);
    items.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(InboxPage { items, more })
}

pub fn unread_count(conn: &mut AnyConnection, account_id: &str) -> Result<i64, RepoError> {
    Ok(inbox_items::table
        .filter(inbox_items::account_id.eq(account_id))
        .filter(inbox_items::read_at.is_null())
        .select(count_star())
        .get_result(conn)?)
}

/// Marks one of the account's items read (again: nothing changes). `NotFound` when the account has
/// no such item, whoever else may.
pub fn mark_read(
    conn: &mut AnyConnection,
    account_id: &str,
    item_id: &str,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let mine = inbox_items::table
        .filter(inbox_items::id.eq(item_id))
        .filter(inbox_items::account_id.eq(account_id));
    let updated = diesel::update(mine.filter(inbox_items::read_at.is_null()))
        .set(inbox_items::read_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        // Already read, or not theirs: only the first is fine.
        mine.select(inbox_items::id).first::<String>(conn)?;
    }
    Ok(())
}

/// Marks all of the account's unread items read; returns how many.
pub fn mark_all_read(
    conn: &mut AnyConnection,
    account_id: &str,
    now: NaiveDateTime,
) -> Result<usize, RepoError> {
    Ok(diesel::update(
        inbox_items::table
            .filter(inbox_items::account_id.eq(account_id))
            .filter(inbox_items::read_at.is_null()),
    )
    .set(inbox_items::read_at.eq(now))
    .execute(conn)?)
}

/// The items an event wrote for these accounts (the ones with a live stream open on this
/// instance), as `(account id, item)`.
pub fn items_of_event(
    conn: &mut AnyConnection,
    event_id: &str,
    accounts: &[String],
) -> Result<Vec<(String, InboxItem)>, RepoError> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, InboxItem)> = inbox_items::table
        .inner_join(notification_events::table)
        .filter(inbox_items::event_id.eq(event_id))
        .filter(inbox_items::account_id.eq_any(accounts))
        .select((inbox_items::account_id, COLUMNS))
        .load(conn)?;
    Ok(rows)
}
