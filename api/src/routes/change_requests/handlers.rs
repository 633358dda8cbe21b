//! One handler per operation: extract, convert, one service call, answer.

use actix_web::{HttpResponse, get, post, put, web};
use domain::change_request::SubjectKind;
use uuid::Uuid;

use super::dto::{
    ChangeRequest, ChangeRequestInput, ChangeRequestSettings, DecisionInput, QueueParams,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::i18n;
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::routes::pagination::{Page, PageParams};
use crate::services::change_requests as service;
use crate::state::AppState;

/// Submits for a subject, once per idempotency key: a retry gets the first answer, and the answer
/// is remembered in the submission's transaction. The caller is authorized for the subject before
/// the body is read: one without rights gets 403/404 whatever it sent.
async fn submit(
    auth: Authenticated,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody,
    subject: (SubjectKind, Uuid),
) -> Result<HttpResponse, ApiError> {
    let (actor, audit) = (auth.0.clone(), auth.audit());
    db::run(&state.db, move |conn| {
        service::may_submit_for(conn, &actor, &audit, subject.0, subject.1)
    })
    .await?;
    let input: ChangeRequestInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let command = input.command(subject.0, subject.1);
    // Task-local: read it here, not on the blocking thread.
    let language = i18n::current();
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::submit(conn, actor, &audit, &command, language, |conn, request| {
            remembered(claim.as_ref(), conn, ChangeRequest::new(request, language))
        })
    })
    .await?;
    Ok(created.respond(|answer| format!("/api/v1/change-requests/{}", answer.id)))
}

/// Ask the school to change my details
///
/// For the caller's own guardian record. Nothing changes in the portal: the school processes the
/// request in its administration and the next roster sync brings the new values. A new request
/// replaces the caller's open one. Refused (422, per field): details the school does not let
/// guardians request, invalid values, and a request that would change nothing.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "request_guardian_change",
    params(
        ("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The caller's own guardian record."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per submission and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is done twice. Kept for 24 hours.")
    ),
    request_body = ChangeRequestInput,
    responses((status = 201, description = "Submitted; the school will process it.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[post("/guardians/{guardian_id}/change-requests")]
pub async fn request_guardian_change(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let subject = (SubjectKind::Guardian, path.into_inner());
    submit(auth, state, key, body, subject).await
}

/// Ask the school to change my child's details
///
/// For a guardian with parental authority over the pupil (others get 403). As for one's own
/// details, nothing changes in the portal until the school has processed it and the LAS syncs.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "request_pupil_change",
    params(
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The child."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per submission and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is done twice. Kept for 24 hours.")
    ),
    request_body = ChangeRequestInput,
    responses((status = 201, description = "Submitted; the school will process it.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[post("/pupils/{pupil_id}/change-requests")]
pub async fn request_pupil_change(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let subject = (SubjectKind::Pupil, path.into_inner());
    submit(auth, state, key, body, subject).await
}

/// List my change requests
///
/// The caller's own requests and those about their children (when the parents are separated,
/// only those of their own household), newest first.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "list_my_change_requests",
    params(PageParams),
    responses((status = 200, description = "A page of change requests.", body = Page<ChangeRequest>)),
    security(("bearer" = []))
)]
#[get("/me/change-requests")]
pub async fn list_my_change_requests(
    auth: Authenticated,
    state: web::Data<AppState>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<ChangeRequest>>, ApiError> {
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        service::list_mine(conn, &auth.0, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, ChangeRequest::from)))
}

/// Read a change request
///
/// For the requester, the child's other guardians (not across separated households), and the
/// school's admins. Each field shows the value the request was made against, the proposed value,
/// what the school holds now, and whether that changed since (stale).
#[utoipa::path(
    tag = "change-requests",
    operation_id = "get_change_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    responses((status = 200, description = "The request.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[get("/change-requests/{request_id}")]
pub async fn get_change_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = path.into_inner().to_string();
    let request = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    Ok(web::Json(request.into()))
}

/// Decide a change request
///
/// For the school's admins: per field, processed (changed in the LAS) or rejected (with a reason).
/// Fields may be decided at different times; once none is pending, the request gets its final
/// status and the guardian is told by e-mail. A request that is no longer open is 409.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "decide_change_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    request_body = DecisionInput,
    responses((status = 200, description = "Decided; the request as it is now.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[post("/change-requests/{request_id}/decision")]
pub async fn decide_change_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = path.into_inner().to_string();
    let (checker, request) = (auth.clone(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_decide(conn, &checker.0, &checker.audit(), &request)
    })
    .await?;
    let decisions = body.parse::<DecisionInput>().await?.decisions();
    let request = db::run(&state.db, move |conn| {
        service::decide(conn, &auth.0, &auth.audit(), &id, &decisions)
    })
    .await?;
    Ok(web::Json(request.into()))
}

/// List a school's change requests
///
/// The queue of the school's administration, oldest first, with old and new values and the stale
/// flag. For the school's admins and its board's admins.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "list_school_change_requests",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        QueueParams
    ),
    responses((status = 200, description = "A page of change requests.", body = Page<ChangeRequest>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/change-requests")]
pub async fn list_school_change_requests(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<QueueParams>,
) -> Result<web::Json<Page<ChangeRequest>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let query = query.0;
    let limit = PageParams {
        limit: query.limit,
        cursor: None,
    }
    .page_size()?
    .get();
    let cursor = query.cursor.map(|c| c.to_string());
    let status = query.status.map(Into::into);
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::queue(
            conn,
            actor,
            &audit,
            &school_id,
            status,
            cursor.as_deref(),
            limit,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, ChangeRequest::from)))
}

/// Read a school's change request settings
#[utoipa::path(
    tag = "change-requests",
    operation_id = "get_change_request_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 200, description = "The settings.", body = ChangeRequestSettings)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/change-request-settings")]
pub async fn get_change_request_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequestSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let fields = db::run(&state.db, move |conn| {
        service::requestable_fields(conn, &auth.0, &auth.audit(), &school_id)
    })
    .await?;
    Ok(web::Json(fields.into()))
}

/// Set which details guardians may ask to change
///
/// E.g. a school that takes name changes only at its desk leaves out the name fields; a request
/// for a field left out is refused with a message that says to contact the school.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "set_change_request_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    request_body = ChangeRequestSettings,
    responses((status = 200, description = "Saved.", body = ChangeRequestSettings)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/change-request-settings")]
pub async fn set_change_request_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<ChangeRequestSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (checker, school) = (auth.clone(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::requestable_fields(conn, &checker.0, &checker.audit(), &school).map(drop)
    })
    .await?;
    let fields = body.parse::<ChangeRequestSettings>().await?.fields();
    let stored = fields.clone();
    db::run(&state.db, move |conn| {
        service::set_requestable_fields(conn, &auth.0, &auth.audit(), &school_id, &stored)
    })
    .await?;
    Ok(web::Json(fields.into()))
}
