//! One handler per operation: extract, convert, one service call, answer.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use base64::Engine;
use domain::news::FeedKey;
use persistence::ids::now;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::dto::{FeedParams, NewsFeed, NewsPost, NewsPostInput, NewsReceipts, ReceiptParams};
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::PageParams;
use crate::services::news as service;
use crate::state::AppState;

/// Publish a news post
///
/// A school admin posts to the whole school or any of its groups of this school year; a teacher to
/// their own groups only. `draft` saves it unpublished; `publish_at` schedules it. Answers the
/// post as stored.
#[utoipa::path(
    tag = "news",
    operation_id = "create_news_post",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = NewsPostInput,
    responses((status = 201, description = "The post.", body = NewsPost)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/news")]
pub async fn create_news_post(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let school_id = path.into_inner();
    let (actor, audit) = (auth.0.clone(), auth.audit());
    db::run(&state.db, move |conn| {
        service::may_publish(conn, &actor, &audit, &school_id.to_string())
    })
    .await?;
    let command = body.parse::<NewsPostInput>().await?.command(school_id);
    let post = db::run(&state.db, move |conn| {
        let school = school_id.to_string();
        service::publish(conn, &auth.0, &auth.audit(), &school, command, now())
    })
    .await?;
    let answer = NewsPost::from(post);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/news/{}", answer.id)))
        .json(answer))
}

/// My news feed
///
/// The posts for the schools and this school year's groups of the caller's children, pinned
/// first, then newest first, with whether the caller read each. Answers `ETag`; with a matching
/// `If-None-Match` the answer is 304 without a body.
#[utoipa::path(
    tag = "news",
    operation_id = "list_news_feed",
    params(FeedParams),
    responses(
        (status = 200, description = "A page of the feed.", body = NewsFeed),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`."),
    ),
    security(("bearer" = []))
)]
#[get("/me/news")]
pub async fn list_news_feed(
    auth: Authenticated,
    state: web::Data<AppState>,
    query: Query<FeedParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (cursor, limit) = feed_page(&query.0)?;
    let page = db::run(&state.db, move |conn| {
        service::feed(conn, &auth.0, cursor, limit, now())
    })
    .await?;
    tagged(&request, &NewsFeed::from(page))
}

/// The cursor and the page size of a feed's query (400 naming the parameter when not valid).
pub(super) fn feed_page(params: &FeedParams) -> Result<(Option<FeedKey>, i64), ApiError> {
    let limit = i64::from(
        domain::pagination::PageSize::parse(params.limit)
            .map_err(|invalid| ApiError::BadRequest {
                detail: "A query parameter is not valid; see `errors`.".to_owned(),
                errors: vec![FieldError::from(("query.limit", invalid))],
            })?
            .get(),
    );
    let cursor = params
        .cursor
        .as_deref()
        .map(FeedKey::from_cursor)
        .transpose()
        .map_err(|invalid| ApiError::BadRequest {
            detail: "A query parameter is not valid; see `errors`.".to_owned(),
            errors: vec![FieldError::from(("query.cursor", invalid))],
        })?;
    Ok((cursor, limit))
}

/// A feed's page with its `ETag`; 304 without a body when `If-None-Match` names it.
pub(super) fn tagged(request: &HttpRequest, feed: &NewsFeed) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(feed).map_err(ApiError::internal)?;
    let tag = format!(
        "W/\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&Sha256::digest(&body)[..16])
    );
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|t| t.trim() == tag));
    let mut answer = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    answer
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"));
    Ok(if unchanged {
        answer.finish()
    } else {
        answer.content_type("application/json").body(body)
    })
}

/// Read a news post
///
/// For guardians, a post of their feed (with whether they read it); for the school's staff who
/// write news, its live posts, and its drafts and scheduled posts for their author and the admins.
#[utoipa::path(
    tag = "news",
    operation_id = "get_news_post",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post.")),
    responses((status = 200, description = "The post.", body = NewsPost)),
    security(("bearer" = []))
)]
#[get("/news/{post_id}")]
pub async fn get_news_post(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<NewsPost>, ApiError> {
    let id = path.into_inner().to_string();
    let post = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &auth.audit(), &id, now())
    })
    .await?;
    Ok(web::Json(NewsPost::from(post)))
}

/// Mark a news post read
///
/// Records that the guardian read a post of their feed; the author sees who has and has not.
/// Marking it again changes nothing.
#[utoipa::path(
    tag = "news",
    operation_id = "mark_news_post_read",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post.")),
    responses((status = 204, description = "Recorded.")),
    security(("bearer" = []))
)]
#[put("/news/{post_id}/read")]
pub async fn mark_news_post_read(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::mark_read(conn, &auth.0, &auth.audit(), &id, now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Delete a news post
///
/// By its author or an admin of its school: it leaves every feed.
#[utoipa::path(
    tag = "news",
    operation_id = "delete_news_post",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post.")),
    responses((status = 204, description = "Deleted.")),
    security(("bearer" = []))
)]
#[delete("/news/{post_id}")]
pub async fn delete_news_post(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::delete(conn, &auth.0, &auth.audit(), &id, now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who has read a news post
///
/// For the post's author and the school's admins: how many of the audience (the active guardians
/// of the pupils it reaches) have read it and how many not, and a page of them by name (never
/// contact details), optionally only those who have (`read=true`) or have not (`read=false`).
#[utoipa::path(
    tag = "news",
    operation_id = "list_news_post_readers",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."), ReceiptParams, PageParams),
    responses((status = 200, description = "The read receipts.", body = NewsReceipts)),
    security(("bearer" = []))
)]
#[get("/news/{post_id}/readers")]
pub async fn list_news_post_readers(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    filter: Query<ReceiptParams>,
    page: Query<PageParams>,
) -> Result<web::Json<NewsReceipts>, ApiError> {
    let id = path.into_inner().to_string();
    let limit = i64::from(page.0.page_size()?.get());
    let (read, cursor) = (filter.0.read, page.0.cursor.clone());
    let receipts = db::run(&state.db, move |conn| {
        let page = service::ReceiptPage {
            read,
            cursor: cursor.as_deref(),
            limit,
        };
        service::receipts(conn, &auth.0, &auth.audit(), &id, page, now())
    })
    .await?;
    Ok(web::Json(NewsReceipts::from(receipts)))
}
