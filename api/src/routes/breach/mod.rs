//! Breach reports: an admin asks the school's audit log whose data was read or changed in a
//! window and by whom. The caller is authorized from the path and the token before the body is
//! read.

mod dto;

use actix_web::{post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use dto::{BreachReport, BreachReportInput};

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::services::breach as service;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_breach_report);
}

/// Report on a possible data breach
///
/// Whose personal data was read or changed in a window, and by whom, from the school's audit log:
/// totals, the objects touched with the accounts and clients that touched them, and per account
/// or client what it touched. For assessing a data breach, which is reported to the Autoriteit
/// Persoonsgegevens within 72 hours (seed 002 §4; AVG art. 33). For the school's admins and its
/// board's admins; running a report is recorded in the audit log (without what was asked).
/// Nothing is stored: the same question asked again is answered again.
#[utoipa::path(
    tag = "privacy",
    operation_id = "create_breach_report",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = BreachReportInput,
    responses((status = 200, description = "The report.", body = BreachReport)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/breach-reports")]
async fn create_breach_report(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<BreachReport>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_report(conn, &actor, &audit, &school).map(|_| ())
    })
    .await?;
    let ask = body.parse::<BreachReportInput>().await?.ask()?;
    // This instance's reads queued for the batch writer are in the log before it is read.
    state.audit.flush().await;
    let (question, school) = (ask.clone(), school_id.clone());
    let rows = db::run(&state.db, move |conn| {
        service::report(conn, &auth.0, &auth.audit(), &school, &question)
    })
    .await?;
    Ok(web::Json(BreachReport::of(school_id, &ask, rows)))
}
