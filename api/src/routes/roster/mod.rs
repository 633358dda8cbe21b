//! Roster sync for LAS vendors and school admins: a full snapshot, a delta, or an EDEXML file,
//! each applied in one transaction by [`crate::sync`]. The request and answer types are in
//! [`dto`].

mod dto;
mod result;

use actix_web::{HttpResponse, patch, post, put, web};
use domain::client::{ClientPrincipal, Scope};
use domain::policy::SchoolAction;
use persistence::AnyConnection;
use persistence::ids::uuid;
use persistence::schools::{self, SchoolRow};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::{Audit, Object};
use crate::auth::{AuthenticatedClient, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::{BulkJsonBody, Query, XmlBody};
use crate::routes::schools::school_for;
use crate::services::sync::{self, Input, Source, StartedBy, SyncError};
use crate::state::AppState;
use crate::telemetry;

pub use dto::*;
pub use result::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(update_school_roster)
        .service(patch_school_roster)
        .service(import_school_edexml);
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

/// Runs a sync (audited) and answers with what it did.
pub fn sync_and_audit(
    conn: &mut AnyConnection,
    request: sync::Request<'_>,
    input: Input,
) -> Result<SyncResult, SyncError> {
    sync::run_audited(conn, request, input).map(SyncResult::from)
}

/// The reason a body was refused as recorded with the run: the field errors the client saw.
fn refusal_text(err: &ApiError) -> String {
    match err {
        ApiError::Validation(errors) | ApiError::BadRequest { errors, .. }
            if !errors.is_empty() =>
        {
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        }
        ApiError::BadRequest { detail, .. } => detail.clone(),
        _ => "the body could not be read".to_owned(),
    }
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
            consents_changed: u32::try_from(report.consents_changed).unwrap_or(u32::MAX),
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
            let (school, by, text) = (school.clone(), by.clone(), refusal_text(&err));
            db::run(&state.db, move |conn| {
                sync::record_refused(conn, &school, source, &by, text)
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
        let request = sync::Request {
            school: &school,
            base_url: &base_url,
            source,
            by: &by,
            force,
        };
        sync_and_audit(conn, request, input)
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
    let result = db::run(&state.db, move |conn| match sync::parse_edexml(&xml) {
        Ok(input) => {
            let request = sync::Request {
                school: &school,
                base_url: &base_url,
                source: Source::EdexmlUpload,
                by: &by,
                force,
            };
            sync_and_audit(conn, request, input)
        }
        Err(err) => {
            let reason = err.failure_text();
            sync::record_refused(conn, &school, Source::EdexmlUpload, &by, reason)?;
            Err(err)
        }
    })
    .await?;
    state.callers.clear();
    Ok(answer(result))
}
