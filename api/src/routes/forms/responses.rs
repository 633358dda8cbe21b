//! Responses: a household responds (with `Idempotency-Key`), reads, changes and withdraws its
//! response until the close. A handler with a body authorizes the caller first and reads the body
//! after.

use actix_web::{HttpResponse, delete, get, post, put, web};
use uuid::Uuid;

use super::response_dto::{FormResponse, FormResponseInput};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::services::forms as service;
use crate::state::AppState;

/// Respond to a form
///
/// For a guardian of a child the open form is for: one response per household (separated
/// parents' households respond apart), with answers and sign-ups. A full option puts the
/// household on the waiting list when the form keeps one (409 otherwise); on a ranked form
/// sign-ups are pending until the allocation run. 409 when the household responded already. With
/// `Idempotency-Key`, a retried request responds once.
#[utoipa::path(
    tag = "forms",
    operation_id = "create_form_response",
    params(
        ("form_id" = String, Path, format = Uuid, max_length = 36, description = "The form."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per response and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is signed up twice. Kept for 24 hours."),
    ),
    request_body = FormResponseInput,
    responses((status = 201, description = "The response.", body = FormResponse)),
    security(("bearer" = []))
)]
#[post("/forms/{form_id}/responses")]
pub async fn create_form_response(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let form_id = path.into_inner().to_string();
    let (actor, audit, form) = (auth.0.clone(), auth.audit(), form_id.clone());
    db::run(&state.db, move |conn| {
        service::may_respond(conn, &actor, &audit, &form, now)
    })
    .await?;
    let input: FormResponseInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let request = input.request();
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::respond(
            conn,
            actor,
            &audit,
            &form_id,
            &request,
            now,
            |conn, view| remembered(claim.as_ref(), conn, FormResponse::from(view.clone())),
        )
    })
    .await?;
    Ok(created.respond(|response| format!("/api/v1/form-responses/{}", response.id)))
}

/// My household's response
///
/// For a guardian of a child the form is for; 404 when their household has not responded.
#[utoipa::path(
    tag = "forms",
    operation_id = "get_my_form_response",
    params(("form_id" = String, Path, format = Uuid, max_length = 36, description = "The form.")),
    responses((status = 200, description = "The response.", body = FormResponse)),
    security(("bearer" = []))
)]
#[get("/forms/{form_id}/response")]
pub async fn get_my_form_response(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<FormResponse>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::my_response(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Read a response
///
/// For the guardians of its household and those who manage the form.
#[utoipa::path(
    tag = "forms",
    operation_id = "get_form_response",
    params(("response_id" = String, Path, format = Uuid, max_length = 36, description = "The response.")),
    responses((status = 200, description = "The response.", body = FormResponse)),
    security(("bearer" = []))
)]
#[get("/form-responses/{response_id}")]
pub async fn get_form_response(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<FormResponse>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::response(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Change a response
///
/// For a guardian of its household while the form is open: new answers and sign-ups. Sign-ups
/// kept keep their place; one dropped frees its place for the first waiting; a new one joins the
/// end of the queue. 409 after the close.
#[utoipa::path(
    tag = "forms",
    operation_id = "update_form_response",
    params(("response_id" = String, Path, format = Uuid, max_length = 36, description = "The response.")),
    request_body = FormResponseInput,
    responses((status = 200, description = "The response.", body = FormResponse)),
    security(("bearer" = []))
)]
#[put("/form-responses/{response_id}")]
pub async fn update_form_response(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<FormResponse>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, response) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_change(conn, &actor, &audit, &response, now)
    })
    .await?;
    let input: FormResponseInput = body.parse().await?;
    let request = input.request();
    let view = db::run(&state.db, move |conn| {
        service::change(conn, &auth.0, &auth.audit(), &id, &request, now)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Withdraw a response
///
/// For a guardian of its household while the form is open: every sign-up is withdrawn and each
/// place it held goes to the first waiting at once (who is told). 409 after the close.
#[utoipa::path(
    tag = "forms",
    operation_id = "delete_form_response",
    params(("response_id" = String, Path, format = Uuid, max_length = 36, description = "The response.")),
    responses((status = 204, description = "Withdrawn.")),
    security(("bearer" = []))
)]
#[delete("/form-responses/{response_id}")]
pub async fn delete_form_response(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::withdraw(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
