//! Inviting guardians and staff: the school's admins send the activation link.

use actix_web::{HttpResponse, post, web};
use domain::policy::SchoolAction;
use persistence::schools::VisibleSchool;
use persistence::{AnyConnection, guardians, schools, staff, transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::accounts::{Invitee, invite};
use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::routes::schools::school_ref;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_guardian_invitation)
        .service(create_staff_invitation);
}

/// The outcome of an invitation: always the same, whether or not the address has an account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    /// `link_sent`: a link went to the address the school holds for this person: to choose a
    /// password, or, if they have an account already, to confirm that this record is theirs. The
    /// record reaches their account only when they use it.
    pub status: InvitationStatus,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    LinkSent,
}

fn answer() -> HttpResponse {
    HttpResponse::Accepted().json(Invitation {
        status: InvitationStatus::LinkSent,
    })
}

/// Checks the policy, sends the invitation in one transaction and records it.
fn send(
    conn: &mut AnyConnection,
    auth: &Authenticated,
    object: Object<'_>,
    school: &VisibleSchool,
    email: Option<&str>,
    invitee: Invitee<'_>,
    base_url: &str,
) -> Result<(), ApiError> {
    if !auth
        .0
        .may(SchoolAction::InvitePeople, school_ref(school.row()))
    {
        return Err(auth.audit().forbidden(conn, "invite", object));
    }
    let email = email.ok_or_else(|| {
        ApiError::Conflict(
            "The school holds no e-mail address for this person; add it in the LAS first."
                .to_owned(),
        )
    })?;
    transaction(conn, |conn| {
        invite(conn, invitee, email, &school.row().name, base_url)
    })?;
    auth.audit().record(conn, "invite", object, "ok")?;
    Ok(())
}

/// Invite a guardian
///
/// Sends the guardian a single-use link (valid 7 days) at the e-mail address the school holds for
/// this guardian: to choose a password, or, when that address has an account already, to confirm
/// that this record is theirs. The record joins an account only when the link is used. The answer
/// is the same either way. For the school's admins.
#[utoipa::path(
    tag = "guardians",
    operation_id = "create_guardian_invitation",
    params(("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian's id.")),
    responses(
        (status = 202, description = "Invited.", body = Invitation),
        (status = 409, description = "The school holds no e-mail address for this guardian.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/guardians/{guardian_id}/invitations")]
async fn create_guardian_invitation(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let guardian_id = path.into_inner().to_string();
    let base_url = state.config.public_base_url.clone();
    db::run(&state.db, move |conn| {
        let actor = &auth.0;
        let guardian = guardians::find(conn, &actor.guardian_scope(), &guardian_id)?;
        let school = schools::find_visible(conn, &actor.school_scope(), &guardian.school_id)?;
        let object = Object {
            kind: "guardian",
            id: Some(&guardian.id),
            school_id: Some(&guardian.school_id),
        };
        let invitee = Invitee::Guardian { id: &guardian.id };
        send(
            conn,
            &auth,
            object,
            &school,
            guardian.email.as_deref(),
            invitee,
            &base_url,
        )
    })
    .await?;
    Ok(answer())
}

/// Invite a staff member
///
/// Sends the staff member a single-use link (valid 7 days) at the e-mail address the school holds
/// for them: to choose a password, or, when that address has an account already, to confirm that
/// this record is theirs. The answer is the same either way. For the school's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "create_staff_invitation",
    params(("staff_id" = String, Path, format = Uuid, max_length = 36, description = "The staff member's id.")),
    responses(
        (status = 202, description = "Invited.", body = Invitation),
        (status = 409, description = "The school holds no e-mail address for this person.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/staff/{staff_id}/invitations")]
async fn create_staff_invitation(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let staff_id = path.into_inner().to_string();
    let base_url = state.config.public_base_url.clone();
    db::run(&state.db, move |conn| {
        let actor = &auth.0;
        let (member, school) = staff::find_visible(conn, &actor.school_scope(), &staff_id)?;
        let object = Object {
            kind: "staff",
            id: Some(&member.id),
            school_id: Some(&member.school_id),
        };
        let invitee = Invitee::Staff { id: &member.id };
        send(
            conn,
            &auth,
            object,
            &school,
            member.email.as_deref(),
            invitee,
            &base_url,
        )
    })
    .await?;
    Ok(answer())
}
