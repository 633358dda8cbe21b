//! One handler per operation: extract, convert, one service call, answer.

use actix_web::http::header;
use actix_web::{HttpResponse, get, put, web};
use domain::school_year::SchoolYear;
use persistence::ids::now;
use uuid::Uuid;

use super::dto::{SchoolCalendarDto, SchoolCalendarInput};
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::JsonBody;
use crate::services::calendar as service;
use crate::state::AppState;

/// An iCalendar document (RFC 5545), at most 1 MB (a year's days off are a few kilobytes).
#[derive(Debug)]
pub struct ICalendarText;

impl utoipa::PartialSchema for ICalendarText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(1_000_000))
            .into()
    }
}

impl utoipa::ToSchema for ICalendarText {}

/// The school year of the path (`2026-2027`); 400 naming it otherwise.
fn school_year(value: &str) -> Result<SchoolYear, ApiError> {
    SchoolYear::parse(value).ok_or_else(|| ApiError::BadRequest {
        detail: "A path parameter is not valid; see `errors`.".to_owned(),
        errors: vec![FieldError::new(
            "path.school_year",
            "invalid_school_year",
            "is not a school year such as 2026-2027".to_owned(),
        )],
    })
}

/// A school's calendar
///
/// The school days, days off and lesson times of one school year, for everyone at the school
/// (the absence module on for them). Until an admin sets it: the default (`version` 0).
#[utoipa::path(
    tag = "calendar",
    operation_id = "get_school_calendar",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("school_year" = String, Path, pattern = r"^[0-9]{4}-[0-9]{4}$", max_length = 9, description = "The school year, e.g. `2026-2027`."),
    ),
    responses((status = 200, description = "The calendar.", body = SchoolCalendarDto)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/calendar/{school_year}")]
pub async fn get_school_calendar(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> Result<web::Json<SchoolCalendarDto>, ApiError> {
    let (school_id, year) = path.into_inner();
    let year = school_year(&year)?;
    let view = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &auth.audit(), &school_id.to_string(), year)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// A school's calendar as iCalendar
///
/// The holidays and study days of one school year as all-day events (RFC 5545), for a calendar
/// app.
#[utoipa::path(
    tag = "calendar",
    operation_id = "export_school_calendar",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("school_year" = String, Path, pattern = r"^[0-9]{4}-[0-9]{4}$", max_length = 9, description = "The school year, e.g. `2026-2027`."),
    ),
    responses((status = 200, description = "The calendar.", content_type = "text/calendar", body = ICalendarText)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/calendar/{school_year}/ical")]
pub async fn export_school_calendar(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (school_id, year) = path.into_inner();
    let year = school_year(&year)?;
    let body = db::run(&state.db, move |conn| {
        service::export(conn, &auth.0, &auth.audit(), &school_id.to_string(), year)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"schoolkalender-{}.ics\"",
                year.name()
            ),
        ))
        .body(body))
}

/// Set a school's calendar
///
/// For the school's admins and its board's admins. Replaces the calendar of the school year:
/// lesson times, the groups that differ, and the days off (or, without them, the vacations of the
/// named region). Made on the `version` read: a save on an older version answers 409.
#[utoipa::path(
    tag = "calendar",
    operation_id = "update_school_calendar",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("school_year" = String, Path, pattern = r"^[0-9]{4}-[0-9]{4}$", max_length = 9, description = "The school year, e.g. `2026-2027`."),
    ),
    request_body = SchoolCalendarInput,
    responses((status = 200, description = "The calendar as stored.", body = SchoolCalendarDto)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/calendar/{school_year}")]
pub async fn update_school_calendar(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    body: JsonBody,
) -> Result<web::Json<SchoolCalendarDto>, ApiError> {
    let (school_id, year) = path.into_inner();
    let year = school_year(&year)?;
    let (actor, audit) = (auth.0.clone(), auth.audit());
    db::run(&state.db, move |conn| {
        service::may_set(conn, &actor, &audit, &school_id.to_string())
    })
    .await?;
    let command = body.parse::<SchoolCalendarInput>().await?.try_into()?;
    let view = db::run(&state.db, move |conn| {
        let school = school_id.to_string();
        service::set(conn, &auth.0, &auth.audit(), &school, year, command, now())
    })
    .await?;
    Ok(web::Json(view.into()))
}
