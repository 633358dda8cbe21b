//! The retention purge of a school: its run log, and a run on request (a dry run that only
//! counts, or a purge now, optionally early for leavers before a cutoff in an ended school year).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::{Page, PageParams};
use crate::services::retention::{self as service, RunRequest, RunView};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_retention_run)
        .service(list_retention_runs);
}

/// How many records of one category a run removed (or, dry, would remove).
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionCount {
    /// `pupil_file`, `absence_and_leave`, `enrolment`, `guardian_account`, `staff`,
    /// `portal_content` or `audit_log` (SPEC §12).
    #[schema(max_length = 32, example = "absence_and_leave")]
    pub category: String,
    #[schema(minimum = 0, maximum = 9_007_199_254_740_991_i64)]
    pub removed: i64,
}

/// A purge run: what ran, when, how it ended, and the counts per category (never the data).
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionRun {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// `scheduled` (nightly), `manual` or `dry_run`.
    #[schema(max_length = 16, example = "dry_run")]
    pub kind: String,
    /// The day the rules were applied on (Europe/Amsterdam).
    pub on_date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<NaiveDate>,
    /// `running`, `ok` or `failed` (a partial failure is a failure).
    #[schema(max_length = 16, example = "ok")]
    pub outcome: String,
    /// Where a failed run stopped (a category; `settings` when the school's retention settings
    /// could not be read and nothing went); the counts say what went before.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 32)]
    pub failed_category: Option<String>,
    pub started_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    #[schema(max_items = 16)]
    pub counts: Vec<RetentionCount>,
}

impl From<RunView> for RetentionRun {
    fn from((run, counts): RunView) -> Self {
        RetentionRun {
            id: run.id,
            kind: run.kind,
            on_date: run.on_date,
            cutoff: run.cutoff,
            outcome: run.outcome,
            failed_category: run.failed_category,
            started_at: run.started_at.and_utc(),
            finished_at: run.finished_at.map(|at| at.and_utc()),
            counts: counts
                .into_iter()
                .map(|(category, removed)| RetentionCount { category, removed })
                .collect(),
        }
    }
}

/// A run to make now.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRunInput {
    /// Only count what would go (the dry-run report).
    #[serde(default)]
    pub dry_run: bool,
    /// Also remove now the data of pupils who left, and guardians whose last child left, before
    /// this day (the terms are maxima). Must lie in a school year that has ended (422 otherwise).
    pub cutoff: Option<NaiveDate>,
}

/// Run the retention purge
///
/// For the school admin and the board's admins: applies the retention rules (SPEC §12) at the
/// school today, or with `dry_run` only counts what would go. Logged with its counts.
#[utoipa::path(
    tag = "schools",
    operation_id = "create_retention_run",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = RetentionRunInput,
    responses((status = 201, description = "The run.", body = RetentionRun)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/retention-runs")]
async fn create_retention_run(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let school_id = path.into_inner().to_string();
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_manage(conn, &actor, &audit, &school)
    })
    .await?;
    let input: RetentionRunInput = body.parse().await?;
    let request = RunRequest {
        dry_run: input.dry_run,
        cutoff: input.cutoff,
    };
    let run = db::run(&state.db, move |conn| {
        service::request_run(conn, &auth.0, &auth.audit(), &school_id, request, now)
    })
    .await?;
    state.callers.clear();
    let run = RetentionRun::from(run);
    Ok(HttpResponse::Created().json(run))
}

/// A school's retention runs
///
/// The run log, newest first: nightly, manual and dry runs with their counts per category. For
/// the school admin and the board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "list_retention_runs",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."), PageParams),
    responses((status = 200, description = "A page of runs.", body = Page<RetentionRun>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/retention-runs")]
async fn list_retention_runs(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<RetentionRun>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        service::runs(
            conn,
            &auth.0,
            &auth.audit(),
            &school_id,
            cursor.as_deref(),
            limit,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, RetentionRun::from)))
}
