//! Editing a post and reading its history: the shapes and the handlers.

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use domain::news::{self as domain_news, Release};
use persistence::ids::now;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::dto::{NewsAttachment, NewsLanguage, NewsPost, NewsPriority, ReadConfirmation};
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::{Page, PageParams};
use crate::services::news as service;
use crate::state::AppState;

/// A change to a post: every field left out stays as it is. Who it goes to and its school never
/// change. A post guardians have seen cannot become a draft again or be rescheduled.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsPostEdit {
    /// The `version` of the post the change was made on, as read. When the post was changed
    /// since, nothing is changed and the answer is 409: read it again and redo the change.
    #[schema(minimum = 1, maximum = 2147483647)]
    #[validate(range(min = 1))]
    pub version: i32,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub title: Option<String>,
    /// Plain text or a small Markdown subset; HTML is never interpreted.
    #[schema(min_length = 1, max_length = 20000)]
    #[validate(length(min = 1, max = 20000))]
    pub body: Option<String>,
    pub language: Option<NewsLanguage>,
    pub priority: Option<NewsPriority>,
    pub pinned: Option<bool>,
    /// Switches comments on or off (seed 003); off stops new comments, those written stay.
    pub comments_enabled: Option<bool>,
    pub confirmation: Option<ReadConfirmation>,
    /// `true` takes a scheduled post back to draft; `false` publishes a draft or scheduled post
    /// now (unless `publish_at` is given).
    pub draft: Option<bool>,
    /// Schedules a draft or scheduled post for this time (not with `draft: true`).
    pub publish_at: Option<DateTime<Utc>>,
    /// A new expiry; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub expires_at: Option<Option<DateTime<Utc>>>,
    /// Replaces the attachments (`[]` removes them).
    #[schema(max_items = 10)]
    #[validate(length(max = 10), nested)]
    pub attachments: Option<Vec<NewsAttachment>>,
}

/// A field that is present, `null` or not: `Some(None)` for `null` (left out is `None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl NewsPostEdit {
    /// The version it was made on, and the edit.
    pub fn command(self) -> Result<(i32, domain_news::EditPost), ApiError> {
        let release = match (self.draft, self.publish_at) {
            (Some(true), Some(_)) => {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "publish_at",
                    "draft_not_scheduled",
                    "a draft has no publication time; schedule it when it is no longer a draft",
                )]));
            }
            (Some(true), None) => Some(Release::Draft),
            (_, Some(at)) => Some(Release::At(at)),
            (Some(false), None) => Some(Release::Now),
            (None, None) => None,
        };
        let edit = domain_news::EditPost {
            title: self.title,
            body: self.body,
            language: self.language.map(Into::into),
            audience: None,
            priority: self.priority.map(Into::into),
            pinned: self.pinned,
            comments_enabled: self.comments_enabled,
            confirmation: self.confirmation.map(Into::into),
            release,
            expires_at: self.expires_at,
            attachments: self.attachments.map(|list| {
                list.into_iter()
                    .map(|a| domain_news::Attachment {
                        name: a.name,
                        url: a.url,
                    })
                    .collect()
            }),
        };
        Ok((self.version, edit))
    }
}

/// Who edited, by name, when they are staff of the school.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsPersonName {
    #[schema(max_length = 100)]
    pub first_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 30)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 100)]
    pub last_name: String,
}

impl From<persistence::roster::PersonName> for NewsPersonName {
    fn from(name: persistence::roster::PersonName) -> Self {
        NewsPersonName {
            first_name: name.first_name,
            name_prefix: name.name_prefix,
            last_name: name.last_name,
        }
    }
}

/// The title and body a post had before an edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsRevision {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(max_length = 20000)]
    pub body: String,
    /// When the edit that replaced them was made.
    pub edited_at: DateTime<Utc>,
    /// Who made it, when they are staff of the school (a board admin may not be).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edited_by: Option<NewsPersonName>,
}

/// Edit a news post
///
/// By its author or an admin of its school: the fields given replace the stored ones; its
/// audience and school never change. `version` is the version the change was made on: when the
/// post was changed since, nothing changes (409) and no edit is lost. The title and body it had
/// go to its history (`list_news_post_revisions`) when the title, body or attachments change.
#[utoipa::path(
    tag = "news",
    operation_id = "update_news_post",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post.")),
    request_body = NewsPostEdit,
    responses((status = 200, description = "The post as edited.", body = NewsPost)),
    security(("bearer" = []))
)]
#[put("/news/{post_id}")]
pub async fn update_news_post(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<NewsPost>, ApiError> {
    let id = path.into_inner().to_string();
    let (actor, audit, post_id) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &post_id, now())
    })
    .await?;
    let (version, edit) = body.parse::<NewsPostEdit>().await?.command()?;
    let post = db::run(&state.db, move |conn| {
        service::edit(conn, &auth.0, &auth.audit(), &id, version, edit, now())
    })
    .await?;
    Ok(web::Json(NewsPost::from(post)))
}

/// A news post's history
///
/// For those who may edit the post: the titles and bodies it had before each edit of its
/// content, newest first.
#[utoipa::path(
    tag = "news",
    operation_id = "list_news_post_revisions",
    params(("post_id" = String, Path, format = Uuid, max_length = 36, description = "The post."), PageParams),
    responses((status = 200, description = "A page of the history.", body = Page<NewsRevision>)),
    security(("bearer" = []))
)]
#[get("/news/{post_id}/revisions")]
pub async fn list_news_post_revisions(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    let limit = i64::from(page.0.page_size()?.get());
    let cursor = page.0.cursor.clone();
    let (items, next_cursor) = db::run(&state.db, move |conn| {
        let page = service::RevisionPage {
            cursor: cursor.as_deref(),
            limit,
        };
        service::revisions(conn, &auth.0, &auth.audit(), &id, page, now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: items
            .into_iter()
            .map(|r| NewsRevision {
                id: r.id,
                title: r.title,
                body: r.body,
                edited_at: r.edited_at.and_utc(),
                edited_by: r.editor.map(NewsPersonName::from),
            })
            .collect(),
        next_cursor,
    }))
}
