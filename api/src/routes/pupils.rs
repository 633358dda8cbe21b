//! Pupils: a school's list for its staff, and one pupil for anyone whose scope reaches it.

use actix_web::{HttpResponse, delete, get, web};
use domain::policy::SchoolAction;
use persistence::ids::uuid;
use persistence::{RepoError, pupil_card, pupils, roster_generation, schools};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::{Page, PageParams};
use crate::routes::people::{GroupRef, Pupil, PupilGuardian, PupilSummary};
use crate::routes::schools::{school_for, school_ref};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_school_pupils)
        .service(get_pupil)
        .service(delete_pupil);
}

/// List a school's pupils
///
/// The school's current pupils: all of them for admins, directors, care staff, lunch supervisors
/// and board admins; their groups' pupils for teachers. Guardians get 403.
#[utoipa::path(
    tag = "pupils",
    operation_id = "list_school_pupils",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        PageParams
    ),
    responses((status = 200, description = "A page of pupils.", body = Page<PupilSummary>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/pupils")]
async fn list_school_pupils(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<PupilSummary>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let page = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ListPupils)?;
        let scope = auth.0.pupil_scope();
        let page = pupils::list_at(conn, &scope, &school, cursor.as_deref(), limit)?;
        let object = Object {
            kind: "pupil_list",
            id: Some(school.id()),
            school_id: Some(school.id()),
        };
        auth.audit().read(conn, object)?;
        Ok::<_, ApiError>(page)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, |row| {
        PupilSummary::from(&row)
    })))
}

/// Get a pupil
///
/// The pupil with groups and guardians. Guardians see their own child and, of its guardians, only
/// themselves; a pupil the caller has no relation with is 404.
#[utoipa::path(
    tag = "pupils",
    operation_id = "get_pupil",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil's id.")),
    responses((status = 200, description = "The pupil.", body = Pupil)),
    security(("bearer" = []))
)]
#[get("/pupils/{pupil_id}")]
async fn get_pupil(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<web::Json<Pupil>, ApiError> {
    let pupil_id = path.into_inner().to_string();
    let cards = std::sync::Arc::clone(&state.cards);
    let pupil = db::run(&state.db, move |conn| {
        let actor = &auth.0;
        let pupils_scope = actor.pupil_scope();
        if pupils_scope.is_empty() {
            return Err(RepoError::NotFound.into());
        }
        // The generation first: a card loaded after it is kept for it (see `roster_cache`).
        let generation = roster_generation::current(conn)?;
        let card = cards
            .get_or_load(generation, &pupil_id, || pupil_card::load(conn, &pupil_id))?
            .scoped(&pupils_scope, &actor.guardian_scope())?;
        let row = card.pupil;
        let object = Object {
            kind: "pupil",
            id: Some(&row.id),
            school_id: Some(&row.school_id),
        };
        auth.audit().read(conn, object)?;
        let school = card.place.school();
        let guardians = card
            .guardians
            .iter()
            .map(|(guardian, link)| {
                let with_contact = actor.may_read_contact_of(uuid(&guardian.id), school);
                PupilGuardian::from_card(guardian, link, with_contact)
            })
            .collect();
        Ok::<_, ApiError>(Pupil {
            groups: card
                .groups
                .into_iter()
                .map(|g| GroupRef {
                    id: g.id,
                    name: g.name,
                })
                .collect(),
            guardians,
            id: row.id,
            school_id: row.school_id,
            first_name: row.first_name,
            name_prefix: row.name_prefix,
            last_name: row.last_name,
            date_of_birth: row.date_of_birth,
            parents_separated: row.parents_separated,
        })
    })
    .await?;
    Ok(web::Json(pupil))
}

/// Remove a pupil
///
/// Deregisters the pupil in the portal (the LAS stays leading: a pupil the LAS still lists comes
/// back at the next sync). For the school's admins only; teachers cannot (seed 003).
#[utoipa::path(
    tag = "pupils",
    operation_id = "delete_pupil",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil's id.")),
    responses((status = 204, description = "Removed.")),
    security(("bearer" = []))
)]
#[delete("/pupils/{pupil_id}")]
async fn delete_pupil(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let pupil_id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        let actor = &auth.0;
        let row = pupils::find(conn, &actor.pupil_scope(), &pupil_id)?;
        let school = schools::find_visible(conn, &actor.school_scope(), &row.school_id)?;
        let object = Object {
            kind: "pupil",
            id: Some(&row.id),
            school_id: Some(&row.school_id),
        };
        if !actor.may(SchoolAction::DeletePeople, school_ref(school.row())) {
            return Err(auth.audit().forbidden(conn, "delete", object));
        }
        pupils::deactivate(conn, &row, chrono::Utc::now().date_naive())?;
        auth.audit().record(conn, "delete", object, "ok")?;
        Ok(())
    })
    .await?;
    state.callers.clear();
    Ok(HttpResponse::NoContent().finish())
}
