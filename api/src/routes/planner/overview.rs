//! The school's overviews of a round: a desk's day (JSON, or CSV for printing), the round's
//! progress, and the reminder to those who have not booked.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use persistence::planner::{PupilProgress, ScheduleLine};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::csv_export;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::services::planner as service;
use crate::state::AppState;

/// `?day=` of a desk's schedule.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduleParams {
    /// The day (Europe/Amsterdam).
    pub day: NaiveDate,
}

/// A slot of a desk's day with who comes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerScheduleLine {
    #[schema(format = Uuid, max_length = 36)]
    pub slot_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub blocked: bool,
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: Option<String>,
    #[schema(max_length = 300)]
    pub pupil_name: Option<String>,
    /// Absent for a joint booking (every household comes) or a free slot.
    #[schema(max_length = 100)]
    pub household: Option<String>,
    /// The guardians invited.
    #[schema(max_items = 10, max_length = 300)]
    pub guardians: Vec<String>,
}

impl From<ScheduleLine> for PlannerScheduleLine {
    fn from(l: ScheduleLine) -> Self {
        let (pupil_id, pupil_name) = l.pupil.map_or((None, None), |(i, n)| (Some(i), Some(n)));
        PlannerScheduleLine {
            slot_id: l.slot.id,
            starts_at: l.slot.slot.starts_at,
            ends_at: l.slot.slot.ends_at,
            blocked: l.slot.blocked,
            pupil_id,
            pupil_name,
            household: l.household,
            guardians: l.invited,
        }
    }
}

/// A desk's day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerSchedule {
    pub day: NaiveDate,
    #[schema(max_items = 500)]
    pub lines: Vec<PlannerScheduleLine>,
}

/// The CSV form of a desk's day (`Accept: text/csv`): UTF-8 with a byte-order mark.
pub struct PlannerScheduleCsv;

impl utoipa::PartialSchema for PlannerScheduleCsv {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(1_000_000))
            .pattern(Some("^[\\s\\S]*$"))
            .description(Some("time,pupil,household,guardians — one line per slot"))
            .into()
    }
}

impl utoipa::ToSchema for PlannerScheduleCsv {}

/// A desk's day
///
/// For the teachers at the desk and the school's admin and director: every slot of the day
/// (Europe/Amsterdam) with the pupil booked and the guardians who come. JSON, or CSV with
/// `Accept: text/csv` (UTF-8 with BOM, formulas neutralized).
#[utoipa::path(
    tag = "planner",
    operation_id = "get_planner_schedule",
    params(("desk_id" = String, Path, format = Uuid, max_length = 36, description = "The desk."), ScheduleParams),
    responses((status = 200, description = "The day.", content(
        (PlannerSchedule = "application/json"),
        (PlannerScheduleCsv = "text/csv")
    ))),
    security(("bearer" = []))
)]
#[get("/planner/desks/{desk_id}/schedule")]
pub async fn get_planner_schedule(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<ScheduleParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    let day = query.0.day;
    let lines = db::run(&state.db, move |conn| {
        service::schedule(conn, &auth.0, &auth.audit(), &id, day)
    })
    .await?;
    let lines: Vec<PlannerScheduleLine> = lines.into_iter().map(Into::into).collect();
    if !csv_export::wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(PlannerSchedule { day, lines }));
    }
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.starts_at.to_rfc3339(),
                l.pupil_name.clone().unwrap_or_default(),
                l.household.clone().unwrap_or_default(),
                l.guardians.join("; "),
            ]
        })
        .collect();
    let body = csv_export::document(&["time", "pupil", "household", "guardians"], &rows)?;
    Ok(HttpResponse::Ok()
        .content_type(csv_export::CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"gesprekken-{day}.csv\""),
        ))
        .body(body))
}

/// A pupil the round covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerPupilProgress {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 100)]
    pub group: String,
    pub booked: bool,
}

impl From<PupilProgress> for PlannerPupilProgress {
    fn from(p: PupilProgress) -> Self {
        PlannerPupilProgress {
            pupil_id: p.pupil_id,
            name: p.name,
            group: p.group,
            booked: p.booked,
        }
    }
}

/// The round's progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerProgress {
    #[schema(minimum = 0, maximum = 100000)]
    pub pupils: u32,
    #[schema(minimum = 0, maximum = 100000)]
    pub booked: u32,
    /// Every pupil, by group and name.
    #[schema(max_items = 5000)]
    pub items: Vec<PlannerPupilProgress>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A round's progress
///
/// For the school's admin and director: every pupil the round covers and whether it has a
/// booking.
#[utoipa::path(
    tag = "planner",
    operation_id = "get_planner_progress",
    params(("round_id" = String, Path, format = Uuid, max_length = 36, description = "The round.")),
    responses((status = 200, description = "The progress.", body = PlannerProgress)),
    security(("bearer" = []))
)]
#[get("/planner/rounds/{round_id}/progress")]
pub async fn get_planner_progress(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<PlannerProgress>, ApiError> {
    let id = path.into_inner().to_string();
    let pupils = db::run(&state.db, move |conn| {
        service::progress(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    Ok(web::Json(PlannerProgress {
        pupils: count(pupils.len()),
        booked: count(pupils.iter().filter(|p| p.booked).count()),
        items: pupils.into_iter().map(Into::into).collect(),
    }))
}

/// What a reminder did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerReminderSent {
    /// Pupils without a booking, whose guardians are reminded.
    #[schema(minimum = 0, maximum = 100000)]
    pub pupils_without_booking: u32,
}

/// Remind those who have not booked
///
/// For the school's admin and director while booking is open: the guardians of pupils without a
/// booking are reminded through their notification settings. At most once a day (409 otherwise).
#[utoipa::path(
    tag = "planner",
    operation_id = "remind_planner_round",
    params(("round_id" = String, Path, format = Uuid, max_length = 36, description = "The round.")),
    responses((status = 200, description = "The reminder went out.", body = PlannerReminderSent)),
    security(("bearer" = []))
)]
#[post("/planner/rounds/{round_id}/reminders")]
pub async fn remind_planner_round(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<PlannerReminderSent>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let unbooked = db::run(&state.db, move |conn| {
        service::remind(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(PlannerReminderSent {
        pupils_without_booking: count(unbooked),
    }))
}
