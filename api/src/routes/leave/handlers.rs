//! One handler per operation: extract, convert, one service call, answer.

use actix_web::{HttpResponse, get, post, web};
use persistence::ids::now;
use uuid::Uuid;

use super::dto::{
    LeaveDecisionInput, LeaveQueueParams, LeaveRequest, LeaveRequestInput, OfficerDecisionInput,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::routes::pagination::{Page, PageParams};
use crate::services::leave as service;
use crate::state::AppState;

/// Request leave for a child
///
/// For a guardian with parental authority over the pupil (a guardian without it, or staff who can
/// see the pupil, get 403). The rules of the Leerplichtwet weigh the request against the pupil's
/// earlier requests and the school's calendar: a rule of the law broken is 422 with one error per
/// rule (its `code`), and nothing is stored; school practice (8 weeks ahead, say) is stored as a
/// warning for the director. Religious obligations and a five-year-old's first 5 hours a week are
/// notifications: `noted` at once. Art. 14 leave beyond 10 school days in a school year is for the
/// attendance officer (`decider`).
#[utoipa::path(
    tag = "leave",
    operation_id = "create_leave_request",
    params(
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The child."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per submission and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is done twice. Kept for 24 hours.")
    ),
    request_body = LeaveRequestInput,
    responses((status = 201, description = "Submitted: pending, or noted for a notification.", body = LeaveRequest)),
    security(("bearer" = []))
)]
#[post("/pupils/{pupil_id}/leave-requests")]
pub async fn create_leave_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let pupil_id = path.into_inner().to_string();
    let (actor, audit, id) = (auth.0.clone(), auth.audit(), pupil_id.clone());
    db::run(&state.db, move |conn| {
        service::may_submit(conn, &actor, &audit, &id)
    })
    .await?;
    let input: LeaveRequestInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let asked = input.into();
    let now = state.clock.now();
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::submit(
            conn,
            actor,
            &audit,
            &pupil_id,
            &asked,
            now,
            |conn, stored| remembered(claim.as_ref(), conn, LeaveRequest::from(stored)),
        )
    })
    .await?;
    Ok(created.respond(|answer| format!("/api/v1/leave-requests/{}", answer.id)))
}

/// List a pupil's leave requests
///
/// For the pupil's guardians and the school's staff in their role (a teacher: the pupils of their
/// groups), newest first.
#[utoipa::path(
    tag = "leave",
    operation_id = "list_pupil_leave_requests",
    params(
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil."),
        PageParams
    ),
    responses((status = 200, description = "A page of leave requests.", body = Page<LeaveRequest>)),
    security(("bearer" = []))
)]
#[get("/pupils/{pupil_id}/leave-requests")]
pub async fn list_pupil_leave_requests(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<LeaveRequest>>, ApiError> {
    let pupil_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::list_for_pupil(conn, actor, &audit, &pupil_id, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, LeaveRequest::from)))
}

/// List a school's leave requests
///
/// The queue of the director (and the school admin, who records the attendance officer's
/// decisions), newest first; `state=pending` for what awaits a decision.
#[utoipa::path(
    tag = "leave",
    operation_id = "list_school_leave_requests",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        LeaveQueueParams
    ),
    responses((status = 200, description = "A page of leave requests.", body = Page<LeaveRequest>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/leave-requests")]
pub async fn list_school_leave_requests(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<LeaveQueueParams>,
) -> Result<web::Json<Page<LeaveRequest>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let query = query.0;
    let params = PageParams {
        limit: query.limit,
        cursor: None,
    };
    let limit = params.page_size()?.get();
    let cursor = query.cursor.map(|c| c.to_string());
    let wanted = query.state.map(Into::into);
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        let before = cursor.as_deref();
        service::list_at_school(conn, actor, &audit, &school_id, wanted, before, limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, LeaveRequest::from)))
}

/// Read a leave request
///
/// With its warnings (code, Dutch and English message), state, decider and decision. For the
/// pupil's guardians and the school's staff in their role; 404 for anyone else.
#[utoipa::path(
    tag = "leave",
    operation_id = "get_leave_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    responses((status = 200, description = "The request.", body = LeaveRequest)),
    security(("bearer" = []))
)]
#[get("/leave-requests/{request_id}")]
pub async fn get_leave_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<LeaveRequest>, ApiError> {
    let id = path.into_inner().to_string();
    let request = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    Ok(web::Json(request.into()))
}

/// Read the body after the caller was found to read the request: the decision's handlers.
async fn readable(
    auth: &Authenticated,
    state: &web::Data<AppState>,
    id: &str,
) -> Result<(), ApiError> {
    let (actor, audit, id) = (auth.0.clone(), auth.audit(), id.to_owned());
    db::run(&state.db, move |conn| {
        service::get(conn, &actor, &audit, &id)
    })
    .await?;
    Ok(())
}

/// Decide a leave request
///
/// For the director: approve, reject (with a reason the guardians see) or forward to the
/// attendance officer (art. 14 leave beyond 10 school days only, which the director may not
/// approve). The request is weighed again: one that now breaks the law (a second holiday leave in
/// a school year) cannot be approved (422). Approved leave becomes an absence of the pupil; the
/// guardians are told. A request decided meanwhile is 409.
#[utoipa::path(
    tag = "leave",
    operation_id = "decide_leave_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    request_body = LeaveDecisionInput,
    responses((status = 200, description = "Decided; the request as it is now.", body = LeaveRequest)),
    security(("bearer" = []))
)]
#[post("/leave-requests/{request_id}/decision")]
pub async fn decide_leave_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<LeaveRequest>, ApiError> {
    let id = path.into_inner().to_string();
    readable(&auth, &state, &id).await?;
    let outcome = body.parse::<LeaveDecisionInput>().await?.outcome();
    let request = db::run(&state.db, move |conn| {
        service::decide(conn, &auth.0, &auth.audit(), &id, &outcome, now())
    })
    .await?;
    Ok(web::Json(request.into()))
}

/// Record the attendance officer's decision
///
/// For the director and the school admin, on a request forwarded to the attendance officer
/// (leerplichtambtenaar): granted or not (then with the reason). Granted leave becomes an absence
/// of the pupil; the guardians are told.
#[utoipa::path(
    tag = "leave",
    operation_id = "record_officer_decision",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    request_body = OfficerDecisionInput,
    responses((status = 200, description = "Recorded; the request as it is now.", body = LeaveRequest)),
    security(("bearer" = []))
)]
#[post("/leave-requests/{request_id}/officer-decision")]
pub async fn record_officer_decision(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<LeaveRequest>, ApiError> {
    let id = path.into_inner().to_string();
    readable(&auth, &state, &id).await?;
    let input = body.parse::<OfficerDecisionInput>().await?;
    let request = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::record_officer_decision(
            conn,
            actor,
            &audit,
            &id,
            input.granted,
            input.reason,
            now(),
        )
    })
    .await?;
    Ok(web::Json(request.into()))
}

/// Withdraw a leave request
///
/// For a guardian with parental authority over the pupil, while the request awaits a decision
/// (or to take back a notification). A decided request is 409.
#[utoipa::path(
    tag = "leave",
    operation_id = "withdraw_leave_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    responses((status = 200, description = "Withdrawn; the request as it is now.", body = LeaveRequest)),
    security(("bearer" = []))
)]
#[post("/leave-requests/{request_id}/withdrawal")]
pub async fn withdraw_leave_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<LeaveRequest>, ApiError> {
    let id = path.into_inner().to_string();
    let request = db::run(&state.db, move |conn| {
        service::withdraw(conn, &auth.0, &auth.audit(), &id, now())
    })
    .await?;
    Ok(web::Json(request.into()))
}
