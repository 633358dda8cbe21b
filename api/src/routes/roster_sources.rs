//! Where a school's LAS publishes its EDEXML file for the nightly fetch (02:00 Amsterdam time),
//! and asking for a fetch now. For the school's admins and its board's admins.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::policy::SchoolAction;
use domain::schedule::next_nightly_fetch_naive;
use persistence::ids::now;
use persistence::roster_sources::{self, RosterSourceRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::JsonBody;
use crate::roster_fetch::fetchable;
use crate::routes::schools::school_for;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_roster_source)
        .service(set_roster_source)
        .service(delete_roster_source)
        .service(fetch_roster_now);
}

/// The URL the LAS publishes the school's EDEXML file at.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterSourceInput {
    /// An `https://` URL on the public internet (plain `http://` and private networks only where
    /// the operator allows them). A token in the query string is kept as given; it is never
    /// written to the logs.
    #[schema(
        format = "uri",
        min_length = 8,
        max_length = 2000,
        example = "https://las.example.nl/export/edexml/99ZZ.xml"
    )]
    #[validate(length(min = 8, max = 2000))]
    pub url: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RosterSource {
    #[schema(format = "uri", max_length = 2000)]
    pub url: String,
    /// When the next fetch is due.
    pub next_fetch_at: DateTime<Utc>,
}

impl From<RosterSourceRow> for RosterSource {
    fn from(row: RosterSourceRow) -> Self {
        RosterSource {
            url: row.url,
            next_fetch_at: row.next_fetch_at.and_utc(),
        }
    }
}

fn checked_url(raw: &str, private_networks: bool) -> Result<String, ApiError> {
    let refuse =
        |message: &str| ApiError::Validation(vec![FieldError::new("url", "invalid_url", message)]);
    let url = reqwest::Url::parse(raw.trim()).map_err(|_| refuse("is not a URL"))?;
    fetchable(&url, private_networks).map_err(refuse)?;
    Ok(url.to_string())
}

fn object(school_id: &str) -> Object<'_> {
    Object {
        kind: "roster_source",
        id: Some(school_id),
        school_id: Some(school_id),
    }
}

/// Read a school's roster source
#[utoipa::path(
    tag = "schools",
    operation_id = "get_roster_source",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 200, description = "The configured source.", body = RosterSource)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/roster-source")]
async fn get_roster_source(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<RosterSource>, ApiError> {
    let school_id = path.into_inner().to_string();
    let row = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        roster_sources::find(conn, &school)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(web::Json(row.into()))
}

/// Set a school's roster source
///
/// The LAS's EDEXML export is fetched from this URL every night at 02:00 Amsterdam time and
/// synced (see `import_school_edexml` for what a sync does); each fetch is recorded among the sync
/// runs.
#[utoipa::path(
    tag = "schools",
    operation_id = "set_roster_source",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    request_body = RosterSourceInput,
    responses((status = 200, description = "Saved; the next fetch is tonight.", body = RosterSource)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/roster-source")]
async fn set_roster_source(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<RosterSource>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (checker, school) = (auth.clone(), school_id.clone());
    db::run(&state.db, move |conn| {
        school_for(conn, &checker, &school, SchoolAction::ManageRoster).map(drop)
    })
    .await?;
    let input: RosterSourceInput = body.parse().await?;
    let url = checked_url(&input.url, state.config.roster_fetch_private_networks)?;
    let row = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        let row = roster_sources::set(conn, &school, &url, next_nightly_fetch_naive(now()))?;
        auth.audit()
            .record(conn, "set_roster_source", object(&school_id), "ok")?;
        Ok::<_, ApiError>(row)
    })
    .await?;
    Ok(web::Json(row.into()))
}

/// Remove a school's roster source
///
/// Stops the nightly fetch.
#[utoipa::path(
    tag = "schools",
    operation_id = "delete_roster_source",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 204, description = "Removed.")),
    security(("bearer" = []))
)]
#[delete("/schools/{school_id}/roster-source")]
async fn delete_roster_source(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let school_id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        if !roster_sources::remove(conn, &school)? {
            return Err(ApiError::NotFound);
        }
        auth.audit()
            .record(conn, "delete_roster_source", object(&school_id), "ok")?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Fetch a school's roster now
///
/// Makes the fetch due at once instead of tonight (e.g. after the LAS was fixed). The fetch runs
/// in the background within a minute; its result appears among the sync runs.
#[utoipa::path(
    tag = "schools",
    operation_id = "fetch_roster_now",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 202, description = "The fetch is due now.", body = RosterSource)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/roster-source/fetch")]
async fn fetch_roster_now(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let school_id = path.into_inner().to_string();
    let row = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageRoster)?;
        let current = roster_sources::find(conn, &school)?.ok_or(ApiError::NotFound)?;
        let row = roster_sources::set(conn, &school, &current.url, now())?;
        auth.audit()
            .record(conn, "fetch_roster_now", object(&school_id), "ok")?;
        Ok::<_, ApiError>(row)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(RosterSource::from(row)))
}
