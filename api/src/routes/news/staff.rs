//! A school's news as its staff see it (#10 item 4): `GET /schools/{school_id}/news`, paged as the
//! guardian feed (`FeedParams`, `NewsFeed`, `ETag`).

use actix_web::{HttpRequest, HttpResponse, get, web};
use persistence::ids::now;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::dto::{FeedParams, NewsFeed};
use super::handlers::{feed_page, tagged};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::services::news::{self as service, StaffFeedQuery, StaffFeedState};
use crate::state::AppState;

/// Which posts besides the live ones a staff list can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffNewsState {
    /// Unpublished posts, the newest first: the caller's own (to groups they teach), all of the
    /// school's for its admins.
    Draft,
    /// Posts waiting for their publication time: the caller's own (to groups they teach), all of
    /// the school's for its admins.
    Scheduled,
}

/// `?state=` of a school's news for its staff.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffNewsParams {
    /// Omit for the live posts.
    #[param(inline)]
    pub state: Option<StaffNewsState>,
}

/// A school's news for its staff
///
/// The school's live posts as its staff see them: those who manage its news (its admins, the
/// board's admins) every post, a teacher the posts to the whole school and to the groups they
/// teach, other staff the posts to the whole school. With `state=draft` or `state=scheduled`, the
/// drafts or the scheduled posts the caller may edit instead (drafts newest first). Pinned first,
/// then newest first, paged with `next_cursor` as the caller's feed; staff have no read state.
/// For anyone else (and where news is off for the caller as staff) the school's news does not
/// exist. Answers `ETag`; with a matching `If-None-Match` the answer is 304 without a body.
#[utoipa::path(
    tag = "news",
    operation_id = "list_school_news",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        StaffNewsParams,
        FeedParams,
    ),
    responses(
        (status = 200, description = "A page of the school's news.", body = NewsFeed),
        (status = 304, description = "Unchanged since the `ETag` given in `If-None-Match`."),
    ),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/news")]
pub async fn list_school_news(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    filter: Query<StaffNewsParams>,
    page: Query<FeedParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let school_id = path.into_inner().to_string();
    let (cursor, limit) = feed_page(&page.0)?;
    let query = StaffFeedQuery {
        state: match filter.0.state {
            None => StaffFeedState::Live,
            Some(StaffNewsState::Draft) => StaffFeedState::Draft,
            Some(StaffNewsState::Scheduled) => StaffFeedState::Scheduled,
        },
        cursor,
        limit,
    };
    let page = db::run(&state.db, move |conn| {
        service::staff_feed(conn, &auth.0, &auth.audit(), &school_id, query, now())
    })
    .await?;
    tagged(&request, &NewsFeed::from(page))
}
