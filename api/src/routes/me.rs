//! The signed-in person: who they are to the portal.

use std::sync::Arc;

use actix_web::{HttpResponse, get, web};
use persistence::{accounts, pupils};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::routes::fields::Role;
use crate::routes::people::PupilSummary;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me);
}

/// The caller's account, roles and children.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    #[schema(format = Uuid, max_length = 36)]
    pub account_id: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    pub platform_operator: bool,
    /// Boards the caller administers.
    #[schema(max_items = 100)]
    pub board_admin_of: Vec<uuid::Uuid>,
    /// Schools the caller works at, with roles.
    #[schema(max_items = 100)]
    pub staff: Vec<MyStaffRole>,
    /// The caller's children, at any school.
    #[schema(max_items = 100)]
    pub children: Vec<MyChild>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MyStaffRole {
    pub school_id: uuid::Uuid,
    #[schema(max_items = 5)]
    pub roles: Vec<Role>,
    /// Groups a teacher is linked to.
    #[schema(max_items = 100)]
    pub group_ids: Vec<uuid::Uuid>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MyChild {
    #[serde(flatten)]
    pub pupil: PupilSummary,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    /// Whether the caller holds parental authority (gezag) over this child.
    pub parental_authority: bool,
}

/// Get the signed-in person
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    responses((status = 200, description = "The caller.", body = Me)),
    security(("bearer" = []))
)]
#[get("/me")]
async fn get_me(auth: Authenticated, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let session = auth.2;
    // Apps ask this at every start: the answer is kept with the cached caller (its session is
    // still checked on every request).
    if let Some(me) = state.callers.me(session) {
        return Ok(json(&me));
    }
    let actor = auth.0;
    let me = db::run(&state.db, move |conn| {
        let account = accounts::find_active(conn, &actor.account_id.to_string())?;
        let ids: Vec<String> = actor.children().map(|c| c.pupil_id.to_string()).collect();
        let children = pupils::find_many(conn, &actor.pupil_scope(), &ids)?
            .iter()
            .map(|row| MyChild {
                pupil: PupilSummary::from(row),
                school_id: row.school_id.clone(),
                parental_authority: actor
                    .children()
                    .any(|c| c.pupil_id.to_string() == row.id && c.parental_authority),
            })
            .collect();
        Ok::<_, ApiError>(Me {
            account_id: account.id,
            email: account.email,
            platform_operator: actor.platform_operator,
            board_admin_of: actor.board_admin_of.clone(),
            staff: actor
                .staff
                .iter()
                .map(|m| MyStaffRole {
                    school_id: m.school_id,
                    roles: m.roles.iter().copied().map(Role::from).collect(),
                    group_ids: m.groups.clone(),
                })
                .collect(),
            children,
        })
    })
    .await?;
    let me = Arc::new(serde_json::to_string(&me).map_err(ApiError::internal)?);
    state.callers.keep_me(session, Arc::clone(&me));
    Ok(json(&me))
}

fn json(body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body.to_owned())
}
