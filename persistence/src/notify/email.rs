//! E-mail deliveries that are due: claimed inside the caller's transaction (on PostgreSQL the rows
//! are locked and others' locked rows skipped, so two instances never take the same delivery),
//! rendered by the caller into the outbox, and marked sent in that same transaction.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{accounts, email_deliveries, inbox_items, notification_events, schools};

/// A due e-mail with what it needs to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEmail {
    pub id: String,
    pub account_id: String,
    pub to: String,
    pub in_digest: bool,
    pub due_at: NaiveDateTime,
    pub school_id: String,
    pub school_name: String,
    pub kind: String,
    pub urgent: bool,
    pub language: String,
    pub title: String,
    pub body: String,
    pub children: String,
}

type Row = (
    String,
    String,
    String,
    bool,
    NaiveDateTime,
    String,
    String,
    String,
    bool,
    String,
    String,
    String,
    String,
);

/// Claims up to `limit` deliveries due at `now`, oldest first, for the caller's transaction. A
/// delivery to a disabled account is never sent (it is claimed and marked like the others).
pub fn claim_due_emails(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<DueEmail>, RepoError> {
    let due = email_deliveries::table
        .filter(email_deliveries::sent_at.is_null())
        .filter(email_deliveries::due_at.le(now))
        .order(email_deliveries::due_at.asc())
        .limit(limit)
        .select(email_deliveries::id);
    let ids: Vec<String> = match conn {
        AnyConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        // One writer at a time: the caller's transaction is the lock.
        AnyConnection::Sqlite(lite) => due.load(lite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = email_deliveries::table
        .inner_join(notification_events::table.inner_join(schools::table))
        .inner_join(accounts::table)
        .filter(email_deliveries::id.eq_any(&ids))
        .filter(accounts::disabled_at.is_null())
        .order((email_deliveries::due_at.asc(), email_deliveries::id.asc()))
        .select((
            email_deliveries::id,
            email_deliveries::account_id,
            accounts::email,
            email_deliveries::in_digest,
            email_deliveries::due_at,
            notification_events::school_id,
            schools::name,
            notification_events::kind,
            notification_events::urgent,
            notification_events::language,
            notification_events::title,
            notification_events::body,
            email_deliveries::event_id,
        ))
        .load(conn)?;
    let events: Vec<&String> = rows.iter().map(|r| &r.12).collect();
    let people: Vec<&String> = rows.iter().map(|r| &r.1).collect();
    let children: HashMap<(String, String), String> = inbox_items::table
        .filter(inbox_items::event_id.eq_any(events))
        .filter(inbox_items::account_id.eq_any(people))
        .select((
            inbox_items::event_id,
            inbox_items::account_id,
            inbox_items::children,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(event, account, names)| ((event, account), names))
        .collect();
    // Deliveries to disabled accounts are marked sent with the rest and never written out.
    mark_emails_sent(conn, &ids, now)?;
    Ok(rows
        .into_iter()
        .map(|r| DueEmail {
            children: children
                .get(&(r.12.clone(), r.1.clone()))
                .cloned()
                .unwrap_or_default(),
            id: r.0,
            account_id: r.1,
            to: r.2,
            in_digest: r.3,
            due_at: r.4,
            school_id: r.5,
            school_name: r.6,
            kind: r.7,
            urgent: r.8,
            language: r.9,
            title: r.10,
            body: r.11,
        })
        .collect())
}

/// Marks deliveries handed to the outbox.
pub fn mark_emails_sent(
    conn: &mut AnyConnection,
    ids: &[String],
    now: NaiveDateTime,
) -> Result<usize, RepoError> {
    Ok(
        diesel::update(email_deliveries::table.filter(email_deliveries::id.eq_any(ids)))
            .set(email_deliveries::sent_at.eq(now))
            .execute(conn)?,
    )
}
