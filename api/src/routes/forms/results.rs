//! A form's results: JSON, or CSV for spreadsheets.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use uuid::Uuid;

use super::response_dto::FormResults;
use crate::auth::Authenticated;
use crate::csv_export;
use crate::db;
use crate::error::ApiError;
use crate::services::forms as service;
use crate::state::AppState;

/// The CSV form of a form's results (`Accept: text/csv`): UTF-8 with a byte-order mark.
pub struct FormResultsCsv;

impl utoipa::PartialSchema for FormResultsCsv {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(10_000_000))
            .pattern(Some("^[\\s\\S]*$"))
            .description(Some(
                "optie,status,wachtlijstplek,voorkeur,kind,ouders/verzorgers,gereageerd op, then \
                 a column per question — one line per sign-up, then one per pupil without a response",
            ))
            .into()
    }
}

impl utoipa::ToSchema for FormResultsCsv {}

/// A form's results
///
/// For those who manage the form: per option who is placed, waiting (in order), pending or
/// unplaced, with the household's guardians and answers, and the pupils whose households have not
/// responded. JSON, or CSV with `Accept: text/csv` (UTF-8 with BOM, formulas neutralized).
#[utoipa::path(
    tag = "forms",
    operation_id = "get_form_results",
    params(("form_id" = String, Path, format = Uuid, max_length = 36, description = "The form.")),
    responses((status = 200, description = "The results.", content(
        (FormResults = "application/json"),
        (FormResultsCsv = "text/csv")
    ))),
    security(("bearer" = []))
)]
#[get("/forms/{form_id}/results")]
pub async fn get_form_results(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = path.into_inner().to_string();
    let results = db::run(&state.db, move |conn| {
        service::results(conn, &auth.0, &auth.audit(), &id)
    })
    .await?;
    if !csv_export::wants_csv(&req) {
        let phase = domain::forms::phase(results.form.opens_at, results.form.closes_at, now);
        return Ok(HttpResponse::Ok().json(FormResults::of(results, phase)));
    }
    let (header, rows) = service::csv_rows(&results);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let body = csv_export::document(&header, &rows)?;
    Ok(HttpResponse::Ok()
        .content_type(csv_export::CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"formulier.csv\"",
        ))
        .body(body))
}
