//! Boards (schoolbesturen): the tenants. Managed by the platform operator.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::name::DisplayName;
use persistence::boards::{self, BoardRow};
use persistence::{AnyConnection, disclosures, transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::{self, Object};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::fields::NameInput;
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_boards)
        .service(create_board)
        .service(get_board);
}

/// A school board: the legal body (bevoegd gezag) that runs one or more schools.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01937c4e-8a10-7d2f-9c3b-2b6f1e0a4d55",
    "name": "Stichting Openbaar Onderwijs De Linde",
    "created_at": "2026-08-01T09:30:00Z",
    "updated_at": "2026-08-01T09:30:00Z"
}))]
pub struct Board {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<BoardRow> for Board {
    fn from(row: BoardRow) -> Self {
        Board {
            id: row.id,
            name: row.name,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Stichting Openbaar Onderwijs De Linde"}))]
pub struct CreateBoard {
    /// Unique.
    pub name: NameInput,
}

/// The board, if the caller sets it up (its schools, its integration clients): the platform
/// operator or the board's admins. Anyone else gets 404, recorded: boards they have no part in
/// do not exist for them.
pub fn manageable_board(
    conn: &mut AnyConnection,
    auth: &Authenticated,
    board_id: uuid::Uuid,
) -> Result<BoardRow, ApiError> {
    if !auth.0.may_set_up_board(board_id) {
        let id = board_id.to_string();
        let object = Object {
            kind: "board",
            id: Some(&id),
            school_id: None,
        };
        auth.audit()
            .record(conn, "set_up_board", object, "not_found")?;
        return Err(ApiError::NotFound);
    }
    Ok(boards::find(conn, &board_id.to_string())?)
}

/// Boards are the platform operator's: anyone else is refused (and the refusal recorded).
async fn require_operator(state: &AppState, auth: &Authenticated) -> Result<(), ApiError> {
    if auth.0.may_manage_boards() {
        Ok(())
    } else {
        Err(audit::refuse(&state.db, auth.audit(), "manage_boards", "board").await)
    }
}

/// List boards
///
/// All boards, oldest first, a page at a time. Platform operators only.
#[utoipa::path(
    tag = "boards",
    operation_id = "list_boards",
    params(PageParams),
    responses((status = 200, description = "A page of boards.", body = Page<Board>)),
    security(("bearer" = []))
)]
#[get("/boards")]
async fn list_boards(
    auth: Authenticated,
    state: web::Data<AppState>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<Board>>, ApiError> {
    require_operator(&state, &auth).await?;
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        boards::list(conn, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, Board::from)))
}

/// Create a board
///
/// Platform operators only. The name must be unique.
#[utoipa::path(
    tag = "boards",
    operation_id = "create_board",
    request_body = CreateBoard,
    responses(
        (status = 201, description = "The board was created.", body = Board,
         headers(("Location" = String, description = "The URL of the new board."))),
        (status = 409, description = "A board with this name exists.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/boards")]
async fn create_board(
    auth: Authenticated,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    require_operator(&state, &auth).await?;
    let body: CreateBoard = body.parse().await?;
    let name =
        DisplayName::parse(&body.name.0).map_err(|invalid| ApiError::invalid("name", invalid))?;
    let audit = auth.audit();
    let row = db::run(&state.db, move |conn| {
        // One transaction: no board is ever seen without its disclosure register.
        transaction(conn, |conn| {
            let row = boards::insert(conn, name.as_str())?;
            disclosures::insert_defaults(conn, &row.id)?;
            let object = Object {
                kind: "board",
                id: Some(&row.id),
                school_id: None,
            };
            audit.record(conn, "create", object, "ok")?;
            Ok::<_, ApiError>(row)
        })
    })
    .await?;
    let board = Board::from(row);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/boards/{}", board.id)))
        .json(board))
}

/// Get a board
///
/// Platform operators only.
#[utoipa::path(
    tag = "boards",
    operation_id = "get_board",
    params(("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board's id.")),
    responses((status = 200, description = "The board.", body = Board)),
    security(("bearer" = []))
)]
#[get("/boards/{board_id}")]
async fn get_board(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<web::Json<Board>, ApiError> {
    require_operator(&state, &auth).await?;
    let id = path.into_inner().to_string();
    let row = db::run(&state.db, move |conn| boards::find(conn, &id)).await?;
    Ok(web::Json(Board::from(row)))
}
