//! Comments on a post: the shapes and the handlers.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use persistence::ids::now;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::routes::pagination::{Page, PageParams};
use crate::services::news::{self as service, CommentView};
use crate::state::AppState;

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsCommentInput {
    /// Plain text.
    #[schema(min_length = 1, max_length = 2000)]
    #[validate(length(min = 1, max = 2000))]
    pub body: String,
}

/// A comment, with its writer's name only (never contact details).
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsComment {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 2000)]
    pub body: String,
    /// The commenter's name as the school holds it.
    #[schema(max_length = 240)]
    pub commenter: String,
    /// Written by the caller.
    pub own: bool,
    /// Hidden by the post's author or an admin: only staff see it (marked so).
    pub hidden: bool,
    pub created_at: DateTime<Utc>,
}

impl From<CommentView> for NewsComment {
    fn from(view: CommentView) -> Self {
        let entry = view.entry;
        let commenter = [
            Some(entry.first_name.as_str()),
            entry.name_prefix.as_deref(),
            Some(entry.last_name.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        NewsComment {
            id: entry.comment.id,
            body: entry.comment.body,
            commenter,
            own: view.own,
            hidden: entry.comment.hidden_at.is_some(),
            created_at: entry.comment.created_at.and_utc(),
        }
    }
}

/// Comment on a news post
///
/// For a guardian of the post's audience, when its author switched comments on (seed 003: off by
/// default). With comments off the answer is 409 (the post's state, not the caller, refuses it);
/// staff do not comment (403). With `Idempotency-Key`, a retried request posts one comment.
#[utoipa::path(
    tag = "news",
    operation_id = "create_news_comment",
    params(
        ("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per comment and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is posted twice. Kept for 24 hours."),
    ),
    request_body = NewsCommentInput,
    responses((status = 201, description = "The comment.", body = NewsComment,
               headers(("Location" = String, description = "The post's comments.")))),
    security(("bearer" = []))
)]
#[post("/news/{post_id}/comments")]
pub async fn create_news_comment(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    let (actor, audit, post_id) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_comment(conn, &actor, &audit, &post_id, now())
    })
    .await?;
    let input: NewsCommentInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let location = format!("/api/v1/news/{id}/comments");
    let created = db::run(&state.db, move |conn| {
        // The comment and its remembered answer commit together: a retry finds one or neither.
        persistence::transaction(conn, |conn| {
            if let Some(answer) = replayed(claim.as_ref(), conn)? {
                return Ok(Created::Replayed(answer));
            }
            let comment = service::comment(conn, &auth.0, &auth.audit(), &id, &input.body, now())?;
            remembered(claim.as_ref(), conn, NewsComment::from(comment))
        })
    })
    .await?;
    Ok(created.respond(|_| location))
}

/// A news post's comments
///
/// Oldest first, for the guardians of its audience and the staff who see the post. Guardians do
/// not see hidden comments; staff see them marked `hidden`.
#[utoipa::path(
    tag = "news",
    operation_id = "list_news_comments",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."), PageParams),
    responses((status = 200, description = "A page of comments.", body = Page<NewsComment>)),
    security(("bearer" = []))
)]
#[get("/news/{post_id}/comments")]
pub async fn list_news_comments(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: Query<PageParams>,
) -> Result<web::Json<Page<NewsComment>>, ApiError> {
    let id = path.into_inner().to_string();
    let limit = i64::from(page.0.page_size()?.get());
    let cursor = page.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        service::comments(
            conn,
            &auth.0,
            &auth.audit(),
            &id,
            cursor.as_deref(),
            limit,
            now(),
        )
    })
    .await?;
    Ok(web::Json(Page {
        items: page.items.into_iter().map(NewsComment::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn set_hidden(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: (Uuid, Uuid),
    hidden: bool,
) -> Result<HttpResponse, ApiError> {
    let (post_id, comment_id) = (path.0.to_string(), path.1.to_string());
    db::run(&state.db, move |conn| {
        let audit = auth.audit();
        service::set_hidden(conn, &auth.0, &audit, &post_id, &comment_id, hidden, now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hide a comment
///
/// By the post's author or an admin of its school: guardians no longer see it; staff see it
/// marked. Hiding a hidden comment changes nothing.
#[utoipa::path(
    tag = "news",
    operation_id = "hide_news_comment",
    params(
        ("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."),
        ("comment_id" = String, Path, format = Uuid, max_length = 36, description = "The comment."),
    ),
    responses((status = 204, description = "Hidden.")),
    security(("bearer" = []))
)]
#[put("/news/{post_id}/comments/{comment_id}/hidden")]
pub async fn hide_news_comment(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    set_hidden(auth, state, path.into_inner(), true).await
}

/// Show a hidden comment again
///
/// By the post's author or an admin of its school. Showing a comment that is not hidden changes
/// nothing.
#[utoipa::path(
    tag = "news",
    operation_id = "unhide_news_comment",
    params(
        ("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."),
        ("comment_id" = String, Path, format = Uuid, max_length = 36, description = "The comment."),
    ),
    responses((status = 204, description = "Shown again.")),
    security(("bearer" = []))
)]
#[delete("/news/{post_id}/comments/{comment_id}/hidden")]
pub async fn unhide_news_comment(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    set_hidden(auth, state, path.into_inner(), false).await
}
