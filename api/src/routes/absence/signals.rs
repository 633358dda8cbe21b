//! The signals for a school's director and admins: the DUO report (16 hours of unauthorized
//! absence within 4 school weeks, Leerplichtwet art. 21a) and long absence.

use actix_web::{get, post, web};
use chrono::{NaiveDate, NaiveDateTime};
use persistence::absence::signals::{SignalItem, SignalRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::dto::AbsencePupil;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::{Page, PageParams};
use crate::services::absence::signals as service;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceSignalKind {
    /// 16 hours of unauthorized absence within 4 consecutive school weeks: report to DUO
    /// (verzuimregister, art. 21a).
    Duo16Hours,
    /// Unauthorized absence for more than 4 consecutive school weeks.
    LongAbsence,
    /// Absence right before or after a holiday of a week or more.
    LuxuryAbsence,
}

/// A signal with what the report to DUO needs: the pupil, the period and the hours.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AbsenceSignal {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub pupil: AbsencePupil,
    pub kind: AbsenceSignalKind,
    /// The first day of absence counted.
    pub first_day: NaiveDate,
    /// The day the threshold was reached.
    pub last_day: NaiveDate,
    /// Minutes of unauthorized teaching time counted (0 for long absence).
    #[schema(minimum = 0, maximum = 2147483647)]
    pub minutes: i32,
    pub raised_at: NaiveDateTime,
    /// When an admin marked it reported; counting starts again after `last_day`.
    pub reported_at: Option<NaiveDateTime>,
}

fn kind(value: &str) -> Result<AbsenceSignalKind, ApiError> {
    match value {
        service::DUO => Ok(AbsenceSignalKind::Duo16Hours),
        service::LONG => Ok(AbsenceSignalKind::LongAbsence),
        service::LUXURY => Ok(AbsenceSignalKind::LuxuryAbsence),
        other => Err(ApiError::Internal(format!(
            "absence_signals.kind = {other:?}"
        ))),
    }
}

fn item_of(item: SignalItem) -> Result<AbsenceSignal, ApiError> {
    let SignalItem {
        signal: row,
        first_name,
        name_prefix,
        last_name,
    } = item;
    let pupil = AbsencePupil {
        id: row.pupil_id.clone(),
        first_name,
        name_prefix,
        last_name,
    };
    signal(row, pupil)
}

fn signal(row: SignalRow, pupil: AbsencePupil) -> Result<AbsenceSignal, ApiError> {
    Ok(AbsenceSignal {
        kind: kind(&row.kind)?,
        pupil,
        first_day: row.first_day,
        last_day: row.last_day,
        minutes: row.minutes,
        raised_at: row.raised_at,
        reported_at: row.reported_at,
        id: row.id,
    })
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignalParams {
    /// Only signals not yet reported (default true).
    pub open: Option<bool>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
}

/// A school's absence signals
///
/// For the director and the school's admins, oldest first: what is to be reported to DUO, and
/// long absence.
#[utoipa::path(
    tag = "absence",
    operation_id = "list_absence_signals",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."), SignalParams),
    responses((status = 200, description = "A page of signals.", body = Page<AbsenceSignal>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/absence-signals")]
pub async fn list_absence_signals(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<SignalParams>,
) -> Result<web::Json<Page<AbsenceSignal>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let size = PageParams {
        limit: query.0.limit,
        cursor: None,
    }
    .page_size()?
    .get();
    let (open, cursor) = (
        query.0.open.unwrap_or(true),
        query.0.cursor.map(|c| c.to_string()),
    );
    let page = db::run(&state.db, move |conn| {
        service::list(
            conn,
            &auth.0,
            &auth.audit(),
            &school_id,
            open,
            cursor.as_deref(),
            size,
        )
    })
    .await?;
    let items = page
        .items
        .into_iter()
        .map(item_of)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Mark a signal reported to DUO
///
/// For the director and the school's admins, once (409 after). Counting starts again after the
/// signal's last day.
#[utoipa::path(
    tag = "absence",
    operation_id = "mark_absence_signal_reported",
    params(("signal_id" = String, Path, format = Uuid, max_length = 36, description = "The signal.")),
    responses((status = 200, description = "The signal, marked reported.", body = AbsenceSignal)),
    security(("bearer" = []))
)]
#[post("/absence-signals/{signal_id}/reported")]
pub async fn mark_absence_signal_reported(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<AbsenceSignal>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let item = db::run(&state.db, move |conn| {
        service::mark_reported(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    Ok(web::Json(item_of(item)?))
}
