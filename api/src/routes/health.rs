//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_live).service(get_ready);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// Always `ok` in a 200 answer.
    #[schema(example = "ok", max_length = 16)]
    pub status: String,
}

fn ok() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: "ok".to_owned(),
    })
}

/// Whether the process is alive
///
/// Answers 200 as long as the process serves HTTP; it does not look at the database.
#[utoipa::path(
    tag = "health",
    operation_id = "get_live",
    responses((status = 200, description = "The process is alive.", body = HealthStatus)),
    security(())
)]
#[get("/live")]
async fn get_live() -> HttpResponse {
    ok()
}

/// Whether the service can serve requests
///
/// Answers 200 when the database answers, 503 otherwise.
#[utoipa::path(
    tag = "health",
    operation_id = "get_ready",
    responses(
        (status = 200, description = "The service and its database are ready.", body = HealthStatus),
        (status = 503, description = "The database cannot be reached.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/ready")]
async fn get_ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    web::block(move || db.ping())
        .await
        .map_err(ApiError::internal)?
        .map_err(|err| ApiError::Unavailable(err.to_string()))?;
    Ok(ok())
}
