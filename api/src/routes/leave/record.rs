//! The printable decision record of a request for the school's file: JSON, or CSV with
//! `Accept: text/csv`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::{LeaveRequestKind, LeaveRequestState, LeaveWarning};
use crate::auth::Authenticated;
use crate::csv_export;
use crate::db;
use crate::error::ApiError;
use crate::services::leave::{self as service, DecisionRecord};
use crate::state::AppState;

/// The decision record as CSV (RFC 4180): a header line and one line.
#[derive(Debug)]
pub struct LeaveDecisionCsv;

impl utoipa::PartialSchema for LeaveDecisionCsv {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(20_000))
            .into()
    }
}

impl utoipa::ToSchema for LeaveDecisionCsv {}

/// Who took a decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaveDecisionBy {
    #[schema(max_length = 200)]
    pub name: String,
    /// Their roles at the school, e.g. `director`.
    #[schema(max_items = 10, value_type = Vec<crate::routes::fields::Role>)]
    pub roles: Vec<String>,
    pub at: DateTime<Utc>,
}

/// The decision record of a leave request, for the school's file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaveDecisionRecord {
    #[schema(format = Uuid, max_length = 36)]
    pub request_id: String,
    #[schema(max_length = 300)]
    pub pupil_name: String,
    pub kind: LeaveRequestKind,
    #[schema(max_length = 16, example = "art. 13a")]
    pub article: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    #[schema(minimum = 0, maximum = 400)]
    pub school_days: u32,
    pub submitted_on: NaiveDate,
    pub state: LeaveRequestState,
    pub decided_by: Option<LeaveDecisionBy>,
    #[schema(max_length = 2000)]
    pub decision_reason: Option<String>,
    pub officer_decision_recorded_by: Option<LeaveDecisionBy>,
    #[schema(max_length = 2000)]
    pub officer_reason: Option<String>,
    #[schema(max_items = 20)]
    pub warnings: Vec<LeaveWarning>,
}

fn by(decided: Option<service::DecidedBy>) -> Option<LeaveDecisionBy> {
    decided.map(|d| LeaveDecisionBy {
        name: d.name,
        roles: d.roles,
        at: d.at.and_utc(),
    })
}

impl From<DecisionRecord> for LeaveDecisionRecord {
    fn from(record: DecisionRecord) -> Self {
        let r = record.request;
        LeaveDecisionRecord {
            request_id: r.id,
            pupil_name: record.pupil_name,
            kind: r.kind.into(),
            article: r.kind.article().to_owned(),
            first_day: r.first_day,
            last_day: r.last_day,
            school_days: r.school_days,
            submitted_on: r.submitted_on,
            state: r.state.into(),
            decided_by: by(record.decision),
            decision_reason: r.decision_reason,
            officer_decision_recorded_by: by(record.officer_decision),
            officer_reason: r.officer_reason,
            warnings: r.warnings.into_iter().map(Into::into).collect(),
        }
    }
}

fn person(by: Option<&LeaveDecisionBy>) -> [String; 2] {
    match by {
        Some(b) => [
            format!("{} ({})", b.name, b.roles.join("/")),
            b.at.to_rfc3339(),
        ],
        None => [String::new(), String::new()],
    }
}

impl LeaveDecisionRecord {
    /// One header line and one line of values, as every CSV download is made
    /// ([`csv_export::document`]: BOM, quoting, formulas neutralized).
    fn csv(&self) -> Result<String, ApiError> {
        let [decided_by, decided_at] = person(self.decided_by.as_ref());
        let [officer_by, officer_at] = person(self.officer_decision_recorded_by.as_ref());
        let warnings: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.code, w.message_nl))
            .collect();
        let kind = serde_json::to_value(self.kind).unwrap_or_default();
        let state = serde_json::to_value(self.state).unwrap_or_default();
        let values = [
            self.pupil_name.clone(),
            kind.as_str().unwrap_or_default().to_owned(),
            self.article.clone(),
            self.first_day.to_string(),
            self.last_day.to_string(),
            self.school_days.to_string(),
            self.submitted_on.to_string(),
            state.as_str().unwrap_or_default().to_owned(),
            decided_by,
            decided_at,
            self.decision_reason.clone().unwrap_or_default(),
            officer_by,
            officer_at,
            self.officer_reason.clone().unwrap_or_default(),
            warnings.join("; "),
        ];
        let header = [
            "pupil",
            "kind",
            "article",
            "first_day",
            "last_day",
            "school_days",
            "submitted_on",
            "decision",
            "decided_by",
            "decided_at",
            "reason",
            "officer_recorded_by",
            "officer_recorded_at",
            "officer_reason",
            "warnings",
        ];
        csv_export::document(&header, &[values.to_vec()])
    }
}

/// The decision record of a leave request
///
/// For the school's file (dossier), for the director and the school admin: the pupil, kind and
/// article, dates, school days, submitted on, decision, by whom (name and role) and when, the
/// reason, and the warnings. JSON, or CSV with `Accept: text/csv`.
#[utoipa::path(
    tag = "leave",
    operation_id = "get_leave_decision_record",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    responses((status = 200, description = "The record.", content(
        (LeaveDecisionRecord = "application/json"),
        (LeaveDecisionCsv = "text/csv")
    ))),
    security(("bearer" = []))
)]
#[get("/leave-requests/{request_id}/record")]
pub async fn get_leave_decision_record(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().to_string();
    let record = db::run(&state.db, move |conn| {
        service::record(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    let record = LeaveDecisionRecord::from(record);
    Ok(if csv_export::wants_csv(&req) {
        HttpResponse::Ok()
            .content_type(csv_export::CONTENT_TYPE)
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"verlof-{}.csv\"", record.request_id),
            ))
            .body(record.csv()?)
    } else {
        HttpResponse::Ok().json(record)
    })
}
