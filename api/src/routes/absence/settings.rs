//! A school's absence settings over HTTP.

use actix_web::{get, put, web};
use chrono::NaiveTime;
use persistence::absence::settings::Settings;
use persistence::ids::now;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::JsonBody;
use domain::leave::rules::{MAX_ADVANCE_WEEKS, advance_weeks_allowed};

use crate::services::absence::settings as service;
use crate::state::AppState;

/// A school's absence settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AbsenceSettings {
    /// A report for today after this time (`HH:MM`, Europe/Amsterdam) is late: the school calls
    /// (default 08:00).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub report_cutoff: String,
    /// Holiday leave is requested at least this many weeks ahead (default 8); a later request is
    /// a warning the director sees, not a refusal (school practice, not the law).
    #[schema(minimum = 0, maximum = 52)]
    pub leave_notice_weeks: u32,
    /// Tell the guardians when staff register their child absent (unauthorized) and no report of
    /// theirs covers the day (default off).
    pub notify_unreported: bool,
}

impl From<Settings> for AbsenceSettings {
    fn from(settings: Settings) -> Self {
        AbsenceSettings {
            report_cutoff: settings.absence.cutoff.format("%H:%M").to_string(),
            leave_notice_weeks: settings.leave_notice_weeks,
            notify_unreported: settings.notify_unreported,
        }
    }
}

impl AbsenceSettings {
    fn command(self) -> Result<Settings, ApiError> {
        let mut errors = Vec::new();
        let shaped = self.report_cutoff.len() == 5 && self.report_cutoff.as_bytes()[2] == b':';
        let cutoff = NaiveTime::parse_from_str(&self.report_cutoff, "%H:%M")
            .ok()
            .filter(|_| shaped);
        if cutoff.is_none() {
            errors.push(FieldError::new(
                "report_cutoff",
                "invalid_time",
                "is not a time HH:MM".to_owned(),
            ));
        }
        if !advance_weeks_allowed(self.leave_notice_weeks) {
            errors.push(FieldError::new(
                "leave_notice_weeks",
                "maximum",
                format!("is at most {MAX_ADVANCE_WEEKS}"),
            ));
        }
        match cutoff {
            Some(cutoff) if errors.is_empty() => Ok(Settings {
                absence: domain::absence::AbsenceSettings { cutoff },
                leave_notice_weeks: self.leave_notice_weeks,
                notify_unreported: self.notify_unreported,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// A school's absence settings
///
/// For everyone at the school: until when a report for today is on time, and how far ahead
/// holiday leave is requested.
#[utoipa::path(
    tag = "absence",
    operation_id = "get_absence_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    responses((status = 200, description = "The settings.", body = AbsenceSettings)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/absence-settings")]
pub async fn get_absence_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<AbsenceSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let settings = db::run(&state.db, move |conn| {
        service::get(conn, &auth.0, &auth.audit(), &school_id)
    })
    .await?;
    Ok(web::Json(settings.into()))
}

/// Set a school's absence settings
///
/// For the school's admins and its board's admins.
#[utoipa::path(
    tag = "absence",
    operation_id = "update_absence_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = AbsenceSettings,
    responses((status = 200, description = "The settings as stored.", body = AbsenceSettings)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/absence-settings")]
pub async fn update_absence_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<AbsenceSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (actor, audit, id) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_set(conn, &actor, &audit, &id)
    })
    .await?;
    let settings = body.parse::<AbsenceSettings>().await?.command()?;
    let stored = db::run(&state.db, move |conn| {
        service::set(conn, &auth.0, &auth.audit(), &school_id, settings, now())
    })
    .await?;
    Ok(web::Json(stored.into()))
}
