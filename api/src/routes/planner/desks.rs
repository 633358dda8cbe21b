//! A desk's preparation per pupil and where it sits per day: set by the teachers at the desk and
//! the school's planners.

use actix_web::{put, web};
use chrono::NaiveDate;
use uuid::Uuid;

use super::booking_dto::{PlannerDeskDay, PlannerDeskDayInput, PlannerPreparation};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::services::planner::{self as service, PreparationChange};
use crate::state::AppState;

/// Prepare a pupil's conversation
///
/// The desk's word on a pupil of its groups, which the pupil's guardians see with what they may
/// book: a conversation requested, or not necessary, and a note. Replaces the earlier word.
#[utoipa::path(
    tag = "planner",
    operation_id = "set_planner_preparation",
    params(
        ("desk_id" = String, Path, format = Uuid, max_length = 36, description = "The desk."),
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "A pupil of the desk's groups."),
    ),
    request_body = PlannerPreparation,
    responses((status = 200, description = "The preparation.", body = PlannerPreparation)),
    security(("bearer" = []))
)]
#[put("/planner/desks/{desk_id}/preparations/{pupil_id}")]
pub async fn set_planner_preparation(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody,
) -> Result<web::Json<PlannerPreparation>, ApiError> {
    let now = state.clock.now();
    let (desk, pupil) = path.into_inner();
    let (desk, pupil) = (desk.to_string(), pupil.to_string());
    let (actor, audit, checked) = (auth.0.clone(), auth.audit(), desk.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &checked)
    })
    .await?;
    let input: PlannerPreparation = body.parse().await?;
    let change = PreparationChange {
        state: input.state.map(Into::into),
        note: input.note,
    };
    let prep = db::run(&state.db, move |conn| {
        service::prepare(conn, &auth.0, &auth.audit(), &desk, &pupil, &change, now)
    })
    .await?;
    Ok(web::Json(prep.into()))
}

/// Set where a desk sits on a day
///
/// A room, and/or conversations by video: each time `video` is true a new, unguessable meeting
/// link is made, which only the guardians with a booking at the desk that day see. The day must
/// be one of the round's.
#[utoipa::path(
    tag = "planner",
    operation_id = "set_planner_desk_day",
    params(
        ("desk_id" = String, Path, format = Uuid, max_length = 36, description = "The desk."),
        ("day" = String, Path, format = Date, max_length = 10, description = "The day (Europe/Amsterdam)."),
    ),
    request_body = PlannerDeskDayInput,
    responses((status = 200, description = "Where the desk sits that day.", body = PlannerDeskDay)),
    security(("bearer" = []))
)]
#[put("/planner/desks/{desk_id}/days/{day}")]
pub async fn set_planner_desk_day(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, NaiveDate)>,
    body: JsonBody,
) -> Result<web::Json<PlannerDeskDay>, ApiError> {
    let (desk, day) = path.into_inner();
    let desk = desk.to_string();
    let (actor, audit, checked) = (auth.0.clone(), auth.audit(), desk.clone());
    db::run(&state.db, move |conn| {
        service::may_edit(conn, &actor, &audit, &checked)
    })
    .await?;
    let input: PlannerDeskDayInput = body.parse().await?;
    let set = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::set_day(
            conn,
            actor,
            &audit,
            &desk,
            day,
            input.room.as_deref(),
            input.video,
        )
    })
    .await?;
    Ok(web::Json(PlannerDeskDay {
        day: set.day,
        room: set.room,
        video_link: set.video_link,
    }))
}
