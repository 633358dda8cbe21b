//! The school's purposes and, per purpose, where its pupils stand.

use actix_web::{HttpResponse, get, patch, post, web};
use uuid::Uuid;

use super::dto::{
    ConsentPurpose, ConsentPurposeChanges, ConsentPurposeInput, PupilConsentStanding,
    StandingParams,
};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::Page;
use crate::services::consent as service;
use crate::state::AppState;

/// The school's consent purposes
///
/// For everyone at the school (staff and guardians): the purposes asked, each with its subject,
/// legal basis and whether it is asked again each school year; retired ones too (their history
/// stays). At most 50: one page.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_consent_purposes",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    responses((status = 200, description = "The purposes.", body = Page<ConsentPurpose>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/consent-purposes")]
pub async fn list_consent_purposes(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Page<ConsentPurpose>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let purposes = db::run(&state.db, move |conn| {
        service::purposes(conn, &auth.0, &auth.audit(), &school_id)
    })
    .await?;
    Ok(web::Json(Page {
        items: purposes.into_iter().map(ConsentPurpose::from).collect(),
        next_cursor: None,
    }))
}

/// Add a consent purpose
///
/// For the school admin: a purpose of the school's own (the defaults are there from the start).
#[utoipa::path(
    tag = "consent",
    operation_id = "create_consent_purpose",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = ConsentPurposeInput,
    responses((status = 201, description = "The purpose.", body = ConsentPurpose)),
    security(("bearer" = []))
)]
#[post("/schools/{school_id}/consent-purposes")]
pub async fn create_consent_purpose(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let school_id = path.into_inner().to_string();
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_manage_purposes(conn, &actor, &audit, &school)
    })
    .await?;
    let command = body.parse::<ConsentPurposeInput>().await?.command()?;
    let purpose = db::run(&state.db, move |conn| {
        service::create_purpose(conn, &auth.0, &auth.audit(), &school_id, &command, now)
    })
    .await?;
    let location = format!(
        "/api/v1/schools/{}/consent-purposes/{}",
        purpose.school_id, purpose.id
    );
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(ConsentPurpose::from(purpose)))
}

/// Change or retire a consent purpose
///
/// For the school admin. Retiring stops asking it; its decisions and history stay.
#[utoipa::path(
    tag = "consent",
    operation_id = "update_consent_purpose",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("purpose_id" = String, Path, format = Uuid, max_length = 36, description = "The purpose."),
    ),
    request_body = ConsentPurposeChanges,
    responses((status = 200, description = "The purpose as it is now.", body = ConsentPurpose)),
    security(("bearer" = []))
)]
#[patch("/schools/{school_id}/consent-purposes/{purpose_id}")]
pub async fn update_consent_purpose(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody,
) -> Result<web::Json<ConsentPurpose>, ApiError> {
    let now = state.clock.now();
    let (school_id, purpose_id) = path.into_inner();
    let (school_id, purpose_id) = (school_id.to_string(), purpose_id.to_string());
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_manage_purposes(conn, &actor, &audit, &school)
    })
    .await?;
    let changes = body.parse::<ConsentPurposeChanges>().await?.command()?;
    let purpose = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::update_purpose(conn, actor, &audit, &school_id, &purpose_id, &changes, now)
    })
    .await?;
    Ok(web::Json(purpose.into()))
}

/// Who may and may not, for one purpose
///
/// The school's current pupils and where each stands on a pupil purpose (who may appear in the
/// photos), by pupil: the school admin, director and care staff the whole school, a teacher their
/// groups (403 for a group not theirs). Only a `given` counts as yes.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_purpose_pupils",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school."),
        ("purpose_id" = String, Path, format = Uuid, max_length = 36, description = "The purpose."),
        StandingParams
    ),
    responses((status = 200, description = "A page of pupils.", body = Page<PupilConsentStanding>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/consent-purposes/{purpose_id}/pupils")]
pub async fn list_purpose_pupils(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    query: Query<StandingParams>,
) -> Result<web::Json<Page<PupilConsentStanding>>, ApiError> {
    let now = state.clock.now();
    let (school_id, purpose_id) = path.into_inner();
    let (school_id, purpose_id) = (school_id.to_string(), purpose_id.to_string());
    let limit = super::limit(query.0.limit)?;
    let params = query.0;
    let page = db::run(&state.db, move |conn| {
        service::purpose_standings(
            conn,
            &auth.0,
            &auth.audit(),
            &school_id,
            &purpose_id,
            params.group_id,
            params.allowed,
            now,
            params.cursor.map(|c| c.to_string()).as_deref(),
            limit,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, PupilConsentStanding::from)))
}
