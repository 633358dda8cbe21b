//! A school's module switches (seed 004): which modules are on, for which audiences.

use actix_web::{get, put, web};
use domain::modules::{Audience, Module, ModuleSettings};
use domain::policy::SchoolAction;
use domain::roles::StaffRole;
use persistence::ids::uuid;
use persistence::{modules, transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::routes::schools::school_for;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_school_modules)
        .service(update_school_modules);
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ModuleName {
    News,
    Absence,
    Planner,
    Forms,
    ChangeRequests,
    Consent,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AudienceName {
    Guardian,
    SchoolAdmin,
    Director,
    Teacher,
    CareStaff,
    LunchSupervisor,
}

impl From<ModuleName> for Module {
    fn from(name: ModuleName) -> Self {
        match name {
            ModuleName::News => Module::News,
            ModuleName::Absence => Module::Absence,
            ModuleName::Planner => Module::Planner,
            ModuleName::Forms => Module::Forms,
            ModuleName::ChangeRequests => Module::ChangeRequests,
            ModuleName::Consent => Module::Consent,
        }
    }
}

impl From<Module> for ModuleName {
    fn from(module: Module) -> Self {
        match module {
            Module::News => ModuleName::News,
            Module::Absence => ModuleName::Absence,
            Module::Planner => ModuleName::Planner,
            Module::Forms => ModuleName::Forms,
            Module::ChangeRequests => ModuleName::ChangeRequests,
            Module::Consent => ModuleName::Consent,
        }
    }
}

impl From<AudienceName> for Audience {
    fn from(name: AudienceName) -> Self {
        match name {
            AudienceName::Guardian => Audience::Guardian,
            AudienceName::SchoolAdmin => Audience::Staff(StaffRole::SchoolAdmin),
            AudienceName::Director => Audience::Staff(StaffRole::Director),
            AudienceName::Teacher => Audience::Staff(StaffRole::Teacher),
            AudienceName::CareStaff => Audience::Staff(StaffRole::CareStaff),
            AudienceName::LunchSupervisor => Audience::Staff(StaffRole::LunchSupervisor),
        }
    }
}

impl From<Audience> for AudienceName {
    fn from(audience: Audience) -> Self {
        match audience {
            Audience::Guardian => AudienceName::Guardian,
            Audience::Staff(StaffRole::SchoolAdmin) => AudienceName::SchoolAdmin,
            Audience::Staff(StaffRole::Director) => AudienceName::Director,
            Audience::Staff(StaffRole::Teacher) => AudienceName::Teacher,
            Audience::Staff(StaffRole::CareStaff) => AudienceName::CareStaff,
            Audience::Staff(StaffRole::LunchSupervisor) => AudienceName::LunchSupervisor,
        }
    }
}

/// One module and who it is on for.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleSwitch {
    pub module: ModuleName,
    /// Empty: the module is off at this school.
    #[schema(max_items = 6)]
    pub audiences: Vec<AudienceName>,
}

/// The school's switches; every module is listed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SchoolModules {
    #[schema(max_items = 6)]
    pub modules: Vec<ModuleSwitch>,
    /// The modules that exist for the caller at this school.
    #[schema(max_items = 6)]
    pub on_for_me: Vec<ModuleName>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSchoolModules {
    /// The switches to set; modules not listed are left as they are.
    #[schema(min_items = 1, max_items = 6)]
    #[validate(length(min = 1, max = 6))]
    pub modules: Vec<ModuleSwitch>,
}

fn answer(
    settings: &ModuleSettings,
    auth: &Authenticated,
    board_id: &str,
    school_id: &str,
) -> SchoolModules {
    let (board, school) = (uuid(board_id), uuid(school_id));
    SchoolModules {
        modules: Module::ALL
            .into_iter()
            .map(|module| ModuleSwitch {
                module: module.into(),
                audiences: Audience::all()
                    .into_iter()
                    .filter(|a| settings.is_on(module, *a))
                    .map(AudienceName::from)
                    .collect(),
            })
            .collect(),
        on_for_me: Module::ALL
            .into_iter()
            .filter(|m| settings.is_on_for(*m, &auth.0, board, school))
            .map(ModuleName::from)
            .collect(),
    }
}

/// Get a school's modules
///
/// Which modules are on at the school, for whom, and which exist for the caller.
#[utoipa::path(
    tag = "schools",
    operation_id = "get_school_modules",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 200, description = "The switches.", body = SchoolModules)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/modules")]
async fn get_school_modules(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
) -> Result<web::Json<SchoolModules>, ApiError> {
    let school_id = path.into_inner().to_string();
    let answer = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ReadSchool)?;
        let settings = modules::settings(conn, &school)?;
        Ok::<_, ApiError>(answer(
            &settings,
            &auth,
            &school.row().board_id,
            school.id(),
        ))
    })
    .await?;
    Ok(web::Json(answer))
}

/// Switch a school's modules
///
/// For the school's admins and its board's admins. A module switched off for an audience answers
/// 404 to them and sends them nothing.
#[utoipa::path(
    tag = "schools",
    operation_id = "update_school_modules",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    request_body = UpdateSchoolModules,
    responses((status = 200, description = "The switches as they are now.", body = SchoolModules)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/modules")]
async fn update_school_modules(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    body: JsonBody,
) -> Result<web::Json<SchoolModules>, ApiError> {
    let school_id = path.into_inner().to_string();
    let (checker, school) = (auth.clone(), school_id.clone());
    db::run(&state.db, move |conn| {
        school_for(conn, &checker, &school, SchoolAction::ManageSchool).map(drop)
    })
    .await?;
    let changes = body.parse::<UpdateSchoolModules>().await?.modules;
    let answer = db::run(&state.db, move |conn| {
        let school = school_for(conn, &auth, &school_id, SchoolAction::ManageSchool)?;
        let mut settings = modules::settings(conn, &school)?;
        for change in &changes {
            let module = Module::from(change.module);
            settings.on.retain(|(m, _)| *m != module);
            settings.on.extend(
                change
                    .audiences
                    .iter()
                    .map(|a| (module, Audience::from(*a))),
            );
        }
        settings.on.sort();
        settings.on.dedup();
        transaction(conn, |conn| modules::replace(conn, school.id(), &settings))?;
        let object = Object {
            kind: "school_modules",
            id: Some(school.id()),
            school_id: Some(school.id()),
        };
        auth.audit().record(conn, "update", object, "ok")?;
        Ok::<_, ApiError>(answer(
            &settings,
            &auth,
            &school.row().board_id,
            school.id(),
        ))
    })
    .await?;
    Ok(web::Json(answer))
}
