//! A school's audit log, for its admins and its board's admins.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::policy::SchoolAction;
use persistence::audit::{self, AuditFilter, AuditRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::{Page, PageParams};
use crate::routes::schools::school_for;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_school_audit_events);
}

/// One event: who did what to which object, when, with what outcome. Never the data itself.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub at: DateTime<Utc>,
    #[schema(max_length = 64)]
    pub request_id: Option<String>,
    /// The account that acted, if known.
    #[schema(format = Uuid, max_length = 36)]
    pub account_id: Option<String>,
    /// The integration client that acted, if one did.
    #[schema(format = Uuid, max_length = 36)]
    pub client_id: Option<String>,
    /// e.g. `read`, `create`, `login`, `list_pupils`.
    #[schema(max_length = 64)]
    pub action: String,
    /// e.g. `pupil`, `guardian`, `pupil_list`, `school`.
    #[schema(max_length = 64)]
    pub object_type: String,
    #[schema(format = Uuid, max_length = 36)]
    pub object_id: Option<String>,
    /// `ok`, `forbidden`, `not_found`, `failed`, `held`, …
    #[schema(max_length = 32)]
    pub outcome: String,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> Self {
        AuditEvent {
            id: row.id,
            at: row.at.and_utc(),
            request_id: row.request_id,
            account_id: row.account_id,
            client_id: row.client_id,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            outcome: row.outcome,
        }
    }
}

/// Filters and paging of the audit log.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// How many events to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
    /// Only this action.
    #[param(pattern = "^[a-z_]{1,64}$", max_length = 64)]
    #[validate(custom(function = "word"))]
    pub action: Option<String>,
    /// Only this outcome.
    #[param(pattern = "^[a-z_]{1,64}$", max_length = 64)]
    #[validate(custom(function = "word"))]
    pub outcome: Option<String>,
    /// Only events of this account.
    pub account_id: Option<Uuid>,
    /// Only events about this object.
    pub object_id: Option<Uuid>,
    /// Only events at or after this time.
    #[param(max_length = 35)]
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time.
    #[param(max_length = 35)]
    pub until: Option<DateTime<Utc>>,
}

fn word(value: &str) -> Result<(), ValidationError> {
    let ok = (1..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("invalid_value")
            .with_message("must be lower-case letters and `_`".into()))
    }
}

/// List a school's audit log
///
/// Newest first. For the school's admins and its board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "list_school_audit_events",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        AuditParams
    ),
    responses((status = 200, description = "A page of audit events.", body = Page<AuditEvent>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/audit-events")]
async fn list_school_audit_events(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<AuditParams>,
) -> Result<web::Json<Page<AuditEvent>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let query = query.0;
    // This instance's reads queued for the batch writer are in the log before it is read.
    state.audit.flush().await;
    let limit = PageParams {
        limit: query.limit,
        cursor: None,
    }
    .page_size()?
    .get();
    let cursor = query.cursor.map(|c| c.to_string());
    let filter = AuditFilter {
        action: query.action,
        account_id: query.account_id.map(|id| id.to_string()),
        object_id: query.object_id.map(|id| id.to_string()),
        outcome: query.outcome,
        from: query.from.map(|t| t.naive_utc()),
        until: query.until.map(|t| t.naive_utc()),
    };
    let page = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ReadAuditLog)?;
        Ok::<_, ApiError>(audit::list_at(
            conn,
            &school,
            &filter,
            cursor.as_deref(),
            limit,
        )?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, AuditEvent::from)))
}
