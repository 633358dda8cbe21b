//! A school's retention settings (SPEC §12): how long it keeps each category, which terms it
//! shortened (the seed's terms are maxima: shorter, never longer), and how long portal content
//! stays.

use actix_web::{get, put, web};
use domain::retention::{Category, Settings, Source, Term};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::services::retention as service;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_retention_settings)
        .service(update_retention_settings);
}

/// A category of data with a retention rule of its own (SPEC §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetentionCategory {
    AbsenceAndLeave,
    Enrolment,
    PupilFile,
    Complaints,
    AuditLog,
    Staff,
    StaffFiscal,
    PortalContent,
    GuardianAccount,
}
same_enum!(
    RetentionCategory,
    Category,
    [
        AbsenceAndLeave,
        Enrolment,
        PupilFile,
        Complaints,
        AuditLog,
        Staff,
        StaffFiscal,
        PortalContent,
        GuardianAccount,
    ]
);

/// Where a term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum RetentionSource {
    /// Seed 002 Bijlage 2, the maximum (the same as Kennisnet Aanpak IBP bewaartermijnen).
    #[serde(rename = "seed_002_bijlage_2")]
    Seed002,
    /// Seed 003: a guardian goes at the roll-over after their last child left.
    #[serde(rename = "seed_003")]
    Seed003,
    /// The school's own setting: portal content, and any term it shortened.
    #[serde(rename = "school_setting")]
    SchoolSetting,
}
same_enum!(RetentionSource, Source, [Seed002, Seed003, SchoolSetting]);

/// One category as the school keeps it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionTerm {
    pub category: RetentionCategory,
    /// The maximum in months (seed 002); null for portal content and guardian accounts, which run
    /// to the end of a school year. For the pupil file, the term without a referral.
    #[schema(required = true, minimum = 1, maximum = 60, example = 60)]
    pub maximum_months: Option<u32>,
    /// What this school keeps, in months: its shortened term or the maximum; null as above.
    #[schema(required = true, minimum = 1, maximum = 60, example = 12)]
    pub months: Option<u32>,
    /// Whether the school may shorten it (not fiscal staff data, kept for the fiscal obligation; portal content is
    /// set in years).
    pub may_shorten: bool,
    /// When the clock starts, in words (printable ASCII).
    #[schema(
        max_length = 128,
        pattern = "^[ -~]+$",
        example = "the day the pupil left (uitschrijving)"
    )]
    pub clock_starts: String,
    pub source: RetentionSource,
}

impl From<Term> for RetentionTerm {
    fn from(term: Term) -> Self {
        RetentionTerm {
            category: term.category.into(),
            maximum_months: term.maximum_months,
            months: term.months,
            may_shorten: term.may_shorten,
            clock_starts: term.category.clock_start().to_owned(),
            source: term.source.into(),
        }
    }
}

/// A school's retention settings: every category, and the years portal content stays.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionSettings {
    /// Years news, forms and planner rounds stay after their school year ends (default 2).
    #[schema(minimum = 1, maximum = 10, example = 2)]
    pub portal_content_years: u32,
    #[schema(max_items = 16)]
    pub terms: Vec<RetentionTerm>,
}

impl From<Settings> for RetentionSettings {
    fn from(settings: Settings) -> Self {
        RetentionSettings {
            portal_content_years: settings.portal_content_years(),
            terms: settings.terms().map(RetentionTerm::from).collect(),
        }
    }
}

/// The terms a school shortens, in months; null or absent keeps the maximum. A term longer than
/// its maximum is refused (422 `out_of_range`), as is any value for fiscal staff data
/// (`not_shortenable`).
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionTermsInput {
    /// Absence and leave records, after the pupil left (at most 60).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60, example = 36)]
    pub absence_and_leave: Option<u32>,
    /// Enrolment data, after the pupil left (at most 60).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub enrolment: Option<u32>,
    /// The pupil file, after the pupil left (at most 24; a referral still adds 12).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 24)]
    pub pupil_file: Option<u32>,
    /// Complaint, objection and legal procedure records, after the pupil left (at most 60).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub complaints: Option<u32>,
    /// The audit log, after the event (at most 6).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 6)]
    pub audit_log: Option<u32>,
    /// Staff data, after employment ended (at most 24).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 24)]
    pub staff: Option<u32>,
    /// Fiscal staff data: kept 60 months for the fiscal keeping obligation; only null is accepted.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub staff_fiscal: Option<u32>,
}

impl RetentionTermsInput {
    /// The terms set, by category.
    fn shortened(&self) -> Vec<(Category, u32)> {
        [
            (Category::AbsenceAndLeave, self.absence_and_leave),
            (Category::Enrolment, self.enrolment),
            (Category::PupilFile, self.pupil_file),
            (Category::Complaints, self.complaints),
            (Category::AuditLog, self.audit_log),
            (Category::Staff, self.staff),
            (Category::StaffFiscal, self.staff_fiscal),
        ]
        .into_iter()
        .filter_map(|(category, months)| months.map(|months| (category, months)))
        .collect()
    }
}

/// The settings to keep, replacing what the school had.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettingsInput {
    /// Years news, forms and planner rounds stay after their school year ends.
    #[schema(minimum = 1, maximum = 10, example = 1)]
    pub portal_content_years: u32,
    #[serde(default)]
    pub terms: RetentionTermsInput,
}

/// A school's retention settings
///
/// Every category with its maximum (seed 002), what the school keeps, when the clock starts and
/// where the term comes from, and the years portal content stays. For the school admin and the
/// board's admins.
#[utoipa::path(
    tag = "schools",
    operation_id = "get_retention_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    responses((status = 200, description = "The settings.", body = RetentionSettings)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/retention-settings")]
async fn get_retention_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<RetentionSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let settings = db::run(&state.db, move |conn| {
        service::settings(conn, &auth.0, &auth.audit(), &school_id)
    })
    .await?;
    Ok(web::Json(settings.into()))
}

/// Set a school's retention settings
///
/// For the school admin and the board's admins: shortens terms (never beyond the maximum; null
/// keeps it) and sets the years portal content stays. Replaces the school's settings; the next
/// purge applies them. A refused value is a 422 naming it, and nothing changes. Audit-logged.
#[utoipa::path(
    tag = "schools",
    operation_id = "update_retention_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school.")),
    request_body = RetentionSettingsInput,
    responses((status = 200, description = "The settings as stored.", body = RetentionSettings)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/retention-settings")]
async fn update_retention_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: JsonBody,
) -> Result<web::Json<RetentionSettings>, ApiError> {
    let now = state.clock.now().naive_utc();
    let school_id = path.into_inner().to_string();
    let (actor, audit, school) = (auth.0.clone(), auth.audit(), school_id.clone());
    db::run(&state.db, move |conn| {
        service::may_manage(conn, &actor, &audit, &school)
    })
    .await?;
    let input: RetentionSettingsInput = body.parse().await?;
    let (years, shortened) = (input.portal_content_years, input.terms.shortened());
    let settings = db::run(&state.db, move |conn| {
        service::put_settings(
            conn,
            &auth.0,
            &auth.audit(),
            &school_id,
            years,
            &shortened,
            now,
        )
    })
    .await?;
    Ok(web::Json(settings.into()))
}
