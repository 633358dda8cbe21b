//! The audit log: who did what to which object, when, and with what outcome. Never the data itself.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::{new_id, now};
use crate::page::{Page, fetch_page};
use crate::schema::audit_events;
use crate::schools::VisibleSchool;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub request_id: Option<String>,
    pub account_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub school_id: Option<String>,
    pub outcome: String,
    /// The integration client that acted, if one did.
    pub client_id: Option<String>,
}

/// One event, as the caller describes it.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    pub request_id: Option<&'a str>,
    pub account_id: Option<&'a str>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub school_id: Option<&'a str>,
    pub outcome: &'a str,
    pub client_id: Option<&'a str>,
}

impl AuditRow {
    /// The row of an event, stamped now.
    pub fn of(event: &NewEvent<'_>) -> AuditRow {
        AuditRow {
            id: new_id(),
            at: now(),
            request_id: event.request_id.map(str::to_owned),
            account_id: event.account_id.map(str::to_owned),
            action: event.action.to_owned(),
            object_type: event.object_type.to_owned(),
            object_id: event.object_id.map(str::to_owned),
            school_id: event.school_id.map(str::to_owned),
            outcome: event.outcome.to_owned(),
            client_id: event.client_id.map(str::to_owned),
        }
    }
}

/// Writes events stamped earlier, in a few statements (the batched audit of reads).
pub fn record_rows(conn: &mut AnyConnection, rows: &[AuditRow]) -> Result<(), RepoError> {
    for chunk in rows.chunks(500) {
        batch_insert!(conn, audit_events::table, chunk)?;
    }
    Ok(())
}

pub fn record(conn: &mut AnyConnection, event: &NewEvent<'_>) -> Result<(), RepoError> {
    let row = AuditRow::of(event);
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Filters on a school's audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub account_id: Option<String>,
    pub object_id: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// A visible school's audit events, newest first.
pub fn list_at(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    filter: &AuditFilter,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<AuditRow>, RepoError> {
    fetch_page(
        limit,
        |fetch| {
            let mut query = audit_events::table
                .filter(audit_events::school_id.eq(school.id().to_owned()))
                .select(AuditRow::as_select())
                .order(audit_events::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(audit_events::id.lt(before.to_owned()));
            }
            if let Some(action) = &filter.action {
                query = query.filter(audit_events::action.eq(action.clone()));
            }
            if let Some(account_id) = &filter.account_id {
                query = query.filter(audit_events::account_id.eq(account_id.clone()));
            }
            if let Some(object_id) = &filter.object_id {
                query = query.filter(audit_events::object_id.eq(object_id.clone()));
            }
            if let Some(outcome) = &filter.outcome {
                query = query.filter(audit_events::outcome.eq(outcome.clone()));
            }
            if let Some(from) = filter.from {
                query = query.filter(audit_events::at.ge(from));
            }
            if let Some(until) = filter.until {
                query = query.filter(audit_events::at.lt(until));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}
