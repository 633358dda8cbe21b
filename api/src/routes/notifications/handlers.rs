//! One handler per operation: extract, convert, one service call, answer.

use actix_web::{HttpResponse, get, post, put, web};
use persistence::ids::now;
use uuid::Uuid;

use super::dto::{
    Inbox, MarkedRead, Notification, NotificationPreferences, SchoolNotificationSettings,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, JsonBody, Query};
use crate::routes::pagination::PageParams;
use crate::services::notify::{inbox, settings};
use crate::state::AppState;

/// My notifications
///
/// The caller's inbox, newest first: one item per event, however many of their children it
/// concerns, with the children named together; and how many are unread.
#[utoipa::path(
    tag = "notifications",
    operation_id = "list_notifications",
    params(PageParams),
    responses((status = 200, description = "A page of the inbox.", body = Inbox)),
    security(("bearer" = []))
)]
#[get("/me/notifications")]
pub async fn list_notifications(
    auth: Authenticated,
    state: web::Data<AppState>,
    page: Query<PageParams>,
) -> Result<web::Json<Inbox>, ApiError> {
    let limit = i64::from(page.0.page_size()?.get());
    let cursor = page.0.cursor.clone();
    let (page, unread) = db::run(&state.db, move |conn| {
        inbox::page(conn, &auth.0, cursor.as_deref(), limit)
    })
    .await?;
    let next_cursor = if page.more {
        page.items.last().map(|item| item.id.clone())
    } else {
        None
    };
    Ok(web::Json(Inbox {
        items: page
            .items
            .into_iter()
            .map(Notification::try_from)
            .collect::<Result<_, _>>()?,
        next_cursor,
        unread,
    }))
}

/// Mark a notification read
///
/// Again changes nothing. Another person's item is not found.
#[utoipa::path(
    tag = "notifications",
    operation_id = "mark_notification_read",
    params(("notification_id" = String, Path, format = Uuid, max_length = 36, description = "The inbox item.")),
    responses((status = 204, description = "Read.")),
    security(("bearer" = []))
)]
#[put("/me/notifications/{notification_id}/read")]
pub async fn mark_notification_read(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        inbox::mark_read(conn, &auth.0, &id, now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark all my notifications read
#[utoipa::path(
    tag = "notifications",
    operation_id = "mark_all_notifications_read",
    responses((status = 200, description = "How many were unread.", body = MarkedRead)),
    security(("bearer" = []))
)]
#[post("/me/notifications/read-all")]
pub async fn mark_all_notifications_read(
    auth: Authenticated,
    state: web::Data<AppState>,
) -> Result<web::Json<MarkedRead>, ApiError> {
    let marked = db::run(&state.db, move |conn| {
        inbox::mark_all_read(conn, &auth.0, now())
    })
    .await?;
    Ok(web::Json(MarkedRead {
        marked: u32::try_from(marked).unwrap_or(u32::MAX),
    }))
}

/// My notification preferences
///
/// How the caller hears of ordinary messages by e-mail (default: the daily overview plus urgent
/// messages at once, seed 003), and their opt-ins. The inbox and the live stream always carry
/// everything.
#[utoipa::path(
    tag = "notifications",
    operation_id = "get_notification_preferences",
    responses((status = 200, description = "The preferences.", body = NotificationPreferences)),
    security(("bearer" = []))
)]
#[get("/me/notification-preferences")]
pub async fn get_notification_preferences(
    auth: Authenticated,
    state: web::Data<AppState>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    let choices = db::run(&state.db, move |conn| settings::choices(conn, &auth.0)).await?;
    Ok(web::Json(choices.into()))
}

/// Set my notification preferences
///
/// Urgent messages are sent whatever the preference; grade notifications only when the school
/// sends them too (seed 004). Applies to messages from now on.
#[utoipa::path(
    tag = "notifications",
    operation_id = "update_notification_preferences",
    request_body = NotificationPreferences,
    responses((status = 200, description = "The preferences as stored.", body = NotificationPreferences)),
    security(("bearer" = []))
)]
#[put("/me/notification-preferences")]
pub async fn update_notification_preferences(
    auth: Authenticated,
    state: web::Data<AppState>,
    body: Json<NotificationPreferences>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    let choices = body.0.into();
    let stored = db::run(&state.db, move |conn| {
        settings::put_choices(conn, &auth.0, &auth.audit(), choices, now())
    })
    .await?;
    Ok(web::Json(stored.into()))
}

/// A school's notification settings
///
/// Quiet hours, the time of the daily overview, what e-mails say, and whether the school sends
/// grade notifications. For everyone who sees the school.
#[utoipa::path(
    tag = "notifications",
    operation_id = "get_school_notification_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    responses((status = 200, description = "The settings.", body = SchoolNotificationSettings)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/notification-settings")]
pub async fn get_school_notification_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<SchoolNotificationSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let stored = db::run(&state.db, move |conn| {
        settings::school_settings(conn, &auth.0, &auth.audit(), &school_id)
    })
    .await?;
    Ok(web::Json(stored.into()))
}

/// Set a school's notification settings
///
/// For the school's admins and its board's admins. Applies to messages from now on.
#[utoipa::path(
    tag = "notifications",
    operation_id = "update_school_notification_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = SchoolNotificationSettings,
    responses((status = 200, description = "The settings as stored.", body = SchoolNotificationSettings)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/notification-settings")]
pub async fn update_school_notification_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<SchoolNotificationSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        settings::may_manage(conn, &actor, &audit, &school)
    })
    .await?;
    let body: SchoolNotificationSettings = body.parse().await?;
    let wanted = body.try_into()?;
    let stored = db::run(&state.db, move |conn| {
        settings::put_school_settings(conn, &auth.0, &auth.audit(), &school_id, wanted, now())
    })
    .await?;
    Ok(web::Json(stored.into()))
}
