//! A school's roster sync runs, for its admins and its board's admins: when, who, from where,
//! what it did, how long it took, and why it failed.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::policy::SchoolAction;
use persistence::sync_runs::{self, SyncRunRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::{Page, PageParams};
use crate::routes::roster::KindCounts;
use crate::routes::schools::school_for;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_school_sync_runs);
}

/// Counts per kind of record of a successful run.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RunCounts {
    pub groups: KindCounts,
    pub pupils: KindCounts,
    pub guardians: KindCounts,
    pub staff: KindCounts,
}

/// One roster sync.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SyncRun {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// `snapshot`, `delta`, `edexml_upload` or `edexml_fetch`.
    #[schema(max_length = 32)]
    pub source: String,
    /// The integration client that sent it, if one did.
    #[schema(format = Uuid, max_length = 36)]
    pub client_id: Option<String>,
    /// The person who uploaded it, if one did (neither: the nightly fetch).
    #[schema(format = Uuid, max_length = 36)]
    pub account_id: Option<String>,
    #[schema(max_length = 9)]
    pub school_year: Option<String>,
    /// `succeeded` or `failed`. A failed run changed nothing.
    #[schema(max_length = 16)]
    pub status: String,
    /// Present when the run succeeded.
    pub counts: Option<RunCounts>,
    /// How many records were left out.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub rejected: u32,
    /// Why the run failed.
    #[schema(max_length = 2000)]
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    #[schema(minimum = 0, maximum = 86_400_000)]
    pub duration_ms: u64,
}

impl From<SyncRunRow> for SyncRun {
    fn from(row: SyncRunRow) -> Self {
        SyncRun {
            id: row.id,
            source: row.source,
            client_id: row.client_id,
            account_id: row.account_id,
            school_year: row.school_year,
            status: row.status,
            counts: row
                .counts
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
            rejected: u32::try_from(row.rejected).unwrap_or(0),
            error: row.error,
            started_at: row.started_at.and_utc(),
            finished_at: row.finished_at.and_utc(),
            duration_ms: u64::try_from(row.duration_ms).unwrap_or(0),
        }
    }
}

/// List a school's roster sync runs
///
/// Newest first, successful and failed. For the school's admins and its board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "list_school_sync_runs",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        PageParams
    ),
    responses((status = 200, description = "A page of sync runs.", body = Page<SyncRun>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/sync-runs")]
async fn list_school_sync_runs(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<SyncRun>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        Ok::<_, ApiError>(sync_runs::list_at(conn, &school, cursor.as_deref(), limit)?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, SyncRun::from)))
}
