//! A school's staff. Guardians see names and roles; contact details are for colleagues only.

use actix_web::{get, web};
use domain::policy::SchoolAction;
use persistence::staff;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::pagination::{Page, PageParams};
use crate::routes::people::StaffMember;
use crate::routes::schools::{school_for, school_ref};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_school_staff);
}

/// List a school's staff
///
/// Names and roles for everyone at the school; e-mail and phone only for staff and board admins
/// (never for guardians).
#[utoipa::path(
    tag = "schools",
    operation_id = "list_school_staff",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        PageParams
    ),
    responses((status = 200, description = "A page of staff members.", body = Page<StaffMember>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/staff")]
async fn list_school_staff(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<StaffMember>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor;
    let (page, with_contact) = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ListStaff)?;
        let with_contact = auth
            .0
            .may(SchoolAction::ReadStaffContacts, school_ref(school.row()));
        let page = staff::list_at(conn, &school, cursor.as_deref(), limit)?;
        let object = Object {
            kind: "staff_list",
            id: Some(school.id()),
            school_id: Some(school.id()),
        };
        auth.audit().read(conn, object)?;
        Ok::<_, ApiError>((page, with_contact))
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, |(row, roles)| {
        StaffMember::new(row, &roles, with_contact)
    })))
}
