//! Rounds and desks: one handler per operation, extract, convert, one service call, answer. A
//! handler with a body authorizes the caller first and reads the body after (`JsonBody`).

use actix_web::{HttpResponse, get, patch, post, web};
use uuid::Uuid;

use super::dto::{
    PlannerDayCancellationInput, PlannerDayCancelled, PlannerDeskSlots, PlannerRound,
    PlannerRoundInput, PlannerRoundSummary, PlannerSlot, PlannerSlotChange, PlannerSlotInput,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::routes::pagination::{Page, PageParams};
use crate::services::planner::{self as service, PlannerError};
use crate::state::AppState;

/// Create a conversation round
///
/// For the school's admin and director (seed 003: a round is made centrally). The round gets a
/// desk per teacher of its groups (two teachers of one group together, or each their own with
/// `duo_mode=split`) with the slots its windows give; teachers check them until
/// `teachers_deadline`, then the school publishes it.
#[utoipa::path(
    tag = "planner",
    operation_id = "create_planner_round",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per round and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is created twice. Kept for 24 hours."),
    ),
    request_body = PlannerRoundInput,
    responses((status = 201, description = "The round.", body = PlannerRound)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/planner/rounds")]
pub async fn create_planner_round(
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
    let input: PlannerRoundInput = body.parse().await?;
    let command = input.command().map_err(PlannerError::Refused)?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
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
            |conn, view| remembered(claim.as_ref(), conn, PlannerRound::from(view.clone())),
        )
    })
    .await?;
    Ok(created.respond(|round| format!("/api/v1/planner/rounds/{}", round.id)))
}

/// List a school's conversation rounds
///
/// Newest first: all for the school's admin and director, those of their groups for teachers,
/// published ones of their children's groups for guardians.
#[utoipa::path(
    tag = "planner",
    operation_id = "list_planner_rounds",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."), PageParams),
    responses((status = 200, description = "A page of rounds.", body = Page<PlannerRoundSummary>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/planner/rounds")]
pub async fn list_planner_rounds(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<PlannerRoundSummary>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::list(conn, actor, &audit, &school_id, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, PlannerRoundSummary::from)))
}

/// Read a conversation round
///
/// With its windows and desks (a guardian sees their children's desks only; unpublished rounds
/// do not exist for guardians).
#[utoipa::path(
    tag = "planner",
    operation_id = "get_planner_round",
    params(("round_id" = String, Path, format = Uuid, max_length = 36, description = "The round.")),
    responses((status = 200, description = "The round.", body = PlannerRound)),
    security(("bearer" = []))
)]
#[get("/planner/rounds/{round_id}")]
pub async fn get_planner_round(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<PlannerRound>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::round(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Publish a conversation round
///
/// After the teachers' deadline, by the school's admin or director: guardians of its groups see
/// it from now on. 409 before the deadline, after the close, or when it was published already.
#[utoipa::path(
    tag = "planner",
    operation_id = "publish_planner_round",
    params(("round_id" = String, Path, format = Uuid, max_length = 36, description = "The round.")),
    responses((status = 200, description = "The round, published.", body = PlannerRound)),
    security(("bearer" = []))
)]
#[post("/planner/rounds/{round_id}/publication")]
pub async fn publish_planner_round(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<PlannerRound>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::publish(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// A desk's slots
///
/// For the teachers at the desk and the school's admin and director: every slot, blocked or
/// not, with the booking that holds it.
#[utoipa::path(
    tag = "planner",
    operation_id = "list_planner_desk_slots",
    params(("desk_id" = String, Path, format = Uuid, max_length = 36, description = "The desk.")),
    responses((status = 200, description = "The desk's slots.", body = PlannerDeskSlots)),
    security(("bearer" = []))
)]
#[get("/planner/desks/{desk_id}/slots")]
pub async fn list_planner_desk_slots(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<PlannerDeskSlots>, ApiError> {
    let id = path.into_inner().to_string();
    let view = db::run(&state.db, move |conn| {
        service::desk(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    Ok(web::Json(PlannerDeskSlots {
        round_id: view.round.id,
        desk: view.desk.into(),
        slots: view.slots.into_iter().map(Into::into).collect(),
    }))
}

/// Add a slot to a desk
///
/// Teachers until the deadline, the school's planners until the close: a slot of the round's
/// length inside its windows, clear of the desk's other slots.
#[utoipa::path(
    tag = "planner",
    operation_id = "create_planner_slot",
    params(("desk_id" = String, Path, format = Uuid, max_length = 36, description = "The desk.")),
    request_body = PlannerSlotInput,
    responses((status = 201, description = "The slot.", body = PlannerSlot)),
    security(("bearer" = []))
)]
#[post("/planner/desks/{desk_id}/slots")]
pub async fn create_planner_slot(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, desk) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &desk)
    })
    .await?;
    let input: PlannerSlotInput = body.parse().await?;
    let slot = db::run(&state.db, move |conn| {
        service::add_slot(conn, &auth.0, &auth.audit(), &id, input.starts_at, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(PlannerSlot::from(slot)))
}

/// Block or free a slot
///
/// A blocked slot is not offered to guardians. A booked slot cannot be blocked (409): cancel its
/// booking with a reason first, so no booking is ever dropped silently.
#[utoipa::path(
    tag = "planner",
    operation_id = "update_planner_slot",
    params(("slot_id" = String, Path, format = Uuid, max_length = 36, description = "The slot.")),
    request_body = PlannerSlotChange,
    responses((status = 200, description = "The slot.", body = PlannerSlot)),
    security(("bearer" = []))
)]
#[patch("/planner/slots/{slot_id}")]
pub async fn update_planner_slot(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<PlannerSlot>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, slot) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_change_slot(conn, &actor, &audit, &slot)
    })
    .await?;
    let input: PlannerSlotChange = body.parse().await?;
    let slot = db::run(&state.db, move |conn| {
        service::set_blocked(conn, &auth.0, &auth.audit(), &id, input.blocked, now)
    })
    .await?;
    Ok(web::Json(slot.into()))
}

/// Cancel a desk's day
///
/// A teacher's illness: every booking at the desk on that day (Europe/Amsterdam) that has not
/// started is cancelled with the reason, its guardians are told and may book another time while
/// booking is open, and the day's slots are blocked. For the teachers at the desk and the school's
/// admin and director.
#[utoipa::path(
    tag = "planner",
    operation_id = "cancel_planner_day",
    params(("desk_id" = String, Path, format = Uuid, max_length = 36, description = "The desk.")),
    request_body = PlannerDayCancellationInput,
    responses((status = 200, description = "What was cancelled.", body = PlannerDayCancelled)),
    security(("bearer" = []))
)]
#[post("/planner/desks/{desk_id}/cancellations")]
pub async fn cancel_planner_day(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<PlannerDayCancelled>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, desk) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &desk)
    })
    .await?;
    let input: PlannerDayCancellationInput = body.parse().await?;
    let done = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::cancel_day(conn, actor, &audit, &id, input.day, &input.reason, now)
    })
    .await?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(web::Json(PlannerDayCancelled {
        cancelled: count(done.cancelled),
        blocked: count(done.blocked),
    }))
}
