//! One handler per operation: extract, convert, one service call, answer. A handler with a body
//! authorizes the caller first and reads the body after (`JsonBody`).

use actix_web::{HttpResponse, get, patch, post, web};
use uuid::Uuid;

use super::dto::{
    Absence, AbsenceChangeInput, AbsenceRegistration, AbsenceRegistrationInput, AbsenceReportInput,
    AbsenceReturnInput, DayParams,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonBody, Query};
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::routes::pagination::{Page, PageParams};
use crate::services::absence::{self as service, AbsenceEdit, DayQuery};
use crate::state::AppState;

fn limit(value: Option<u32>) -> Result<u16, ApiError> {
    PageParams {
        limit: value,
        cursor: None,
    }
    .page_size()
    .map(|size| size.get())
}

/// Report my child absent
///
/// For a guardian of the pupil: sick (open until reported better), an appointment or another
/// reason, for today or coming school days. A report for today after the school's cut-off (08:00
/// Europe/Amsterdam) is accepted and marked `late`: the school calls. With `Idempotency-Key`, a
/// retried request creates one report.
#[utoipa::path(
    tag = "absence",
    operation_id = "create_absence_report",
    params(
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per report and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is done twice. Kept for 24 hours."),
    ),
    request_body = AbsenceReportInput,
    responses((status = 201, description = "The report.", body = Absence)),
    security(("bearer" = []))
)]
#[post("/pupils/{pupil_id}/absences")]
pub async fn create_absence_report(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let pupil_id = path.into_inner().to_string();
    let (actor, audit, id) = (auth.0.clone(), auth.audit(), pupil_id.clone());
    db::run(&state.db, move |conn| {
        service::may_report(conn, &actor, &audit, &id, now)
    })
    .await?;
    let input: AbsenceReportInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let report = input.command();
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::report(conn, actor, &audit, &pupil_id, report, now, |conn, view| {
            remembered(claim.as_ref(), conn, Absence::new(view.clone(), false))
        })
    })
    .await?;
    Ok(created.respond(|answer| format!("/api/v1/absences/{}", answer.id)))
}

/// A pupil's absences
///
/// For the pupil's guardians and the school's staff who register absence (teachers: their
/// groups' pupils), newest first. Never for other parents (seed 001).
#[utoipa::path(
    tag = "absence",
    operation_id = "list_pupil_absences",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil."), PageParams),
    responses((status = 200, description = "A page of absences.", body = Page<Absence>)),
    security(("bearer" = []))
)]
#[get("/pupils/{pupil_id}/absences")]
pub async fn list_pupil_absences(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<Absence>>, ApiError> {
    let now = state.clock.now();
    let pupil_id = path.into_inner().to_string();
    let size = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        service::of_pupil(
            conn,
            &auth.0,
            &auth.audit(),
            &pupil_id,
            cursor.as_deref(),
            size,
            now,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, |v| Absence::new(v, false))))
}

/// Register absence
///
/// For the school's teachers (their groups' pupils), director, admins and care staff: the
/// pupils named, or every current pupil of a group (an excursion), with the school's kind; also
/// for past days and what the school learned by phone. Unauthorized absence that reaches 16
/// hours within 4 school weeks raises the DUO signal.
#[utoipa::path(
    tag = "absence",
    operation_id = "register_absences",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = AbsenceRegistrationInput,
    responses((status = 201, description = "The absences registered.", body = AbsenceRegistration)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/absences")]
pub async fn register_absences(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let school_id = path.into_inner().to_string();
    let (actor, audit, id) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_register_at(conn, &actor, &audit, &id)
    })
    .await?;
    let input: AbsenceRegistrationInput = body.parse().await?;
    if input.group_id.is_some() != input.pupil_ids.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "pupil_ids",
            "one_of",
            "give either pupil_ids or group_id".to_owned(),
        )]));
    }
    let views = db::run(&state.db, move |conn| {
        service::register(conn, &auth.0, &auth.audit(), &school_id, input.into(), now)
    })
    .await?;
    let items = views.into_iter().map(|v| Absence::new(v, false)).collect();
    Ok(HttpResponse::Created().json(AbsenceRegistration { items }))
}

/// A school's absences on a day
///
/// Today's (or `date`'s) absences: a teacher's groups, or the whole school for the director,
/// admins and care staff. Medical detail only for the group's teacher and care staff.
#[utoipa::path(
    tag = "absence",
    operation_id = "list_school_absences",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."), DayParams),
    responses((status = 200, description = "A page of the day's absences.", body = Page<Absence>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/absences")]
pub async fn list_school_absences(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<DayParams>,
) -> Result<web::Json<Page<Absence>>, ApiError> {
    let now = state.clock.now();
    let school_id = path.into_inner().to_string();
    let day = DayQuery {
        day: query.0.date,
        cursor: query.0.cursor.map(|c| c.to_string()),
        limit: limit(query.0.limit)?,
    };
    let page = db::run(&state.db, move |conn| {
        service::day(conn, &auth.0, &auth.audit(), &school_id, day, now)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, |v| Absence::new(v, false))))
}

/// One absence
///
/// With its history ("from X to Y"), for the pupil's guardians and the staff who register its
/// absence.
#[utoipa::path(
    tag = "absence",
    operation_id = "get_absence",
    params(("absence_id" = String, Path, format = Uuid, max_length = 36, description = "The absence.")),
    responses((status = 200, description = "The absence.", body = Absence)),
    security(("bearer" = []))
)]
#[get("/absences/{absence_id}")]
pub async fn get_absence(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Absence>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(Absence::new(view, true)))
}

/// Change an absence
///
/// Made on the `version` read (409 otherwise). A guardian changes their report until its first
/// day starts (the school's cut-off on that day); staff register its kind, minutes and last day.
/// Every change is added to its history.
#[utoipa::path(
    tag = "absence",
    operation_id = "update_absence",
    params(("absence_id" = String, Path, format = Uuid, max_length = 36, description = "The absence.")),
    request_body = AbsenceChangeInput,
    responses((status = 200, description = "The absence as changed.", body = Absence)),
    security(("bearer" = []))
)]
#[patch("/absences/{absence_id}")]
pub async fn update_absence(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<Absence>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, absence) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &absence, now)
    })
    .await?;
    let input: AbsenceChangeInput = body.parse().await?;
    let reason = input.reason.map(Into::into);
    let edit = AbsenceEdit {
        version: input.version,
        reason,
        note: input.note,
        first_day: input.first_day,
        last_day: input.last_day,
        expected_return: input.expected_return,
        kind: input.kind.map(Into::into),
        minutes: input.minutes,
    };
    let view = db::run(&state.db, move |conn| {
        service::edit(conn, &auth.0, &auth.audit(), &id, edit, now)
    })
    .await?;
    Ok(web::Json(Absence::new(view, true)))
}

/// Withdraw my report
///
/// For a guardian of the pupil, until the report's first day starts.
#[utoipa::path(
    tag = "absence",
    operation_id = "withdraw_absence",
    params(("absence_id" = String, Path, format = Uuid, max_length = 36, description = "The absence.")),
    responses((status = 200, description = "The report, withdrawn.", body = Absence)),
    security(("bearer" = []))
)]
#[post("/absences/{absence_id}/withdrawal")]
pub async fn withdraw_absence(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Absence>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::withdraw(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(Absence::new(view, true)))
}

/// Report the pupil better
///
/// Ends an open absence: the pupil is back on `back_on`, so the absence ends the school day
/// before. For a guardian of the pupil or staff who register its absence.
#[utoipa::path(
    tag = "absence",
    operation_id = "report_absence_return",
    params(("absence_id" = String, Path, format = Uuid, max_length = 36, description = "The absence.")),
    request_body = AbsenceReturnInput,
    responses((status = 200, description = "The absence, ended.", body = Absence)),
    security(("bearer" = []))
)]
#[post("/absences/{absence_id}/return")]
pub async fn report_absence_return(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<Absence>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, absence) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &absence, now)
    })
    .await?;
    let input: AbsenceReturnInput = body.parse().await?;
    let view = db::run(&state.db, move |conn| {
        service::return_back(conn, &auth.0, &auth.audit(), &id, input.back_on, now)
    })
    .await?;
    Ok(web::Json(Absence::new(view, true)))
}
