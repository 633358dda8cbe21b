//! Schools: the caller's schools, one school, and a board's schools for tenant set-up.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::email::EmailAddress;
use domain::name::DisplayName;
use domain::school::Brin;
use persistence::AnyConnection;
use persistence::schools::{self, NewSchool, SchoolRow, VisibleSchool};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonBody, Query};
use crate::routes::boards as boards_route;
use crate::routes::fields::{BrinInput, EmailInput, NameInput};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_schools)
        .service(get_school)
        .service(list_board_schools)
        .service(create_board_school);
}

/// A school of a board.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01937c4e-8a10-7d2f-9c3b-2b6f1e0a4d56",
    "board_id": "01937c4e-8a10-7d2f-9c3b-2b6f1e0a4d55",
    "name": "OBS De Linde",
    "brin": "12AB",
    "created_at": "2026-08-01T09:30:00Z"
}))]
pub struct School {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub board_id: String,
    #[schema(max_length = 200)]
    pub name: String,
    /// DUO's school code (BRIN), with an optional two-digit location number.
    #[schema(pattern = r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$", max_length = 6)]
    pub brin: String,
    pub created_at: DateTime<Utc>,
}

impl From<SchoolRow> for School {
    fn from(row: SchoolRow) -> Self {
        School {
            id: row.id,
            board_id: row.board_id,
            name: row.name,
            brin: row.brin,
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "OBS De Linde", "brin": "12AB", "admin_email": "administratie@delinde.example"}))]
pub struct CreateSchool {
    pub name: NameInput,
    /// Unique.
    pub brin: BrinInput,
    /// Where the school administration receives change requests and notices.
    pub admin_email: Option<EmailInput>,
}

pub use crate::services::school_ref;

/// The school if the actor's scope reaches it (404 otherwise) and the actor may do `action` there
/// (403 otherwise).
pub fn school_for(
    conn: &mut AnyConnection,
    auth: &Authenticated,
    id: &str,
    action: domain::policy::SchoolAction,
) -> Result<VisibleSchool, ApiError> {
    let school = schools::find_visible(conn, &auth.0.school_scope(), id)?;
    if auth.0.may(action, school_ref(school.row())) {
        Ok(school)
    } else {
        let object = Object {
            kind: "school",
            id: Some(id),
            school_id: Some(id),
        };
        Err(auth.audit().forbidden(conn, action.as_str(), object))
    }
}

/// List my schools
///
/// The schools the caller works at, administers, or has children at.
#[utoipa::path(
    tag = "schools",
    operation_id = "list_schools",
    params(PageParams),
    responses((status = 200, description = "A page of schools.", body = Page<School>)),
    security(("bearer" = []))
)]
#[get("/schools")]
async fn list_schools(
    auth: Authenticated,
    state: web::Data<AppState>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<School>>, ApiError> {
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let scope = auth.0.school_scope();
    let page = db::run(&state.db, move |conn| {
        schools::list_visible(conn, &scope, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, School::from)))
}

/// Get a school
#[utoipa::path(
    tag = "schools",
    operation_id = "get_school",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 200, description = "The school.", body = School)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}")]
async fn get_school(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<web::Json<School>, ApiError> {
    let id = path.into_inner().to_string();
    let school = db::run(&state.db, move |conn| {
        school_for(conn, &auth, &id, domain::policy::SchoolAction::ReadSchool)
    })
    .await?;
    Ok(web::Json(School::from(school.into_row())))
}

/// List a board's schools
///
/// For the platform operator and the board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "list_board_schools",
    params(
        ("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board's id."),
        PageParams
    ),
    responses((status = 200, description = "A page of the board's schools.", body = Page<School>)),
    security(("bearer" = []))
)]
#[get("/boards/{board_id}/schools")]
async fn list_board_schools(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<School>>, ApiError> {
    let board_id = path.into_inner();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let board = boards_route::manageable_board(conn, &auth, board_id)?;
        Ok::<_, ApiError>(schools::list_in_board(
            conn,
            &board.id,
            cursor.as_deref(),
            limit,
        )?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, School::from)))
}

/// Create a school in a board
///
/// For the platform operator and the board's admins. The BRIN code must be unique.
#[utoipa::path(
    tag = "schools",
    operation_id = "create_board_school",
    params(("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board's id.")),
    request_body = CreateSchool,
    responses(
        (status = 201, description = "The school was created.", body = School,
         headers(("Location" = String, description = "The URL of the new school."))),
        (status = 409, description = "A school with this BRIN code exists.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/boards/{board_id}/schools")]
async fn create_board_school(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let board_id = path.into_inner();
    let checker = auth.clone();
    db::run(&state.db, move |conn| {
        boards_route::manageable_board(conn, &checker, board_id).map(drop)
    })
    .await?;
    let CreateSchool {
        name,
        brin,
        admin_email,
    } = body.parse().await?;
    let mut errors = Vec::new();
    let name = DisplayName::parse(&name.0)
        .map_err(|e| errors.push(FieldError::from(("name", e))))
        .ok();
    let brin = Brin::parse(&brin.0)
        .map_err(|e| errors.push(FieldError::from(("brin", e))))
        .ok();
    let admin_email = match admin_email.map(|e| EmailAddress::parse(&e.0)) {
        Some(Err(e)) => {
            errors.push(FieldError::from(("admin_email", e)));
            None
        }
        Some(Ok(email)) => Some(email),
        None => None,
    };
    let (Some(name), Some(brin)) = (name, brin) else {
        return Err(ApiError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let row = db::run(&state.db, move |conn| {
        let board = boards_route::manageable_board(conn, &auth, board_id)?;
        let new = NewSchool {
            board_id: &board.id,
            name: name.as_str(),
            brin: brin.as_str(),
            admin_email: admin_email.as_ref().map(EmailAddress::as_str),
        };
        let row = schools::insert(conn, &new)?;
        let object = Object {
            kind: "school",
            id: Some(&row.id),
            school_id: Some(&row.id),
        };
        auth.audit().record(conn, "create", object, "ok")?;
        Ok::<_, ApiError>(row)
    })
    .await?;
    let school = School::from(row);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/schools/{}", school.id)))
        .json(school))
}
