//! A school's roster sync runs, for its admins and its board's admins: when, who, from where,
//! what it did, how long it took, and why it failed.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::policy::SchoolAction;
use domain::roster::Snapshot;
use domain::sync_hold;
use persistence::RepoError;
use persistence::schools::{self, SchoolRow};
use persistence::sync_runs::{self, SyncRunRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::{Page, PageParams};
use crate::routes::roster::KindCounts;
use crate::routes::roster::{answer, sync_and_audit};
use crate::routes::schools::school_for;
use crate::services::sync::{self, Input, Source, StartedBy};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_school_sync_runs)
        .service(create_sync_run_confirmation)
        .service(get_sync_settings)
        .service(set_sync_settings);
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
    /// `succeeded`; `failed` (it changed nothing); `held` (it would deactivate much of the
    /// school at once: nothing changed, it waits for an admin's confirmation); `confirmed` (a held
    /// run an admin confirmed, applied by the run after it); `superseded` (a held run a later sync
    /// made moot).
    #[schema(max_length = 16)]
    pub status: String,
    /// What the run did; for a held run, what it would do.
    pub counts: Option<RunCounts>,
    /// How many records were left out.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub rejected: u32,
    /// Why the run failed, or was held.
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

/// Confirm a held sync
///
/// Applies the roster of a sync that was held because it would deactivate much of the school at
/// once, as a new run, after an admin checked it. 409 when the run is not held (any more): it was
/// confirmed already, or a later sync superseded it. For the school's admins and its board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "create_sync_run_confirmation",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        ("run_id" = String, Path, format = Uuid, max_length = 36, description = "The held run's id."),
    ),
    responses(
        (status = 200, description = "Applied; the counts of the new run.", body = crate::routes::roster::SyncResult),
        (status = 409, description = "The run is not held (any more).", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/sync-runs/{run_id}/confirmation")]
async fn create_sync_run_confirmation(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (school_id, run_id) = path.into_inner();
    let (school_id, run_id) = (school_id.to_string(), run_id.to_string());
    let base_url = state.config.public_base_url.clone();
    let result = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        // One transaction from the school's sync lock on: no other sync can come between taking
        // the held run and applying it (an older roster never overwrites a newer one).
        persistence::transaction(conn, |conn| {
            schools::lock_for_sync(conn, school.id())?;
            let (held, snapshot) = match sync_runs::take_held(conn, &school, &run_id) {
                Ok(found) => found,
                Err(RepoError::NotFound) if sync_runs::exists_unheld(conn, &school, &run_id)? => {
                    return Err(ApiError::Conflict(
                        "This sync is not waiting for confirmation: it was confirmed already, or \
                         a later sync superseded it."
                            .to_owned(),
                    ));
                }
                Err(err) => return Err(err.into()),
            };
            let snapshot: Snapshot = serde_json::from_str(&snapshot).map_err(ApiError::internal)?;
            let by = StartedBy {
                client_id: None,
                account_id: Some(auth.0.account_id.to_string()),
            };
            // A stored source this version does not know is an error, not a guess.
            let source = Source::parse(&held.source)
                .ok_or_else(|| ApiError::internal(format!("sync source {:?}", held.source)))?;
            let row = school.row().clone();
            let input = Input::Snapshot(snapshot);
            let request = sync::Request {
                school: &row,
                base_url: &base_url,
                source,
                by: &by,
                force: true,
            };
            Ok(sync_and_audit(conn, request, input)?)
        })
    })
    .await?;
    state.callers.clear();
    Ok(answer(result))
}

/// A school's roster sync settings.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// A sync that would deactivate more than this share (percent) of the school's current pupils
    /// (and more than two), or every school admin, is held until an admin confirms it. Default 25.
    #[schema(minimum = 1, maximum = 100)]
    #[validate(range(min = 1, max = 100))]
    #[serde(deserialize_with = "crate::routes::fields::whole_number")]
    pub hold_deactivation_percent: i32,
}

/// Read the roster sync settings
///
/// For the school's admins and its board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "get_sync_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 200, description = "The settings.", body = SyncSettings)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/sync-settings")]
async fn get_sync_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<SyncSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let school = db::run(&state.db, move |conn| {
        school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)
    })
    .await?;
    Ok(web::Json(settings_of(school.row())))
}

fn settings_of(school: &SchoolRow) -> SyncSettings {
    SyncSettings {
        hold_deactivation_percent: school.sync_hold_percent,
    }
}

/// Set the roster sync settings
///
/// For the school's admins and its board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "set_sync_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    request_body = SyncSettings,
    responses((status = 200, description = "Saved.", body = SyncSettings)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/sync-settings")]
async fn set_sync_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<SyncSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (checker, school) = (auth.clone(), school_id.clone());
    db::run(&state.db, move |conn| {
        school_for(conn, &checker, &school, SchoolAction::ManageRoster).map(drop)
    })
    .await?;
    let body: SyncSettings = body.parse().await?;
    let percent =
        sync_hold::valid_percent(i64::from(body.hold_deactivation_percent)).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "hold_deactivation_percent",
                "range",
                "must be 1 to 100",
            )])
        })?;
    db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        schools::set_sync_hold_percent(conn, &school, percent)?;
        let object = Object {
            kind: "school",
            id: Some(&school_id),
            school_id: Some(&school_id),
        };
        auth.audit()
            .record(conn, "set_sync_settings", object, "ok")?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(web::Json(SyncSettings {
        hold_deactivation_percent: i32::from(percent),
    }))
}
