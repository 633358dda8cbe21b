//! Booking: the guardian's offer, booking with `Idempotency-Key`, ending a booking, and the
//! caller's bookings. A handler with a body authorizes the caller first and reads the body after.

use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;

use super::booking_dto::{
    PlannerBooking, PlannerBookingInput, PlannerBookingList, PlannerOffer, PlannerWithdrawalInput,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::idempotency::{Created, IdempotencyKey, remembered, replayed};
use crate::services::planner::{self as service, NewBookingRequest, WithdrawalRequest};
use crate::state::AppState;

/// What I may book in a round
///
/// For a guardian of a child the published round covers: per child, the desks of its teachers
/// and their free slots; for several children, sequences of slots one after another.
#[utoipa::path(
    tag = "planner",
    operation_id = "get_planner_offer",
    params(("round_id" = String, Path, format = Uuid, max_length = 36, description = "The round.")),
    responses((status = 200, description = "The offer.", body = PlannerOffer)),
    security(("bearer" = []))
)]
#[get("/planner/rounds/{round_id}/offer")]
pub async fn get_planner_offer(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<PlannerOffer>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let offer = db::run(&state.db, move |conn| {
        service::offer(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(offer.into()))
}

/// Book a conversation
///
/// One slot per child per desk while booking is open. The pupil's parents are invited together,
/// unless the pupil is marked separated: then each household books its own. Refused with 409 when
/// the slot was taken (two guardians racing get one booking and one 409), when a parent invited
/// has another conversation at that time, or over the round's limit. With `Idempotency-Key`, a
/// retried request books once.
#[utoipa::path(
    tag = "planner",
    operation_id = "create_planner_booking",
    params(
        ("round_id" = String, Path, format = Uuid, max_length = 36, description = "The round."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per booking and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is booked twice. Kept for 24 hours."),
    ),
    request_body = PlannerBookingInput,
    responses((status = 201, description = "The booking.", body = PlannerBooking)),
    security(("bearer" = []))
)]
#[post("/planner/rounds/{round_id}/bookings")]
pub async fn create_planner_booking(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let round_id = path.into_inner().to_string();
    let (actor, audit, round) = (auth.0.clone(), auth.audit(), round_id.clone());
    db::run(&state.db, move |conn| {
        service::may_book(conn, &actor, &audit, &round)
    })
    .await?;
    let input: PlannerBookingInput = body.parse().await?;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let request = NewBookingRequest {
        slot_id: input.slot_id.to_string(),
        pupil_id: input.pupil_id.to_string(),
    };
    let created = db::run(&state.db, move |conn| {
        if let Some(answer) = replayed(claim.as_ref(), conn)? {
            return Ok(Created::Replayed(answer));
        }
        let (actor, audit) = (&auth.0, auth.audit());
        service::book(
            conn,
            actor,
            &audit,
            &round_id,
            &request,
            now,
            |conn, view| {
                remembered(
                    claim.as_ref(),
                    conn,
                    PlannerBooking::from(view.booking.clone()),
                )
            },
        )
    })
    .await?;
    Ok(created.respond(|booking| format!("/api/v1/planner/bookings/{}", booking.id)))
}

/// End a booking
///
/// A guardian invited to it unbooks while booking is open and the round lets guardians change
/// (the slot is free again); after the close they cancel, with a reason, until it starts. The
/// teachers at the desk and the school's planners cancel with a reason.
#[utoipa::path(
    tag = "planner",
    operation_id = "withdraw_planner_booking",
    params(("booking_id" = String, Path, format = Uuid, max_length = 36, description = "The booking.")),
    request_body = PlannerWithdrawalInput,
    responses((status = 200, description = "The booking, ended.", body = PlannerBooking)),
    security(("bearer" = []))
)]
#[post("/planner/bookings/{booking_id}/withdrawal")]
pub async fn withdraw_planner_booking(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<PlannerBooking>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let (actor, audit, booking) = (auth.0.clone(), auth.audit(), id.clone());
    db::run(&state.db, move |conn| {
        service::may_withdraw(conn, &actor, &audit, &booking)
    })
    .await?;
    let input: PlannerWithdrawalInput = body.parse().await?;
    let request = WithdrawalRequest {
        reason: input.reason,
    };
    let view = db::run(&state.db, move |conn| {
        service::withdraw(conn, &auth.0, &auth.audit(), &id, &request, now)
    })
    .await?;
    Ok(web::Json(view.booking.into()))
}

/// My conversation bookings
///
/// The bookings the caller is invited to (their own and their household's, live and ended), in
/// time order.
#[utoipa::path(
    tag = "planner",
    operation_id = "list_my_planner_bookings",
    responses((status = 200, description = "The bookings.", body = PlannerBookingList)),
    security(("bearer" = []))
)]
#[get("/me/planner/bookings")]
pub async fn list_my_planner_bookings(
    auth: Authenticated,
    state: web::Data<AppState>,
) -> Result<web::Json<PlannerBookingList>, ApiError> {
    let bookings = db::run(&state.db, move |conn| {
        service::my_bookings(conn, &auth.0, &auth.audit())
    })
    .await?;
    Ok(web::Json(PlannerBookingList {
        items: bookings.into_iter().map(Into::into).collect(),
    }))
}
