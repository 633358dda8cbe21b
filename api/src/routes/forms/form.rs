//! Forms: made by the school admin or a teacher (with `Idempotency-Key`), listed, read, reminded
//! of and allocated. A handler with a body authorizes the caller first and reads the body after.

use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;

use super::dto::{Form, FormInput, FormSummary};
use super::response_dto::{FormAllocationDone, FormReminderSent};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::routes::pagination::{Page, PageParams};
use crate::services::forms as service;
use crate::state::AppState;

/// Make a sign-up form
///
/// For the school admin (the whole school or any groups) and teachers (groups they teach; seed
/// 003). Options with places (or none), per child or per household; optional questions; a
/// waiting list; a limit per child; eligibility by year group; places given at once or by an
/// allocation run after the close. With `Idempotency-Key`, a retried request makes one form.
#[utoipa::path(
    tag = "forms",
    operation_id = "create_form",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per form and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is made twice. Kept for 24 hours."),
    ),
    request_body = FormInput,
    responses((status = 201, description = "The form.", body = Form)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/forms")]
pub async fn create_form(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let school_id = path.into_inner().to_string();
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_create(conn, &actor, &audit, &school)
    })
    .await?;
    let input: FormInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let command = input.command();
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::create(
            conn,
            actor,
            &audit,
            &school_id,
            &command,
            now,
            |conn, view| remembered(claim.as_ref(), conn, Form::from(view.clone())),
        )
    })
    .await?;
    Ok(created.respond(|form| format!("/api/v1/forms/{}", form.id)))
}

/// The school's forms
///
/// For the school admin every form of the school, for a teacher the forms they made; newest
/// first.
#[utoipa::path(
    tag = "forms",
    operation_id = "list_forms",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."), PageParams),
    responses((status = 200, description = "A page of forms.", body = Page<FormSummary>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/forms")]
pub async fn list_forms(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<FormSummary>>, ApiError> {
    let now = state.clock.now();
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        service::list(
            conn,
            &auth.0,
            &auth.audit(),
            &school_id,
            cursor.as_deref(),
            limit,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, |form| {
        let phase = domain::forms::phase(form.opens_at, form.closes_at, now);
        FormSummary::of(&form, phase, None)
    })))
}

/// My forms
///
/// For a guardian: the forms open for their children, and those closed in the last 90 days,
/// with whether their household responded; newest first.
#[utoipa::path(
    tag = "forms",
    operation_id = "list_my_forms",
    params(PageParams),
    responses((status = 200, description = "A page of forms.", body = Page<FormSummary>)),
    security(("bearer" = []))
)]
#[get("/me/forms")]
pub async fn list_my_forms(
    auth: Authenticated,
    state: web::Data<AppState>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<FormSummary>>, ApiError> {
    let now = state.clock.now();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        service::mine(conn, &auth.0, cursor.as_deref(), limit, now)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, FormSummary::from)))
}

/// Read a form
///
/// For those who manage it (the school admin, its author), and for guardians of a child it is
/// for once it opened: then with their children and their household's response.
#[utoipa::path(
    tag = "forms",
    operation_id = "get_form",
    params(("form_id" = String, Path, format = Uuid, max_length = 36, description = "The form.")),
    responses((status = 200, description = "The form.", body = Form)),
    security(("bearer" = []))
)]
#[get("/forms/{form_id}")]
pub async fn get_form(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Form>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::form(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Remind those who have not responded
///
/// For those who manage the form while it is open: the guardians of the children it is for whose
/// household has not responded are reminded, always by e-mail as well, whatever their
/// notification settings (seed 003). At most once per 24 hours (409 otherwise).
#[utoipa::path(
    tag = "forms",
    operation_id = "remind_form",
    params(("form_id" = String, Path, format = Uuid, max_length = 36, description = "The form.")),
    responses((status = 202, description = "The reminder is on its way.", body = FormReminderSent)),
    security(("bearer" = []))
)]
#[post("/forms/{form_id}/reminders")]
pub async fn remind_form(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let reached = db::run(&state.db, move |conn| {
        service::remind(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(FormReminderSent {
        reached: u32::try_from(reached).unwrap_or(u32::MAX),
    }))
}

/// Run the allocation
///
/// For a form that allocates after its close (first come or by preference), by those who manage
/// it, once: every sign-up is placed, waits, or stays unplaced, and each household is told.
#[utoipa::path(
    tag = "forms",
    operation_id = "allocate_form",
    params(("form_id" = String, Path, format = Uuid, max_length = 36, description = "The form.")),
    responses((status = 200, description = "What the run did.", body = FormAllocationDone)),
    security(("bearer" = []))
)]
#[post("/forms/{form_id}/allocation")]
pub async fn allocate_form(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<FormAllocationDone>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let done = db::run(&state.db, move |conn| {
        service::allocate(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(done.into()))
}
