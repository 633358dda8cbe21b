//! The access export (AVG art. 15): a guardian requests it, polls the job and downloads the
//! document. Only the job's own account sees it.

mod dto;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub use dto::{DataExport, DataExportDocument, DataExportState, DownloadFormat, DownloadParams};

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::idempotency::{IdempotencyKey, replay};
use crate::services::export::{self as service, Requested, archive};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_data_export)
        .service(get_data_export)
        .service(download_data_export);
}

/// Request an export of my data
///
/// For a signed-in guardian (403 otherwise): everything the portal holds about them and their
/// children (AVG art. 15), collected in the background. Answers 202 with the job; poll it until
/// `done`. One at a time: 409 while one is queued or running. With `Idempotency-Key`, a retried
/// request gets the first answer.
#[utoipa::path(
    tag = "privacy",
    operation_id = "create_data_export",
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per request and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`). Kept for 24 hours."),
    ),
    responses((status = 202, description = "The export job, queued.", body = DataExport,
        headers(("Location" = String, description = "The job.")))),
    security(("bearer" = []))
)]
#[post("/me/exports")]
async fn create_data_export(
    auth: Authenticated,
    state: web::Data<AppState>,
    key: IdempotencyKey,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let claim = key.claim(&auth.0.account_id.to_string(), &serde_json::Value::Null);
    let requested = db::run(&state.db, move |conn| {
        let answer = |job: &_| serde_json::to_value(DataExport::of(job, now)).unwrap_or_default();
        service::request(conn, &auth.0, &auth.audit(), claim.as_ref(), now, answer)
    })
    .await?;
    Ok(match requested {
        Requested::New(job) => HttpResponse::Accepted()
            .insert_header((header::LOCATION, format!("/api/v1/me/exports/{}", job.id)))
            .json(DataExport::of(&job, now)),
        Requested::Replayed(answer) => replay(answer),
    })
}

/// An export of my data
///
/// The caller's own job (404 for anyone else's): its state, progress and, when done, the
/// download link until it expires.
#[utoipa::path(
    tag = "privacy",
    operation_id = "get_data_export",
    params(("export_id" = String, Path, format = Uuid, max_length = 36, description = "The export job.")),
    responses((status = 200, description = "The job.", body = DataExport)),
    security(("bearer" = []))
)]
#[get("/me/exports/{export_id}")]
async fn get_data_export(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<DataExport>, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let job = db::run(&state.db, move |conn| service::job(conn, &auth.0, &id)).await?;
    Ok(web::Json(DataExport::of(&job, now)))
}

/// Download an export of my data
///
/// The caller's finished export as a JSON attachment, or with `?format=zip` a ZIP holding
/// `export.json` and `overzicht.txt` (a summary in Dutch). 409 while it is not done; 404 for
/// anyone else's and once it expired (kept for 7 days).
#[utoipa::path(
    tag = "privacy",
    operation_id = "download_data_export",
    params(
        ("export_id" = String, Path, format = Uuid, max_length = 36, description = "The export job."),
        DownloadParams,
    ),
    responses((status = 200, description = "The document.", content(
        (DataExportDocument = "application/json"),
        (dto::DataExportZip = "application/zip")
    ))),
    security(("bearer" = []))
)]
#[get("/me/exports/{export_id}/download")]
async fn download_data_export(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<DownloadParams>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let document = db::run(&state.db, move |conn| {
        service::download(conn, &auth.0, &auth.audit(), &id, now)
    })
    .await?;
    let day = now.format("%Y-%m-%d");
    let (body, kind, name) = match query.0.format.unwrap_or_default() {
        DownloadFormat::Json => (document.into_bytes(), "application/json", "json"),
        DownloadFormat::Zip => {
            let zipped = web::block(move || archive::zip(&document))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?;
            (zipped, "application/zip", "zip")
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(kind)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"ouderportaal-inzage-{day}.{name}\""),
        ))
        .body(body))
}
