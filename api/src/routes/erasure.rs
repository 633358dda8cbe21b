//! Erasure (AVG art. 17): a school's admin removes a pupil's or a guardian's data from every
//! module at once. Unlike `DELETE` (deregistration, the record kept for the retention period),
//! nothing of the person stays but the audit log's ids.

use actix_web::{HttpResponse, post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::services::erasure as service;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(erase_pupil).service(erase_guardian);
}

/// Erase a pupil
///
/// For the school's admins only (seed 003): the pupil, current or former, and their data in every
/// module go in one transaction (absences, leave, bookings, sign-ups with the waiting list moving
/// up, consents, the medical note, change requests); the audit log keeps its events (ids only, six
/// months). The LAS stays leading: erase after the LAS removed the pupil, or the next sync brings
/// them back as a new record.
#[utoipa::path(
    tag = "pupils",
    operation_id = "erase_pupil",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil.")),
    responses((status = 204, description = "Erased.")),
    security(("bearer" = []))
)]
#[post("/pupils/{pupil_id}/erasure")]
async fn erase_pupil(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let pupil_id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::erase_pupil(conn, &auth.0, &auth.audit(), &pupil_id, now)
    })
    .await?;
    state.callers.clear();
    Ok(HttpResponse::NoContent().finish())
}

/// Erase a guardian
///
/// For the school's admins only (seed 003): the guardian, active or not, and their data in every
/// module (their consents, comments, read receipts, change requests; the responses of households
/// they were the last member of), and their account when it has no other role. Their decisions
/// for a child stay without their name. The LAS stays leading, as for a pupil.
#[utoipa::path(
    tag = "guardians",
    operation_id = "erase_guardian",
    params(("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian.")),
    responses((status = 204, description = "Erased.")),
    security(("bearer" = []))
)]
#[post("/guardians/{guardian_id}/erasure")]
async fn erase_guardian(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let guardian_id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::erase_guardian(conn, &auth.0, &auth.audit(), &guardian_id, now)
    })
    .await?;
    state.callers.clear();
    Ok(HttpResponse::NoContent().finish())
}
