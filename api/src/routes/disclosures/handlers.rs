//! A board's disclosure register: read by everyone with a part in the board, kept by its admins.
//! A handler with a body authorizes the caller from the path and the token first and reads the
//! body after.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{Disclosure, DisclosureChanges, NewDisclosure};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::{Page, PageParams};
use crate::services::disclosures as service;
use crate::state::AppState;

/// Read a board's disclosure register
///
/// To whom the board gives personal data, what for and on which lawful basis (seed 002,
/// appendix 3), oldest first: a new board starts with the appendix's eleven rows. For the
/// board's admins, its staff and the guardians of its pupils.
#[utoipa::path(
    tag = "disclosures",
    operation_id = "list_disclosures",
    params(("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board."), PageParams),
    responses((status = 200, description = "A page of the register.", body = Page<Disclosure>)),
    security(("bearer" = []))
)]
#[get("/boards/{board_id}/disclosures")]
pub async fn list_disclosures(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<Disclosure>>, ApiError> {
    let board_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        service::list(conn, &auth.0, &board_id, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, Disclosure::from)))
}

/// Add to a board's disclosure register
///
/// For the board's admins. Recipient and purpose are required; the data categories are not.
#[utoipa::path(
    tag = "disclosures",
    operation_id = "create_disclosure",
    params(("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board.")),
    request_body = NewDisclosure,
    responses(
        (status = 201, description = "The new row.", body = Disclosure,
         headers(("Location" = String, description = "The URL of the new row."))),
    ),
    security(("bearer" = []))
)]
#[post("/boards/{board_id}/disclosures")]
pub async fn create_disclosure(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let board_id = path.into_inner().to_string();
    let (actor, audit, board) = (auth.0.clone(), auth.audit(), board_id.clone());
    db::run(&state.db, move |conn| {
        service::may_change(conn, &actor, &audit, &board)
    })
    .await?;
    let disclosure = body.parse::<NewDisclosure>().await?.command()?;
    let stored = db::run(&state.db, move |conn| {
        service::create(conn, &auth.0, &auth.audit(), &board_id, &disclosure)
    })
    .await?;
    let created = Disclosure::from(stored);
    let location = format!(
        "/api/v1/boards/{}/disclosures/{}",
        created.board_id, created.id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(created))
}

/// Read a row of a board's disclosure register
///
/// For the board's admins, its staff and the guardians of its pupils.
#[utoipa::path(
    tag = "disclosures",
    operation_id = "get_disclosure",
    params(
        ("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board."),
        ("disclosure_id" = String, Path, format = Uuid, max_length = 36, description = "The row."),
    ),
    responses((status = 200, description = "The row.", body = Disclosure)),
    security(("bearer" = []))
)]
#[get("/boards/{board_id}/disclosures/{disclosure_id}")]
pub async fn get_disclosure(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<Disclosure>, ApiError> {
    let (board_id, id) = path.into_inner();
    let stored = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &board_id.to_string(), &id.to_string())
    })
    .await?;
    Ok(web::Json(stored.into()))
}

/// Change a row of a board's disclosure register
///
/// For the board's admins. Fields left out stay as they are; the row is checked as a new one
/// would be.
#[utoipa::path(
    tag = "disclosures",
    operation_id = "update_disclosure",
    params(
        ("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board."),
        ("disclosure_id" = String, Path, format = Uuid, max_length = 36, description = "The row."),
    ),
    request_body = DisclosureChanges,
    responses((status = 200, description = "The row as changed.", body = Disclosure)),
    security(("bearer" = []))
)]
#[patch("/boards/{board_id}/disclosures/{disclosure_id}")]
pub async fn update_disclosure(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody,
) -> Result<web::Json<Disclosure>, ApiError> {
    let (board_id, id) = path.into_inner();
    let (board_id, id) = (board_id.to_string(), id.to_string());
    let (actor, audit, board) = (auth.0.clone(), auth.audit(), board_id.clone());
    db::run(&state.db, move |conn| {
        service::may_change(conn, &actor, &audit, &board)
    })
    .await?;
    let edit = body.parse::<DisclosureChanges>().await?.into();
    let stored = db::run(&state.db, move |conn| {
        service::edit(conn, &auth.0, &auth.audit(), &board_id, &id, &edit)
    })
    .await?;
    Ok(web::Json(stored.into()))
}

/// Remove a row from a board's disclosure register
///
/// For the board's admins.
#[utoipa::path(
    tag = "disclosures",
    operation_id = "delete_disclosure",
    params(
        ("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board."),
        ("disclosure_id" = String, Path, format = Uuid, max_length = 36, description = "The row."),
    ),
    responses((status = 204, description = "The row is gone.")),
    security(("bearer" = []))
)]
#[delete("/boards/{board_id}/disclosures/{disclosure_id}")]
pub async fn delete_disclosure(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (board_id, id) = path.into_inner();
    db::run(&state.db, move |conn| {
        service::delete(
            conn,
            &auth.0,
            &auth.audit(),
            &board_id.to_string(),
            &id.to_string(),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
