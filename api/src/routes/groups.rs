//! A school's groups, for its staff and board admins.

use actix_web::{get, web};
use domain::policy::SchoolAction;
use persistence::groups;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::{Page, PageParams};
use crate::routes::people::Group;
use crate::routes::schools::school_for;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_school_groups);
}

/// List a school's groups
///
/// For the school's staff and board admins; guardians get 403.
#[utoipa::path(
    tag = "schools",
    operation_id = "list_school_groups",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        PageParams
    ),
    responses((status = 200, description = "A page of groups.", body = Page<Group>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/groups")]
async fn list_school_groups(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<Group>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ListGroups)?;
        Ok::<_, ApiError>(groups::list_at(conn, &school, cursor.as_deref(), limit)?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, Group::from)))
}
