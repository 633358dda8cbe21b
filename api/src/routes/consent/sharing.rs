//! Medical notes (written by guardians; read by the group's teacher and care staff, and by lunch
//! supervisors and other parents only with consent) and the group's contact list.

use actix_web::{HttpResponse, delete, get, put, web};
use uuid::Uuid;

use super::dto::{GroupContact, MedicalNote, MedicalNoteInput};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::{Page, PageParams};
use crate::services::consent as service;
use crate::state::AppState;

/// A pupil's medical note
///
/// For the pupil's guardians, the teacher of the pupil's group and care staff; for lunch
/// supervisors only when a guardian consented. 404 when there is none or it is not the caller's
/// to read; 403 for the director and school admin.
#[utoipa::path(
    tag = "consent",
    operation_id = "get_medical_note",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil.")),
    responses((status = 200, description = "The note.", body = MedicalNote)),
    security(("bearer" = []))
)]
#[get("/pupils/{pupil_id}/medical-note")]
pub async fn get_medical_note(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<MedicalNote>, ApiError> {
    let now = state.clock.now();
    let pupil_id = path.into_inner().to_string();
    let note = db::run(&state.db, move |conn| {
        service::medical_note(conn, &auth.0, &auth.audit(), &pupil_id, now)
    })
    .await?;
    Ok(web::Json(note.into()))
}

/// Write a pupil's medical note
///
/// For a guardian with parental authority: allergies, medication, what to do. Replaces the note.
#[utoipa::path(
    tag = "consent",
    operation_id = "set_medical_note",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil.")),
    request_body = MedicalNoteInput,
    responses((status = 200, description = "The note.", body = MedicalNote)),
    security(("bearer" = []))
)]
#[put("/pupils/{pupil_id}/medical-note")]
pub async fn set_medical_note(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<MedicalNote>, ApiError> {
    let now = state.clock.now();
    let pupil_id = path.into_inner().to_string();
    let (actor, audit, pupil) = (auth.0.clone(), auth.audit(), pupil_id.clone());
    db::run(&state.db, move |conn| {
        service::may_write_medical_note(conn, &actor, &audit, &pupil).map(drop)
    })
    .await?;
    let input: MedicalNoteInput = body.parse().await?;
    let note = db::run(&state.db, move |conn| {
        service::set_medical_note(conn, &auth.0, &auth.audit(), &pupil_id, &input.note, now)
    })
    .await?;
    Ok(web::Json(note.into()))
}

/// Remove a pupil's medical note
///
/// For a guardian with parental authority; 404 when there is none.
#[utoipa::path(
    tag = "consent",
    operation_id = "delete_medical_note",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil.")),
    responses((status = 204, description = "Removed.")),
    security(("bearer" = []))
)]
#[delete("/pupils/{pupil_id}/medical-note")]
pub async fn delete_medical_note(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pupil_id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        service::delete_medical_note(conn, &auth.0, &auth.audit(), &pupil_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A group's medical notes
///
/// The notes of the group's current pupils the caller may read: all of them for the group's
/// teacher and care staff; for lunch supervisors and the group's parents those a guardian
/// consented to share with them (and a parent's own children's). 403 for other staff.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_group_medical_notes",
    params(("group_id" = String, Path, format = Uuid, max_length = 36, description = "The group."), PageParams),
    responses((status = 200, description = "A page of notes.", body = Page<MedicalNote>)),
    security(("bearer" = []))
)]
#[get("/groups/{group_id}/medical-notes")]
pub async fn list_group_medical_notes(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<MedicalNote>>, ApiError> {
    let now = state.clock.now();
    let group_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::group_medical_notes(
            conn,
            actor,
            &audit,
            &group_id,
            now,
            cursor.as_deref(),
            limit,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, MedicalNote::from)))
}

/// A group's contact list
///
/// The guardians of the group's current pupils who shared their contact details with the group,
/// and only they: for the group's parents, its teacher, the school admin, director and care staff.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_group_contacts",
    params(("group_id" = String, Path, format = Uuid, max_length = 36, description = "The group."), PageParams),
    responses((status = 200, description = "A page of contacts.", body = Page<GroupContact>)),
    security(("bearer" = []))
)]
#[get("/groups/{group_id}/contacts")]
pub async fn list_group_contacts(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<GroupContact>>, ApiError> {
    let now = state.clock.now();
    let group_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::group_contacts(
            conn,
            actor,
            &audit,
            &group_id,
            now,
            cursor.as_deref(),
            limit,
        )
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, GroupContact::from)))
}
