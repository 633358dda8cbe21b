//! Calendar feeds over HTTP: a person makes, lists and revokes their secret feed URLs; a phone's
//! calendar fetches `/planner/feeds/{secret}.ics` without a bearer token (it cannot send one).

use std::sync::Arc;

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use persistence::planner::feeds::StoredFeed;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Audit;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::services::planner::feeds::{self as service, LISTED_FEEDS, SECRET_LENGTH};
use crate::state::AppState;
use crate::telemetry;

/// The conversations as an iCalendar document (RFC 5545): at most 1000 events of a few hundred
/// octets each.
#[derive(Debug)]
pub struct PlannerFeedText;

impl utoipa::PartialSchema for PlannerFeedText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(2_000_000))
            .into()
    }
}

impl utoipa::ToSchema for PlannerFeedText {}

/// A calendar feed as its owner sees it (its secret is shown only when it is made).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerFeed {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// Set once revoked: the URL answers 404 from then on.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<StoredFeed> for PlannerFeed {
    fn from(feed: StoredFeed) -> Self {
        PlannerFeed {
            id: feed.id,
            created_at: feed.created_at,
            revoked_at: feed.revoked_at,
        }
    }
}

/// A new calendar feed with its URL, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerFeedCreated {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// The path to subscribe to, below the API's origin; whoever has it reads the feed, so it is
    /// shown only now.
    #[schema(
        max_length = 80,
        pattern = r"^/api/v1/planner/feeds/[A-Za-z0-9_-]{43}\.ics$"
    )]
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// The caller's calendar feeds, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerFeedList {
    #[schema(max_items = 50)]
    pub items: Vec<PlannerFeed>,
}

const _: () = assert!(LISTED_FEEDS == 50 && SECRET_LENGTH == 43);

/// Make a calendar feed
///
/// For a guardian or a school's staff: a secret URL for a phone's calendar that shows the
/// caller's conversations, updated when one changes or is cancelled. The URL is shown once; at
/// most 10 live feeds (409 beyond).
#[utoipa::path(
    tag = "planner",
    operation_id = "create_planner_feed",
    responses((status = 201, description = "The feed and its URL.", body = PlannerFeedCreated)),
    security(("bearer" = []))
)]
#[post("/me/planner/feeds")]
pub async fn create_planner_feed(
    auth: Authenticated,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let made = db::run(&state.db, move |conn| {
        service::create(conn, &auth.0, &auth.audit(), now)
    })
    .await?;
    let url = format!("/api/v1/planner/feeds/{}.ics", made.secret);
    Ok(HttpResponse::Created().json(PlannerFeedCreated {
        id: made.feed.id,
        url,
        created_at: made.feed.created_at,
    }))
}

/// My calendar feeds
///
/// The caller's feeds, live and revoked, newest first; never their secrets.
#[utoipa::path(
    tag = "planner",
    operation_id = "list_planner_feeds",
    responses((status = 200, description = "The feeds.", body = PlannerFeedList)),
    security(("bearer" = []))
)]
#[get("/me/planner/feeds")]
pub async fn list_planner_feeds(
    auth: Authenticated,
    state: web::Data<AppState>,
) -> Result<web::Json<PlannerFeedList>, ApiError> {
    let feeds = db::run(&state.db, move |conn| service::list(conn, &auth.0)).await?;
    Ok(web::Json(PlannerFeedList {
        items: feeds.into_iter().map(Into::into).collect(),
    }))
}

/// Revoke a calendar feed
///
/// Its URL answers 404 from now on (a lost phone reads no more). Another person's feed is 404.
#[utoipa::path(
    tag = "planner",
    operation_id = "revoke_planner_feed",
    params(("feed_id" = String, Path, format = Uuid, max_length = 36, description = "The feed.")),
    responses((status = 204, description = "Revoked.")),
    security(("bearer" = []))
)]
#[delete("/me/planner/feeds/{feed_id}")]
pub async fn revoke_planner_feed(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::revoke(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A calendar feed
///
/// The conversations of the feed's owner as iCalendar (RFC 5545), for a phone's calendar to
/// subscribe to: one event per booking with a stable UID, SEQUENCE and STATUS (CANCELLED once
/// unbooked or cancelled). No bearer token: the secret in the path is the credential. An unknown
/// or revoked secret is 404.
#[utoipa::path(
    tag = "planner",
    operation_id = "get_planner_feed_ics",
    params(("secret" = String, Path, min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$", description = "The feed's secret.")),
    responses((status = 200, description = "The calendar.", content_type = "text/calendar", body = PlannerFeedText)),
    security(())
)]
#[get("/planner/feeds/{secret}.ics")]
pub async fn get_planner_feed_ics(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = path.into_inner();
    let audit = Audit {
        account_id: None,
        client_id: None,
        request_id: telemetry::current_request_id(),
        writer: Some(Arc::clone(&state.audit)),
    };
    let body = db::run(&state.db, move |conn| service::ics(conn, &secret, audit)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body))
}
