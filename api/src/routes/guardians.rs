//! One guardian, for the school staff who work with their children and for the guardian themselves.

use actix_web::{HttpResponse, delete, get, web};
use domain::policy::SchoolAction;
use persistence::ids::uuid;
use persistence::{guardians, pupils, schools};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::routes::people::{Contact, Guardian, GuardianChild};
use crate::routes::schools::school_ref;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_guardian).service(delete_guardian);
}

/// Get a guardian
///
/// With contact details and children. Other guardians (also of the same child) are 404.
#[utoipa::path(
    tag = "guardians",
    operation_id = "get_guardian",
    params(("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian's id.")),
    responses((status = 200, description = "The guardian.", body = Guardian)),
    security(("bearer" = []))
)]
#[get("/guardians/{guardian_id}")]
async fn get_guardian(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<web::Json<Guardian>, ApiError> {
    let guardian_id = path.into_inner().to_string();
    let guardian = db::run(&state.db, move |conn| {
        let actor = &auth.0;
        let row = guardians::find(conn, &actor.guardian_scope(), &guardian_id)?;
        let school = schools::find_visible(conn, &actor.school_scope(), &row.school_id)?;
        let object = Object {
            kind: "guardian",
            id: Some(&row.id),
            school_id: Some(&row.school_id),
        };
        if !actor.may_read_contact_of(uuid(&row.id), school_ref(school.row())) {
            return Err(auth.audit().forbidden(conn, "read_guardian", object));
        }
        auth.audit().read(conn, object)?;
        // Only the children the caller may see: a teacher does not learn of siblings elsewhere.
        let links = guardians::links_of(conn, &row)?;
        let ids: Vec<String> = links.iter().map(|l| l.pupil_id.clone()).collect();
        let visible: Vec<String> = pupils::find_many(conn, &actor.pupil_scope(), &ids)?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let children = links
            .into_iter()
            .filter(|link| visible.contains(&link.pupil_id))
            .map(|link| GuardianChild {
                pupil_id: link.pupil_id,
                relationship: link.relationship,
                parental_authority: link.parental_authority,
            })
            .collect();
        Ok(Guardian {
            contact: Some(Contact {
                email: row.email,
                phone: row.phone,
            }),
            id: row.id,
            school_id: row.school_id,
            first_name: row.first_name,
            name_prefix: row.name_prefix,
            last_name: row.last_name,
            children,
        })
    })
    .await?;
    Ok(web::Json(guardian))
}

/// Remove a guardian
///
/// Ends the guardian's record and its access in the portal (the LAS stays leading). For the
/// school's admins only; teachers cannot (seed 003).
#[utoipa::path(
    tag = "guardians",
    operation_id = "delete_guardian",
    params(("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian's id.")),
    responses((status = 204, description = "Removed.")),
    security(("bearer" = []))
)]
#[delete("/guardians/{guardian_id}")]
async fn delete_guardian(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let guardian_id = path.into_inner().to_string();
    db::run(&state.db, move |conn| {
        let actor = &auth.0;
        let row = guardians::find(conn, &actor.guardian_scope(), &guardian_id)?;
        let school = schools::find_visible(conn, &actor.school_scope(), &row.school_id)?;
        let object = Object {
            kind: "guardian",
            id: Some(&row.id),
            school_id: Some(&row.school_id),
        };
        if !actor.may(SchoolAction::DeletePeople, school_ref(school.row())) {
            return Err(auth.audit().forbidden(conn, "delete", object));
        }
        guardians::deactivate(conn, &row)?;
        auth.audit().record(conn, "delete", object, "ok")?;
        Ok(())
    })
    .await?;
    state.callers.clear();
    Ok(HttpResponse::NoContent().finish())
}
