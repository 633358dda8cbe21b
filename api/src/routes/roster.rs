//! Roster sync for LAS vendors and school admins: a full snapshot, a delta, or an EDEXML file,
//! each applied in one transaction by [`crate::sync`].

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{HttpResponse, patch, post, put, web};
use chrono::NaiveDate;
use domain::client::{ClientPrincipal, Scope};
use domain::policy::SchoolAction;
use domain::roles::StaffRole;
use domain::roster::{
    ChildLink, Delta, GroupRecord, GuardianRecord, Name, PupilRecord, Removals, Snapshot,
    StaffRecord,
};
use persistence::ids::uuid;
use persistence::roster_sync::Counts;
use persistence::schools::{self, SchoolRow};
use persistence::{AnyConnection, RepoError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::{Audit, Object};
use crate::auth::{AuthenticatedClient, Caller};
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{BulkJsonBody, Query, XmlBody};
use crate::routes::fields::{LasKey, Role, SchoolYearName};
use crate::routes::schools::school_for;
use crate::state::AppState;
use crate::sync::{self, Input, Source, StartedBy};
use crate::telemetry;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(update_school_roster)
        .service(patch_school_roster)
        .service(import_school_edexml);
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterGroup {
    /// The LAS's key of the group.
    pub key: LasKey,
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub name: String,
    #[schema(minimum = 1, maximum = 8)]
    #[serde(
        default,
        deserialize_with = "crate::routes::fields::optional_whole_number"
    )]
    pub year_group: Option<i32>,
    /// A combined group (samengestelde groep).
    #[serde(default)]
    pub combined: bool,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterPupil {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// Required, never assumed: it decides what each parent sees (a delta that left it out would
    /// otherwise silently join separated households).
    pub parents_separated: bool,
    /// Keys of the pupil's groups this school year.
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterChild {
    /// The pupil's key.
    pub pupil: LasKey,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub relationship: String,
    pub parental_authority: bool,
    /// Guardians with the same household key live together.
    #[schema(max_length = 100)]
    #[validate(length(max = 100))]
    pub household: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterGuardian {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    #[schema(max_length = 254)]
    #[validate(length(max = 254))]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<String>,
    #[schema(max_items = 20)]
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    pub children: Vec<RosterChild>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterStaff {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    #[schema(max_length = 254)]
    #[validate(length(max = 254))]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<String>,
    #[schema(max_items = 5)]
    #[validate(length(max = 5))]
    #[serde(default)]
    pub roles: Vec<Role>,
    #[schema(max_items = 50)]
    #[validate(length(max = 50))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
}

/// A full roster of one school for one school year. Everything the portal holds for the school
/// and not in the snapshot is deactivated.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterSnapshot {
    /// e.g. `2026-2027`.
    pub school_year: SchoolYearName,
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    pub groups: Vec<RosterGroup>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000), nested)]
    pub pupils: Vec<RosterPupil>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000), nested)]
    pub guardians: Vec<RosterGuardian>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000), nested)]
    pub staff: Vec<RosterStaff>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KindCounts {
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub created: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub updated: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub deactivated: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub unchanged: u32,
}

impl From<Counts> for KindCounts {
    fn from(c: Counts) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        KindCounts {
            created: n(c.created),
            updated: n(c.updated),
            deactivated: n(c.deactivated),
            unchanged: n(c.unchanged),
        }
    }
}

/// A record left out of the sync, and why.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RejectedRecord {
    /// `group`, `pupil`, `guardian` or `staff`.
    #[schema(max_length = 16)]
    pub kind: String,
    #[schema(max_length = 64)]
    pub key: String,
    #[schema(max_length = 100)]
    pub field: String,
    #[schema(max_length = 64)]
    pub code: String,
    #[schema(max_length = 500)]
    pub message: String,
}

/// Whether a sync was applied or held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// Applied: the portal now equals the LAS.
    Applied,
    /// Not applied: it would deactivate more than the school allows at once (see `held_reason`).
    /// Nothing changed; the school's admins were told and confirm it
    /// (`create_sync_run_confirmation`), or the client sends it again with `force=true`.
    Held,
}

/// `?force=` of a roster push.
#[derive(Debug, Default, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// `true` applies a sync that would otherwise be held because it deactivates much of the
    /// school at once (the client takes responsibility; the run records who sent it).
    pub force: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SyncResult {
    /// The recorded run (see `list_school_sync_runs`).
    #[schema(format = Uuid, max_length = 36)]
    pub run_id: String,
    pub status: SyncStatus,
    /// Why the sync was held; absent when it was applied.
    #[schema(max_length = 200)]
    pub held_reason: Option<String>,
    pub groups: KindCounts,
    pub pupils: KindCounts,
    pub guardians: KindCounts,
    pub staff: KindCounts,
    /// One entry per record or link left out.
    #[schema(max_items = 1000000)]
    pub rejected: Vec<RejectedRecord>,
    /// Guardians whose e-mail address changed, sent a link at the new address (to activate an
    /// account, or to confirm that the record is theirs when the address has one already). The
    /// count is the same either way.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub invitations_sent: u32,
    /// Open change requests closed because the LAS now holds the proposed values.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub change_requests_resolved: u32,
}

fn name(first_name: String, name_prefix: Option<String>, last_name: String) -> Name {
    Name {
        first_name,
        name_prefix,
        last_name,
    }
}

impl From<RosterSnapshot> for Snapshot {
    fn from(input: RosterSnapshot) -> Self {
        snapshot_of(
            input.school_year.0,
            input.groups,
            input.pupils,
            input.guardians,
            input.staff,
        )
    }
}

fn snapshot_of(
    school_year: String,
    groups: Vec<RosterGroup>,
    pupils: Vec<RosterPupil>,
    guardians: Vec<RosterGuardian>,
    staff: Vec<RosterStaff>,
) -> Snapshot {
    Snapshot {
        school_year,
        groups: groups
            .into_iter()
            .map(|g| GroupRecord {
                key: g.key.0,
                name: g.name,
                year_group: g.year_group,
                combined: g.combined,
            })
            .collect(),
        pupils: pupils
            .into_iter()
            .map(|p| PupilRecord {
                key: p.key.0,
                name: name(p.first_name, p.name_prefix, p.last_name),
                date_of_birth: p.date_of_birth,
                parents_separated: p.parents_separated,
                groups: p.groups.into_iter().map(|g| g.0).collect(),
            })
            .collect(),
        guardians: guardians
            .into_iter()
            .map(|g| GuardianRecord {
                key: g.key.0,
                name: name(g.first_name, g.name_prefix, g.last_name),
                email: g.email,
                phone: g.phone,
                children: g
                    .children
                    .into_iter()
                    .map(|c| {
                        let link = ChildLink {
                            relationship: c.relationship,
                            parental_authority: c.parental_authority,
                            household: c.household,
                        };
                        (c.pupil.0, link)
                    })
                    .collect::<BTreeMap<_, _>>(),
            })
            .collect(),
        staff: staff
            .into_iter()
            .map(|s| StaffRecord {
                key: s.key.0,
                name: name(s.first_name, s.name_prefix, s.last_name),
                email: s.email,
                phone: s.phone,
                roles: s
                    .roles
                    .into_iter()
                    .map(StaffRole::from)
                    .collect::<BTreeSet<_>>(),
                groups: s.groups.into_iter().map(|g| g.0).collect(),
            })
            .collect(),
    }
}

/// Records to create or replace, by key. Lists left out are empty. An upserted record replaces
/// the held one entirely: send it whole (a pupil's groups, a guardian's children, a staff
/// member's roles and groups).
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterUpserts {
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    #[serde(default)]
    pub groups: Vec<RosterGroup>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000), nested)]
    #[serde(default)]
    pub pupils: Vec<RosterPupil>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000), nested)]
    #[serde(default)]
    pub guardians: Vec<RosterGuardian>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000), nested)]
    #[serde(default)]
    pub staff: Vec<RosterStaff>,
}

/// LAS keys of records that are gone: pupils who left, guardians and staff no longer present.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterRemovals {
    #[schema(max_items = 500)]
    #[validate(length(max = 500))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000))]
    #[serde(default)]
    pub pupils: Vec<LasKey>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000))]
    #[serde(default)]
    pub guardians: Vec<LasKey>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000))]
    #[serde(default)]
    pub staff: Vec<LasKey>,
}

/// Changes since the last sync, for vendors that send changes rather than snapshots.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterDelta {
    /// e.g. `2026-2027`.
    pub school_year: SchoolYearName,
    #[validate(nested)]
    #[serde(default)]
    pub upsert: RosterUpserts,
    #[validate(nested)]
    #[serde(default)]
    pub remove: RosterRemovals,
}

impl From<RosterDelta> for Delta {
    fn from(input: RosterDelta) -> Self {
        let keys = |keys: Vec<LasKey>| keys.into_iter().map(|k| k.0).collect();
        let u = input.upsert;
        Delta {
            school_year: input.school_year.0.clone(),
            upsert: snapshot_of(
                input.school_year.0,
                u.groups,
                u.pupils,
                u.guardians,
                u.staff,
            ),
            remove: Removals {
                groups: keys(input.remove.groups),
                pupils: keys(input.remove.pupils),
                guardians: keys(input.remove.guardians),
                staff: keys(input.remove.staff),
            },
        }
    }
}

/// The school of `school_id` if the client may write its roster: schools outside the client's
/// board do not exist for it (404); a school of its board it has no `roster:write` for is 403.
fn client_school(
    conn: &mut AnyConnection,
    client: &ClientPrincipal,
    school_id: &str,
) -> Result<SchoolRow, ApiError> {
    let school = schools::find_in_board(conn, &client.board_id.to_string(), school_id)?;
    if client.may(Scope::RosterWrite, client.board_id, uuid(&school.id)) {
        Ok(school)
    } else {
        let object = Object {
            kind: "roster",
            id: Some(&school.id),
            school_id: Some(&school.id),
        };
        Err(client_audit(client).forbidden(conn, "roster_sync", object))
    }
}

/// The audit context of a client's request.
fn client_audit(client: &ClientPrincipal) -> Audit {
    Audit {
        account_id: None,
        client_id: Some(client.client_id.to_string()),
        request_id: telemetry::current_request_id(),
        writer: None,
    }
}

fn started_by_client(client: &ClientPrincipal) -> StartedBy {
    StartedBy {
        client_id: Some(client.client_id.to_string()),
        account_id: None,
    }
}

/// Runs a sync and records it in the audit log too, naming the client or person who sent it.
pub fn sync_and_audit(
    conn: &mut AnyConnection,
    school: &SchoolRow,
    base_url: &str,
    source: Source,
    by: &StartedBy,
    input: Input,
    force: bool,
) -> Result<SyncResult, ApiError> {
    let result = sync::run(conn, school, base_url, source, by, input, force);
    let outcome = match &result {
        Ok(report) if report.held.is_some() => "held",
        Ok(_) => "ok",
        Err(_) => "failed",
    };
    audit_roster_sync(conn, school, by, outcome)?;
    result.map(SyncResult::from)
}

/// Records a roster sync in the audit log, naming the client or person who sent it.
fn audit_roster_sync(
    conn: &mut AnyConnection,
    school: &SchoolRow,
    by: &StartedBy,
    outcome: &str,
) -> Result<(), RepoError> {
    let audit = Audit {
        account_id: by.account_id.clone(),
        client_id: by.client_id.clone(),
        request_id: telemetry::current_request_id(),
        writer: None,
    };
    let object = Object {
        kind: "roster",
        id: Some(&school.id),
        school_id: Some(&school.id),
    };
    audit.record(conn, "roster_sync", object, outcome)
}

impl From<sync::Report> for SyncResult {
    fn from(report: sync::Report) -> Self {
        SyncResult {
            run_id: report.run.id,
            status: if report.held.is_some() {
                SyncStatus::Held
            } else {
                SyncStatus::Applied
            },
            held_reason: report.held.map(|reason| reason.describe()),
            groups: report.counts.groups.into(),
            pupils: report.counts.pupils.into(),
            guardians: report.counts.guardians.into(),
            staff: report.counts.staff.into(),
            rejected: report
                .rejected
                .into_iter()
                .map(|r| RejectedRecord {
                    kind: r.kind.to_owned(),
                    key: r.key,
                    field: r.field,
                    code: r.reason.code.to_owned(),
                    message: r.reason.message,
                })
                .collect(),
            invitations_sent: u32::try_from(report.invitations).unwrap_or(u32::MAX),
            change_requests_resolved: u32::try_from(report.resolved_requests).unwrap_or(u32::MAX),
        }
    }
}

/// The school a client may write the roster of, and who is syncing (404/403 otherwise).
async fn authorised_client(
    state: &AppState,
    client: AuthenticatedClient,
    school_id: uuid::Uuid,
) -> Result<(SchoolRow, StartedBy), ApiError> {
    let client = client.0;
    let school_id = school_id.to_string();
    db::run(&state.db, move |conn| {
        let school = client_school(conn, &client, &school_id)?;
        Ok::<_, ApiError>((school, started_by_client(&client)))
    })
    .await
}

/// The parsed body, or the 400/422 after recording the refused sync among the school's runs.
async fn parsed_or_recorded<T>(
    state: &AppState,
    school: &SchoolRow,
    source: Source,
    by: &StartedBy,
    body: BulkJsonBody,
) -> Result<T, ApiError>
where
    T: serde::de::DeserializeOwned + Validate + Send + 'static,
{
    match body.parse::<T>().await {
        Ok(value) => Ok(value),
        Err(err) => {
            let (school, by, text) = (school.clone(), by.clone(), sync::failure_text(&err));
            db::run(&state.db, move |conn| {
                sync::record_refused_text(conn, &school, source, &by, text)?;
                audit_roster_sync(conn, &school, &by, "refused")?;
                Ok::<_, ApiError>(())
            })
            .await?;
            Err(err)
        }
    }
}

async fn run_sync(
    state: &AppState,
    school: SchoolRow,
    source: Source,
    by: StartedBy,
    input: Input,
    force: bool,
) -> Result<HttpResponse, ApiError> {
    let base_url = state.config.public_base_url.clone();
    let result = db::run(&state.db, move |conn| {
        sync_and_audit(conn, &school, &base_url, source, &by, input, force)
    })
    .await?;
    // Roles and relations may have changed: this instance reads its callers again at once.
    state.callers.clear();
    Ok(answer(result))
}

/// 200 for an applied sync, 202 for a held one (accepted, not applied).
pub fn answer(result: SyncResult) -> HttpResponse {
    match result.status {
        SyncStatus::Applied => HttpResponse::Ok().json(result),
        SyncStatus::Held => HttpResponse::Accepted().json(result),
    }
}

/// Push a school's roster (LAS vendors)
///
/// The full roster of the school for one school year. The portal compares it with what it holds
/// and applies the difference in one transaction: after it, every personal-data field equals the
/// LAS. Invalid records are left out and listed in `rejected`; a snapshot whose structure is broken
/// (duplicate keys, a malformed school year) changes nothing (422), and so does one of a school year
/// that is neither the current nor the next (409: an old export). The same snapshot twice changes
/// nothing the second time. Guardians whose e-mail address changed get a link at the new address;
/// the account of the old address loses that record (and nothing else). A roster that would
/// deactivate much of the school at once is held (202) until an admin confirms it, or sent with
/// `force=true`. Every run is recorded (`list_school_sync_runs`). Needs the `roster:write` scope
/// for this school.
#[utoipa::path(
    tag = "integration",
    operation_id = "update_school_roster",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."), SyncParams),
    request_body = RosterSnapshot,
    responses(
        (status = 200, description = "Applied; the counts and the records left out.", body = SyncResult),
        (status = 202, description = "Held: it would deactivate much of the school at once. Nothing changed; the counts are what it would do.", body = SyncResult),
    ),
    security(("client_credentials" = ["roster:write"]))
)]
#[put("/schools/{school_id}/roster")]
async fn update_school_roster(
    client: AuthenticatedClient,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<SyncParams>,
    body: BulkJsonBody,
) -> Result<HttpResponse, ApiError> {
    let (school, by) = authorised_client(&state, client, path.into_inner()).await?;
    let snapshot: RosterSnapshot =
        parsed_or_recorded(&state, &school, Source::Snapshot, &by, body).await?;
    run_sync(
        &state,
        school,
        Source::Snapshot,
        by,
        Input::Snapshot(snapshot.into()),
        query.0.force.unwrap_or(false),
    )
    .await
}

/// Send roster changes (LAS vendors)
///
/// Records to create or replace and keys of records that are gone, for vendors that send changes
/// rather than full snapshots. The portal applies the roster they amount to, exactly as a full
/// snapshot (same validation, counts, activation links and records). An upserted record replaces
/// the held one entirely (send it whole). Guardians not named lose their links to removed pupils
/// and are deactivated with their last child. A key both upserted and removed refuses the whole
/// delta (422). Needs the `roster:write` scope for this school.
#[utoipa::path(
    tag = "integration",
    operation_id = "patch_school_roster",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."), SyncParams),
    request_body = RosterDelta,
    responses(
        (status = 200, description = "Applied; the counts and the records left out.", body = SyncResult),
        (status = 202, description = "Held: it would deactivate much of the school at once. Nothing changed; the counts are what it would do.", body = SyncResult),
    ),
    security(("client_credentials" = ["roster:write"]))
)]
#[patch("/schools/{school_id}/roster")]
async fn patch_school_roster(
    client: AuthenticatedClient,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<SyncParams>,
    body: BulkJsonBody,
) -> Result<HttpResponse, ApiError> {
    let (school, by) = authorised_client(&state, client, path.into_inner()).await?;
    let delta: RosterDelta = parsed_or_recorded(&state, &school, Source::Delta, &by, body).await?;
    run_sync(
        &state,
        school,
        Source::Delta,
        by,
        Input::Delta(delta.into()),
        query.0.force.unwrap_or(false),
    )
    .await
}

/// Import an EDEXML file
///
/// An EDEXML 2.1 file (`application/xml`) as the LAS exports it, uploaded by a LAS vendor with
/// `roster:write` or by the school's admin. EDEXML carries groups, pupils and staff but no
/// guardians: the guardians the portal holds (from the JSON snapshot) stay linked by the pupils'
/// LAS keys. Pupils whose `uitstroomdatum` has passed, or who are not in the file, have left. The
/// file's BRIN must be the school's. School years after 2024-2025 are accepted (the 2.1 XSD's list
/// stops there). A malformed or invalid file is refused (422, with where and why) and changes
/// nothing; the failed run is recorded.
#[utoipa::path(
    tag = "integration",
    operation_id = "import_school_edexml",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."), SyncParams),
    request_body(content = EdexmlDocument, content_type = "application/xml", description = "An EDEXML 2.1 document."),
    responses(
        (status = 200, description = "Applied; the counts and the records left out.", body = SyncResult),
        (status = 202, description = "Held: it would deactivate much of the school at once. Nothing changed; the counts are what it would do.", body = SyncResult),
    ),
    security(("client_credentials" = ["roster:write"]), ("bearer" = []))
)]
#[post("/schools/{school_id}/roster/edexml")]
async fn import_school_edexml(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    query: Query<SyncParams>,
    body: XmlBody,
) -> Result<HttpResponse, ApiError> {
    let force = query.0.force.unwrap_or(false);
    let school_id = path.into_inner().to_string();
    // Who asks is settled from the path and the token before a byte of the body is read.
    let (school, by) = db::run(&state.db, move |conn| match &caller {
        Caller::Client(client) => Ok::<_, ApiError>((
            client_school(conn, &client.0, &school_id)?,
            started_by_client(&client.0),
        )),
        Caller::Person(auth) => {
            let school = school_for(conn, auth, &school_id, SchoolAction::ManageRoster)?;
            let by = StartedBy {
                client_id: None,
                account_id: Some(auth.0.account_id.to_string()),
            };
            Ok((school.into_row(), by))
        }
    })
    .await?;
    let xml = body.text().await?;
    let base_url = state.config.public_base_url.clone();
    let result = db::run(&state.db, move |conn| match parse_edexml(&xml) {
        Ok(input) => sync_and_audit(
            conn,
            &school,
            &base_url,
            Source::EdexmlUpload,
            &by,
            input,
            force,
        ),
        Err(err) => {
            sync::record_refused(conn, &school, Source::EdexmlUpload, &by, &err)?;
            Err(err)
        }
    })
    .await?;
    state.callers.clear();
    Ok(answer(result))
}

/// An EDEXML 2.1 document (root `EDEX`), UTF-8, at most the roster size limit (64 MiB by
/// default).
#[derive(Debug)]
pub struct EdexmlDocument;

impl utoipa::PartialSchema for EdexmlDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(64 * 1024 * 1024))
            .into()
    }
}

impl ToSchema for EdexmlDocument {}

/// An EDEXML document as sync input, or the 422 that says where it is wrong.
pub fn parse_edexml(xml: &str) -> Result<Input, ApiError> {
    let today = chrono::Utc::now().date_naive();
    domain::edexml::parse(xml, today)
        .map(Input::Edexml)
        .map_err(|e| {
            ApiError::Validation(vec![FieldError::new(
                e.location,
                "invalid_edexml",
                e.message,
            )])
        })
}
