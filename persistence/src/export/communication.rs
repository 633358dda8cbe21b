//! The export's sections of what the portal told the account and recorded about the family: read
//! receipts, confirmations, comments, the inbox, and the audit log's events.

use diesel::prelude::*;

use super::Family;
use super::rows::{AuditRecord, NewsComment, NewsConfirmation, NewsRead, Notification};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{
    audit_events, inbox_items, news_comments, news_confirmations, news_posts, news_reads,
    notification_events,
};

pub fn news_reads(conn: &mut AnyConnection, family: &Family) -> Result<Vec<NewsRead>, RepoError> {
    Ok(news_reads::table
        .inner_join(news_posts::table)
        .filter(news_reads::guardian_id.eq_any(&family.guardian_ids))
        .select((
            news_reads::post_id,
            news_posts::title,
            news_reads::guardian_id,
            news_reads::read_at,
        ))
        .order(news_reads::read_at)
        .load(conn)?)
}

pub fn news_confirmations(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<NewsConfirmation>, RepoError> {
    Ok(news_confirmations::table
        .inner_join(news_posts::table)
        .filter(news_confirmations::guardian_id.eq_any(&family.guardian_ids))
        .select((
            news_confirmations::post_id,
            news_posts::title,
            news_confirmations::pupil_id,
            news_confirmations::guardian_id,
            news_confirmations::confirmed_at,
        ))
        .order(news_confirmations::confirmed_at)
        .load(conn)?)
}

pub fn news_comments(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<NewsComment>, RepoError> {
    Ok(news_comments::table
        .filter(news_comments::guardian_id.eq_any(&family.guardian_ids))
        .select((
            news_comments::id,
            news_comments::post_id,
            news_comments::guardian_id,
            news_comments::body,
            news_comments::created_at,
            news_comments::hidden_at,
        ))
        .order(news_comments::created_at)
        .load(conn)?)
}

/// The account's inbox, with what each notification said.
pub fn notifications(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<Notification>, RepoError> {
    Ok(inbox_items::table
        .inner_join(notification_events::table)
        .filter(inbox_items::account_id.eq(&family.account_id))
        .select((
            inbox_items::id,
            notification_events::school_id,
            notification_events::kind,
            notification_events::object_id,
            notification_events::title,
            notification_events::body,
            inbox_items::created_at,
            inbox_items::read_at,
        ))
        .order(inbox_items::created_at)
        .load(conn)?)
}

/// Events by the account, or about its guardian records, its children or itself.
pub fn audit_events(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<AuditRecord>, RepoError> {
    let mut about = family.subjects();
    about.push(family.account_id.clone());
    Ok(audit_events::table
        .filter(
            audit_events::account_id
                .eq(&family.account_id)
                .or(audit_events::object_id.eq_any(about)),
        )
        .select((
            audit_events::id,
            audit_events::at,
            audit_events::account_id,
            audit_events::action,
            audit_events::object_type,
            audit_events::object_id,
            audit_events::school_id,
            audit_events::outcome,
        ))
        .order(audit_events::at)
        .load(conn)?)
}
