//! What the fan-out writes for one event: an inbox item per person and, where their plan says so,
//! an e-mail delivery due at the planned time. Written in a few multi-row statements, so a
//! school-wide post to thousands of guardians costs milliseconds, not a statement per person.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::INBOX_CHANNEL;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{email_deliveries, inbox_items};

/// One person's share of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub account_id: String,
    /// The children it concerns them for, combined for display ("Sanne en Daan").
    pub children: String,
    /// When the e-mail is due and whether it waits for the overview; `None`: no e-mail.
    pub email: Option<(NaiveDateTime, bool)>,
}

#[derive(Insertable)]
#[diesel(table_name = inbox_items)]
struct InboxInsert<'a> {
    id: String,
    account_id: &'a str,
    event_id: &'a str,
    children: &'a str,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = email_deliveries)]
struct EmailInsert<'a> {
    id: String,
    account_id: &'a str,
    event_id: &'a str,
    due_at: NaiveDateTime,
    in_digest: bool,
}

/// Rows per statement: well under both backends' limits on bound parameters.
const CHUNK: usize = 1000;

/// Writes the deliveries of `event_id` (a person already served is skipped, so a retried fan-out
/// writes nothing twice) and, on PostgreSQL, tells every instance at commit that the event reached
/// people. Returns how many inbox items were written.
pub fn write_deliveries(
    conn: &mut AnyConnection,
    event_id: &str,
    deliveries: &[NewDelivery],
    now: NaiveDateTime,
) -> Result<usize, RepoError> {
    let mut written = 0;
    for chunk in deliveries.chunks(CHUNK) {
        let items: Vec<InboxInsert<'_>> = chunk
            .iter()
            .map(|d| InboxInsert {
                id: new_id(),
                account_id: &d.account_id,
                event_id,
                children: &d.children,
                created_at: now,
            })
            .collect();
        written += on_backend_insert(conn, Table::Inbox(&items))?;
        let mails: Vec<EmailInsert<'_>> = chunk
            .iter()
            .filter_map(|d| {
                d.email.map(|(due_at, in_digest)| EmailInsert {
                    id: new_id(),
                    account_id: &d.account_id,
                    event_id,
                    due_at,
                    in_digest,
                })
            })
            .collect();
        if !mails.is_empty() {
            on_backend_insert(conn, Table::Email(&mails))?;
        }
    }
    if written > 0
        && let AnyConnection::Postgresql(pg) = conn
    {
        // NOTIFY is delivered when the transaction commits, and not at all if it rolls back.
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(INBOX_CHANNEL)
            .bind::<Text, _>(event_id)
            .execute(pg)?;
    }
    Ok(written)
}

enum Table<'r, 'a> {
    Inbox(&'r [InboxInsert<'a>]),
    Email(&'r [EmailInsert<'a>]),
}

fn on_backend_insert(conn: &mut AnyConnection, rows: Table<'_, '_>) -> Result<usize, RepoError> {
    // Multi-row INSERT needs the concrete backend (see `batch_insert!`); a row already there
    // (a retried fan-out) is skipped rather than failing the whole batch.
    let written = match (conn, rows) {
        (AnyConnection::Postgresql(c), Table::Inbox(rows)) => {
            diesel::insert_into(inbox_items::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)?
        }
        // SQLite's multi-row insert takes no ON CONFLICT clause in diesel; INSERT OR IGNORE is
        // the same for a unique key.
        (AnyConnection::Sqlite(c), Table::Inbox(rows)) => {
            diesel::insert_or_ignore_into(inbox_items::table)
                .values(rows)
                .execute(c)?
        }
        (AnyConnection::Postgresql(c), Table::Email(rows)) => {
            diesel::insert_into(email_deliveries::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)?
        }
        (AnyConnection::Sqlite(c), Table::Email(rows)) => {
            diesel::insert_or_ignore_into(email_deliveries::table)
                .values(rows)
                .execute(c)?
        }
    };
    Ok(written)
}
