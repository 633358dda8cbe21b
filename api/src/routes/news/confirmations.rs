//! Read confirmation of a post: the shapes and the handlers.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use persistence::ids::now;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::ReadConfirmation;
use super::edits::NewsPersonName;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::PageParams;
use crate::services::news::{self as service, ConfirmationState, Overview};
use crate::state::AppState;

/// Where the caller stands with a post's read confirmation.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsConfirmationState {
    pub confirmation: ReadConfirmation,
    /// Whether the caller still has to confirm (false once their confirmation, or for
    /// `per_child` another guardian's of each of their children, is in).
    pub confirmation_needed: bool,
    /// When the caller first confirmed; absent when they have not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<ConfirmationState> for NewsConfirmationState {
    fn from(state: ConfirmationState) -> Self {
        NewsConfirmationState {
            confirmation: state.confirmation.into(),
            confirmation_needed: state.needed,
            confirmed_at: state.confirmed_at.map(|t| t.and_utc()),
        }
    }
}

/// A household of a child still open (per household): its guardians by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenHousehold {
    #[schema(max_items = 20)]
    pub guardians: Vec<NewsPersonName>,
}

/// A child with a confirmation still open, by name only.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenConfirmation {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 100)]
    pub first_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 30)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 100)]
    pub last_name: String,
    /// Per household, for a child whose parents are separated: the households still open.
    /// Empty when the child is confirmed as a whole (per child, or parents not separated).
    #[schema(max_items = 20)]
    pub open_households: Vec<OpenHousehold>,
}

/// What is confirmed of a post: counted in children (`per_child`) or in households of children
/// (`per_household`; a child whose parents are not separated is one household), and the
/// children still open, a page at a time.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsConfirmations {
    pub confirmation: ReadConfirmation,
    #[schema(minimum = 0, maximum = 10000000)]
    pub confirmed_count: u32,
    #[schema(minimum = 0, maximum = 10000000)]
    pub open_count: u32,
    #[schema(max_items = 100)]
    pub items: Vec<OpenConfirmation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid, max_length = 36)]
    pub next_cursor: Option<String>,
}

impl From<Overview> for NewsConfirmations {
    fn from(overview: Overview) -> Self {
        NewsConfirmations {
            confirmation: overview.confirmation.into(),
            confirmed_count: u32::try_from(overview.confirmed).unwrap_or(u32::MAX),
            open_count: u32::try_from(overview.open).unwrap_or(u32::MAX),
            items: overview
                .items
                .into_iter()
                .filter_map(|child| {
                    let name = child.name?;
                    Some(OpenConfirmation {
                        pupil_id: child.pupil_id,
                        first_name: name.first_name,
                        name_prefix: name.name_prefix,
                        last_name: name.last_name,
                        open_households: child
                            .households
                            .into_iter()
                            .map(|guardians| OpenHousehold {
                                guardians: guardians.into_iter().map(Into::into).collect(),
                            })
                            .collect(),
                    })
                })
                .collect(),
            next_cursor: overview.next_cursor,
        }
    }
}

/// Confirm I read a news post
///
/// For a guardian of the post's audience, when the post asks for confirmation (409 when it asks
/// none; staff do not confirm: 403): recorded for each of their children the post reaches.
/// Confirming again writes nothing and answers the same.
#[utoipa::path(
    tag = "news",
    operation_id = "confirm_news_post",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post.")),
    responses((status = 200, description = "Confirmed; where the caller stands now.", body = NewsConfirmationState)),
    security(("bearer" = []))
)]
#[put("/news/{post_id}/confirmation")]
pub async fn confirm_news_post(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<NewsConfirmationState>, ApiError> {
    let id = path.into_inner().to_string();
    let state = db::run(&state.db, move |conn| {
        service::confirm(conn, &auth.0, &auth.audit(), &id, now())
    })
    .await?;
    Ok(web::Json(state.into()))
}

/// Who has confirmed a news post
///
/// For the post's author and the school's admins: how many children (`per_child`) or households
/// of children (`per_household`) have confirmed and how many not, and a page of the children
/// still open by name (with, per household, the guardians of each open household by name; never
/// contact details). The guardians still open are reminded by the notification engine.
#[utoipa::path(
    tag = "news",
    operation_id = "list_news_post_confirmations",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."), PageParams),
    responses((status = 200, description = "The confirmations.", body = NewsConfirmations)),
    security(("bearer" = []))
)]
#[get("/news/{post_id}/confirmations")]
pub async fn list_news_post_confirmations(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: Query<PageParams>,
) -> Result<web::Json<NewsConfirmations>, ApiError> {
    let id = path.into_inner().to_string();
    let limit = usize::from(page.0.page_size()?.get());
    let cursor = page.0.cursor.clone();
    let overview = db::run(&state.db, move |conn| {
        let audit = auth.audit();
        service::overview(conn, &auth.0, &audit, &id, cursor.as_deref(), limit, now())
    })
    .await?;
    Ok(web::Json(overview.into()))
}

/// How many guardians a reminder goes to.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsConfirmationReminder {
    /// The people who still owe a confirmation now (one per person, however many children).
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub reminded: u32,
}

/// Remind those who have not confirmed
///
/// For the post's author and the school's admins: the guardians who still owe a read
/// confirmation get a reminder in their inbox and by e-mail, whatever their e-mail preference
/// (after quiet hours). 409 for a post that asks for no confirmation.
#[utoipa::path(
    tag = "news",
    operation_id = "remind_news_post_confirmation",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post.")),
    responses((status = 202, description = "The reminder is on its way.", body = NewsConfirmationReminder)),
    security(("bearer" = []))
)]
#[post("/news/{post_id}/confirmation-reminders")]
pub async fn remind_news_post_confirmation(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    let reminded = db::run(&state.db, move |conn| {
        service::remind(conn, &auth.0, &auth.audit(), &id, now())
    })
    .await?;
    Ok(HttpResponse::Accepted().json(NewsConfirmationReminder {
        reminded: u32::try_from(reminded).unwrap_or(u32::MAX),
    }))
}
