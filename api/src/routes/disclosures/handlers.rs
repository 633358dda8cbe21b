//! A board's disclosure register: read by everyone with a part in the board, kept by its admins.
//! A handler with a body authorizes the caller from the path and the token first and reads the
//! body after.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{Disclosure, DisclosureChanges, NewDisclosure};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
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
/// With `Idempotency-Key`, a retried request adds one row.
#[utoipa::path(
    tag = "disclosures",
    operation_id = "create_disclosure",
    params(
        ("board_id" = String, Path, format = Uuid, max_length = 36, description = "The board."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per row and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is added twice. Kept for 24 hours."),
    ),
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
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let board_id = path.into_inner().to_string();
    let (actor, audit, board) = (auth.0.clone(), auth.audit(), board_id.clone());
    db::run(&state.db, move |conn| {
        service::may_change(conn, &actor, &audit, &board)
    })
    .await?;
    let input: NewDisclosure = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let disclosure = input.command()?;
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::create(
            conn,
            actor,
            &audit,
            &board_id,
            &disclosure,
            |conn, stored| remembered(claim.as_ref(), conn, Disclosure::from(stored)),
        )
    })
    .await?;
    Ok(created.respond(|row| format!("/api/v1/boards/{}/disclosures/{}", row.board_id, row.id)))
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
