//! Change requests (wijzigingsverzoeken, SPEC §4): guardians propose new values for themselves or
//! a child; the school's admins work the queue and decide per field; a sync that brings the
//! proposed values resolves a request by itself. Portal data changes only through the sync.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::change_request::{
    self as rules, ChildRequests, Field, Outcome, Status, SubjectKind, check_submission,
    child_requests, field_list, parse_field_list, status_message,
};
use domain::mail::{Language, Message};
use domain::modules::{Audience, Module};
use domain::policy::SchoolAction;
use domain::roles::StaffRole;
use persistence::change_requests::{self, NewRequest, Request, RequestScope};
use persistence::idempotency::StoredAnswer;
use persistence::schools::VisibleSchool;
use persistence::{AnyConnection, guardians, modules, outbox, pupils, schools};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::Object;
use crate::auth::Authenticated;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::{Json, Query};
use crate::i18n;
use crate::idempotency::{Claim, IdempotencyKey, replay};
use crate::routes::pagination::{Page, PageParams};
use crate::routes::schools::module_school;
use crate::state::AppState;
use crate::sync::notify_requesters;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(request_guardian_change)
        .service(request_pupil_change)
        .service(list_my_change_requests)
        .service(get_change_request)
        .service(decide_change_request)
        .service(list_school_change_requests)
        .service(get_change_request_settings)
        .service(set_change_request_settings);
}

/// A detail a guardian can ask the school to change. A child's e-mail and phone are the
/// guardians' own; the portal holds no postal address, so `address` is passed to the school as
/// proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestField {
    FirstName,
    NamePrefix,
    LastName,
    Email,
    Phone,
    Address,
}

impl From<RequestField> for Field {
    fn from(f: RequestField) -> Field {
        match f {
            RequestField::FirstName => Field::FirstName,
            RequestField::NamePrefix => Field::NamePrefix,
            RequestField::LastName => Field::LastName,
            RequestField::Email => Field::Email,
            RequestField::Phone => Field::Phone,
            RequestField::Address => Field::Address,
        }
    }
}

impl From<Field> for RequestField {
    fn from(f: Field) -> RequestField {
        match f {
            Field::FirstName => RequestField::FirstName,
            Field::NamePrefix => RequestField::NamePrefix,
            Field::LastName => RequestField::LastName,
            Field::Email => RequestField::Email,
            Field::Phone => RequestField::Phone,
            Field::Address => RequestField::Address,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposedChange {
    pub field: RequestField,
    /// The new value; empty or absent clears an optional detail (name prefix, phone, e-mail).
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub value: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestInput {
    #[schema(min_items = 1, max_items = 6)]
    #[validate(length(min = 1, max = 6), nested)]
    pub changes: Vec<ProposedChange>,
    /// Anything the school should know, in the guardian's words.
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub remark: Option<String>,
}

/// Whose data a request is about.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RequestSubject {
    /// `guardian` or `pupil`.
    #[schema(max_length = 16)]
    pub kind: String,
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    pub field: RequestField,
    /// What the school held when the request was made.
    #[schema(max_length = 500)]
    pub current_value: Option<String>,
    #[schema(max_length = 500)]
    pub proposed_value: Option<String>,
    /// What the school holds now (absent for details the portal does not hold).
    #[schema(max_length = 500)]
    pub held_now: Option<String>,
    /// The school's value changed since the request was made: look again before acting on it.
    pub stale: bool,
    /// `pending`, `processed`, `rejected` or `applied_by_sync`.
    #[schema(max_length = 32)]
    pub outcome: String,
    /// Why it was rejected.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangeRequest {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    pub subject: RequestSubject,
    /// The guardian record of the requester.
    #[schema(format = Uuid, max_length = 36)]
    pub requested_by: String,
    /// `open`, `processed`, `partly_processed`, `rejected`, `resolved` (a sync brought every
    /// value) or `replaced` (a newer request took its place).
    #[schema(max_length = 32)]
    pub status: String,
    /// What this status means for the guardian, in the language of the answer.
    #[schema(max_length = 500)]
    pub message: String,
    #[schema(max_length = 500)]
    pub remark: Option<String>,
    #[schema(max_items = 6)]
    pub fields: Vec<FieldChange>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<Request> for ChangeRequest {
    fn from(request: Request) -> Self {
        ChangeRequest::new(request, i18n::current())
    }
}

impl ChangeRequest {
    /// The request as the API shows it, its message in `language`.
    fn new(request: Request, language: Language) -> Self {
        let status = Status::parse(&request.row.status).unwrap_or(Status::Open);
        let fields = request
            .fields
            .iter()
            .filter_map(|f| {
                let field = Field::parse(&f.field)?;
                let held_now = if field.held_by_portal() {
                    request.held_now.get(&field).cloned().flatten()
                } else {
                    None
                };
                let pending = f.outcome == Outcome::Pending.as_str();
                Some(FieldChange {
                    field: field.into(),
                    stale: pending
                        && rules::is_stale(field, f.current_value.as_deref(), held_now.as_deref()),
                    current_value: f.current_value.clone(),
                    proposed_value: f.proposed_value.clone(),
                    held_now,
                    outcome: f.outcome.clone(),
                    reason: f.reason.clone(),
                })
            })
            .collect();
        let row = request.row;
        ChangeRequest {
            id: row.id,
            school_id: row.school_id,
            subject: RequestSubject {
                kind: row.subject_kind,
                id: row.subject_id,
            },
            requested_by: row.requested_by,
            status: status.as_str().to_owned(),
            message: status_message(status, language).to_owned(),
            remark: row.remark,
            fields,
            created_at: row.created_at.and_utc(),
            decided_at: row.decided_at.map(|t| t.and_utc()),
        }
    }
}

fn refused(refusals: Vec<rules::Refusal>) -> ApiError {
    ApiError::Validation(
        refusals
            .into_iter()
            .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
            .collect(),
    )
}

fn object(id: &str, school_id: &str) -> (String, String) {
    (id.to_owned(), school_id.to_owned())
}

/// The submission, checked against the subject's current values and the school's settings, stored
/// (replacing an open one of the same requester), and the school told by e-mail.
struct Submission<'a> {
    /// Obtained through the module gate.
    school: VisibleSchool,
    kind: SubjectKind,
    subject_id: &'a str,
    requested_by: &'a str,
    household: Option<&'a str>,
    current: std::collections::BTreeMap<Field, Option<String>>,
}

fn submit(
    conn: &mut AnyConnection,
    auth: &Authenticated,
    submission: Submission<'_>,
    input: &ChangeRequestInput,
    language: Language,
    claim: Option<&Claim>,
) -> Result<Created, ApiError> {
    // A retry of a submission already made: its first answer, nothing done again.
    if let Some(claim) = claim
        && let Some(answer) = claim.prior(conn)?
    {
        return Ok(Created::Replayed(answer));
    }
    let school = &submission.school;
    let allowed = parse_field_list(change_requests::requestable_fields(conn, school)?.as_deref());
    let proposed: Vec<(Field, Option<String>)> = input
        .changes
        .iter()
        .map(|c| (Field::from(c.field), c.value.clone()))
        .collect();
    let changes = check_submission(submission.kind, &proposed, &submission.current, &allowed)
        .map_err(refused)?;
    let remark = input
        .remark
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    // Replacing the open request, storing this one, the mail and the audit event: all or nothing.
    persistence::transaction(conn, |conn| {
        let request = store(conn, auth, &submission, &changes, remark, language)?;
        let answer = ChangeRequest::new(request, language);
        if let Some(claim) = claim {
            claim.remember(conn, StatusCode::CREATED, &answer)?;
        }
        Ok(Created::New(answer))
    })
}

/// What a submission answers: the new request, or the first answer to a retried one.
enum Created {
    New(ChangeRequest),
    Replayed(StoredAnswer),
}

impl Created {
    fn into_response(self) -> HttpResponse {
        match self {
            Created::New(request) => HttpResponse::Created()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    format!("/api/v1/change-requests/{}", request.id),
                ))
                .json(request),
            Created::Replayed(answer) => replay(answer),
        }
    }
}

fn store(
    conn: &mut AnyConnection,
    auth: &Authenticated,
    submission: &Submission<'_>,
    changes: &[rules::Change],
    remark: Option<&str>,
    language: Language,
) -> Result<Request, ApiError> {
    let school = &submission.school;
    let request = change_requests::submit(
        conn,
        &NewRequest {
            school_id: school.id(),
            kind: submission.kind,
            subject_id: submission.subject_id,
            requested_by: submission.requested_by,
            household: submission.household,
            remark,
            language: language.tag(),
            changes,
        },
    )?;
    if let Some(to) = &school.row().admin_email {
        // To the school's administration, in the schools' language; no personal data in it.
        let mail = Message::ChangeRequestReceived {
            school: &school.row().name,
        }
        .render(Language::Dutch);
        outbox::enqueue(conn, mail.kind, to, &mail.subject, &mail.body)?;
    }
    let (id, school_id) = object(&request.row.id, school.id());
    auth.audit().record(
        conn,
        "submit_change_request",
        Object {
            kind: "change_request",
            id: Some(&id),
            school_id: Some(&school_id),
        },
        "ok",
    )?;
    Ok(request)
}

/// Ask the school to change my details
///
/// For the caller's own guardian record. Nothing changes in the portal: the school processes the
/// request in its administration and the next roster sync brings the new values. A new request
/// replaces the caller's open one. Refused (422, per field): details the school does not let
/// guardians request, invalid values, and a request that would change nothing.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "request_guardian_change",
    params(
        ("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The caller's own guardian record."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per submission and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is done twice. Kept for 24 hours.")
    ),
    request_body = ChangeRequestInput,
    responses((status = 201, description = "Submitted; the school will process it.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[post("/guardians/{guardian_id}/change-requests")]
async fn request_guardian_change(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: Json<ChangeRequestInput>,
) -> Result<HttpResponse, ApiError> {
    let guardian_id = path.into_inner();
    let input = body.0;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    // Task-local: read it here, not on the blocking thread.
    let language = i18n::current();
    let request = db::run(&state.db, move |conn| {
        let row = guardians::find(conn, &auth.0.guardian_scope(), &guardian_id.to_string())?;
        let school = module_school(conn, &auth, &row.school_id, Module::ChangeRequests, None)?;
        if !auth.0.guardian.iter().any(|g| g.guardian_id == guardian_id) {
            // Staff who can see the record may not ask on the guardian's behalf.
            return Err(ApiError::Forbidden);
        }
        let current = [
            (Field::FirstName, Some(row.first_name.clone())),
            (Field::NamePrefix, row.name_prefix.clone()),
            (Field::LastName, Some(row.last_name.clone())),
            (Field::Email, row.email.clone()),
            (Field::Phone, row.phone.clone()),
        ]
        .into_iter()
        .collect();
        submit(
            conn,
            &auth,
            Submission {
                school,
                kind: SubjectKind::Guardian,
                subject_id: &row.id,
                requested_by: &row.id,
                household: None,
                current,
            },
            &input,
            language,
            claim.as_ref(),
        )
    })
    .await?;
    Ok(request.into_response())
}

/// Ask the school to change my child's details
///
/// For a guardian with parental authority over the pupil (others get 403). As for one's own
/// details, nothing changes in the portal until the school has processed it and the LAS syncs.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "request_pupil_change",
    params(
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The child."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Send a new key (e.g. a UUID) per submission and the same one when retrying it: a retry gets the first answer (with `Idempotent-Replayed: true`) and nothing is done twice. Kept for 24 hours.")
    ),
    request_body = ChangeRequestInput,
    responses((status = 201, description = "Submitted; the school will process it.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[post("/pupils/{pupil_id}/change-requests")]
async fn request_pupil_change(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    key: IdempotencyKey,
    body: Json<ChangeRequestInput>,
) -> Result<HttpResponse, ApiError> {
    let pupil_id = path.into_inner();
    let input = body.0;
    let claim = key.claim(&auth.0.account_id.to_string(), &input);
    let language = i18n::current();
    let request = db::run(&state.db, move |conn| {
        // 404 when the pupil is out of reach, whoever asks.
        let pupil = pupils::find(conn, &auth.0.pupil_scope(), &pupil_id.to_string())?;
        let school = module_school(conn, &auth, &pupil.school_id, Module::ChangeRequests, None)?;
        let link = auth.0.guardian.iter().find_map(|g| {
            let child = g.children.iter().find(|c| c.pupil_id == pupil_id)?;
            Some((g.guardian_id, child.parental_authority))
        });
        let Some((guardian_id, authority)) = link else {
            return Err(ApiError::Forbidden);
        };
        if !rules::may_submit(SubjectKind::Pupil, false, authority) {
            let object = Object {
                kind: "pupil",
                id: Some(&pupil.id),
                school_id: Some(&pupil.school_id),
            };
            return Err(auth
                .audit()
                .forbidden(conn, "submit_change_request", object));
        }
        let guardian_id = guardian_id.to_string();
        let household = guardians::household_links(
            conn,
            std::slice::from_ref(&guardian_id),
            std::slice::from_ref(&pupil.id),
        )?
        .into_iter()
        .next()
        .map(|(_, _, household, _)| household);
        let current = [
            (Field::FirstName, Some(pupil.first_name.clone())),
            (Field::NamePrefix, pupil.name_prefix.clone()),
            (Field::LastName, Some(pupil.last_name.clone())),
        ]
        .into_iter()
        .collect();
        submit(
            conn,
            &auth,
            Submission {
                school,
                kind: SubjectKind::Pupil,
                subject_id: &pupil.id,
                requested_by: &guardian_id,
                household: household.as_deref(),
                current,
            },
            &input,
            language,
            claim.as_ref(),
        )
    })
    .await?;
    Ok(request.into_response())
}

/// The school whose change-request queue the caller works (module on, may process; 404/403).
fn queue_school(
    conn: &mut AnyConnection,
    auth: &Authenticated,
    school_id: &str,
) -> Result<VisibleSchool, ApiError> {
    module_school(
        conn,
        auth,
        school_id,
        Module::ChangeRequests,
        Some(SchoolAction::ProcessChangeRequests),
    )
}

/// The schools whose queue the actor works: where they are school admin, and their boards', as far
/// as the school has the module on for its admins.
fn admin_schools(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<String>, ApiError> {
    let boards: Vec<String> = actor.board_admin_of.iter().map(Uuid::to_string).collect();
    let mut ids = schools::ids_in_boards(conn, &boards)?;
    ids.extend(
        actor
            .staff
            .iter()
            .filter(|m| m.roles.contains(&StaffRole::SchoolAdmin))
            .map(|m| m.school_id.to_string()),
    );
    let admins = Audience::Staff(StaffRole::SchoolAdmin);
    Ok(modules::schools_on(
        conn,
        Module::ChangeRequests,
        admins,
        &ids,
    )?)
}

/// What a guardian sees: their own requests, and those about their current children (for a
/// child whose parents are separated, only those made from the guardian's household). One query.
fn guardian_scope(conn: &mut AnyConnection, actor: &Actor) -> Result<RequestScope, ApiError> {
    let guardians: Vec<String> = actor.guardian_ids().iter().map(Uuid::to_string).collect();
    let children: Vec<String> = actor.children().map(|c| c.pupil_id.to_string()).collect();
    let schools: Vec<String> = actor
        .guardian
        .iter()
        .map(|g| g.school_id.to_string())
        .collect();
    let mut scope = RequestScope {
        guardian_schools: modules::schools_on(
            conn,
            Module::ChangeRequests,
            Audience::Guardian,
            &schools,
        )?,
        guardians: guardians.clone(),
        ..RequestScope::default()
    };
    if children.is_empty() {
        return Ok(scope);
    }
    for (_, pupil, household, separated) in guardians::household_links(conn, &guardians, &children)?
    {
        match child_requests(separated, &household) {
            ChildRequests::All => scope.children.push(pupil),
            ChildRequests::OfHousehold(household) => {
                scope.children_of_household.push((pupil, household));
            }
        }
    }
    Ok(scope)
}

/// List my change requests
///
/// The caller's own requests and those about their children (when the parents are separated,
/// only those of their own household), newest first.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "list_my_change_requests",
    params(PageParams),
    responses((status = 200, description = "A page of change requests.", body = Page<ChangeRequest>)),
    security(("bearer" = []))
)]
#[get("/me/change-requests")]
async fn list_my_change_requests(
    auth: Authenticated,
    state: web::Data<AppState>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<ChangeRequest>>, ApiError> {
    let limit = query.0.page_size()?.get();
    let cursor = query.0.cursor.clone();
    let page = db::run(&state.db, move |conn| {
        let scope = guardian_scope(conn, &auth.0)?;
        Ok::<_, ApiError>(change_requests::list_for_guardian(
            conn,
            &scope,
            cursor.as_deref(),
            limit,
        )?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, ChangeRequest::from)))
}

/// A request the actor may see: in a queue they work, or theirs as a guardian (household rule
/// in the query). Anything else does not exist for them.
fn visible_request(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<Request, ApiError> {
    let mut scope = guardian_scope(conn, actor)?;
    scope.admin_schools = admin_schools(conn, actor)?;
    Ok(change_requests::find(conn, &scope, id)?)
}

/// Read a change request
///
/// For the requester, the child's other guardians (not across separated households), and the
/// school's admins. Each field shows the value the request was made against, the proposed value,
/// what the school holds now, and whether that changed since (stale).
#[utoipa::path(
    tag = "change-requests",
    operation_id = "get_change_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    responses((status = 200, description = "The request.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[get("/change-requests/{request_id}")]
async fn get_change_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = path.into_inner().to_string();
    let request = db::run(&state.db, move |conn| {
        let request = visible_request(conn, &auth.0, &id)?;
        auth.audit().read(
            conn,
            Object {
                kind: "change_request",
                id: Some(&request.row.id),
                school_id: Some(&request.row.school_id),
            },
        )?;
        Ok::<_, ApiError>(request)
    })
    .await?;
    Ok(web::Json(request.into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Changed in the LAS; the next sync brings it.
    Processed,
    Rejected,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDecision {
    pub field: RequestField,
    pub outcome: Decision,
    /// Required when rejecting: the guardian sees it.
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schema(min_items = 1, max_items = 6)]
    #[validate(length(min = 1, max = 6), nested)]
    pub decisions: Vec<FieldDecision>,
}

/// The decisions as stored, or 422 naming the decision at fault.
fn checked_decisions(
    request: &Request,
    input: &DecisionInput,
) -> Result<Vec<rules::Decision>, ApiError> {
    let fields: Vec<(Field, Outcome)> = request
        .fields
        .iter()
        .filter_map(|f| Some((Field::parse(&f.field)?, Outcome::parse(&f.outcome)?)))
        .collect();
    let decisions: Vec<rules::Decision> = input
        .decisions
        .iter()
        .map(|d| {
            let outcome = match d.outcome {
                Decision::Processed => Outcome::Processed,
                Decision::Rejected => Outcome::Rejected,
            };
            (Field::from(d.field), outcome, d.reason.clone())
        })
        .collect();
    rules::check_decisions(&fields, &decisions).map_err(refused)
}

/// Decide a change request
///
/// For the school's admins: per field, processed (changed in the LAS) or rejected (with a reason).
/// Fields may be decided at different times; once none is pending, the request gets its final
/// status and the guardian is told by e-mail. A request that is no longer open is 409.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "decide_change_request",
    params(("request_id" = String, Path, format = Uuid, max_length = 36, description = "The request.")),
    request_body = DecisionInput,
    responses((status = 200, description = "Decided; the request as it is now.", body = ChangeRequest)),
    security(("bearer" = []))
)]
#[post("/change-requests/{request_id}/decision")]
async fn decide_change_request(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: Json<DecisionInput>,
) -> Result<web::Json<ChangeRequest>, ApiError> {
    let id = path.into_inner().to_string();
    let input = body.0;
    let request = db::run(&state.db, move |conn| {
        let request = visible_request(conn, &auth.0, &id)?;
        let school = queue_school(conn, &auth, &request.row.school_id)?;
        if request.row.status != Status::Open.as_str() {
            return Err(ApiError::Conflict(format!(
                "The request is {} and can no longer be decided.",
                request.row.status
            )));
        }
        let decisions = checked_decisions(&request, &input)?;
        let account = auth.0.account_id.to_string();
        persistence::transaction(conn, |conn| {
            let status = change_requests::decide(conn, &request, &decisions, &account)?
                .ok_or_else(|| {
                    ApiError::Conflict(
                        "The request was decided or resolved meanwhile; read it again.".to_owned(),
                    )
                })?;
            if status != Status::Open {
                let mut row = request.row.clone();
                row.status = status.as_str().to_owned();
                notify_requesters(conn, &school.row().name, &[(row, status)])?;
            }
            auth.audit().record(
                conn,
                "decide_change_request",
                Object {
                    kind: "change_request",
                    id: Some(&request.row.id),
                    school_id: Some(&request.row.school_id),
                },
                "ok",
            )?;
            let scope = RequestScope {
                admin_schools: vec![request.row.school_id.clone()],
                ..RequestScope::default()
            };
            Ok::<_, ApiError>(change_requests::find(conn, &scope, &request.row.id)?)
        })
    })
    .await?;
    Ok(web::Json(request.into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    Open,
    Processed,
    PartlyProcessed,
    Rejected,
    Resolved,
    Replaced,
}

impl From<StatusFilter> for Status {
    fn from(s: StatusFilter) -> Status {
        match s {
            StatusFilter::Open => Status::Open,
            StatusFilter::Processed => Status::Processed,
            StatusFilter::PartlyProcessed => Status::PartlyProcessed,
            StatusFilter::Rejected => Status::Rejected,
            StatusFilter::Resolved => Status::Resolved,
            StatusFilter::Replaced => Status::Replaced,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// How many requests to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
    /// Only requests in this status (the queue: `open`).
    #[param(inline)]
    pub status: Option<StatusFilter>,
}

/// List a school's change requests
///
/// The queue of the school's administration, oldest first, with old and new values and the stale
/// flag. For the school's admins and its board's admins.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "list_school_change_requests",
    params(
        ("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id."),
        QueueParams
    ),
    responses((status = 200, description = "A page of change requests.", body = Page<ChangeRequest>)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/change-requests")]
async fn list_school_change_requests(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<QueueParams>,
) -> Result<web::Json<Page<ChangeRequest>>, ApiError> {
    let school_id = path.into_inner().to_string();
    let query = query.0;
    let limit = PageParams {
        limit: query.limit,
        cursor: None,
    }
    .page_size()?
    .get();
    let cursor = query.cursor.map(|c| c.to_string());
    let status = query.status.map(Status::from);
    let page = db::run(&state.db, move |conn| {
        let school = queue_school(conn, &auth, &school_id)?;
        let page = change_requests::list_at(conn, &school, status, cursor.as_deref(), limit)?;
        // The queue holds personal data: its reads are in the audit log like any list's.
        auth.audit().record(
            conn,
            "list_change_requests",
            Object {
                kind: "change_request_list",
                id: None,
                school_id: Some(&school_id),
            },
            "ok",
        )?;
        Ok::<_, ApiError>(page)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, ChangeRequest::from)))
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestSettings {
    /// The details guardians may ask to change at this school (all by default).
    #[schema(max_items = 6)]
    #[validate(length(max = 6))]
    pub requestable_fields: Vec<RequestField>,
}

/// Read a school's change request settings
#[utoipa::path(
    tag = "change-requests",
    operation_id = "get_change_request_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    responses((status = 200, description = "The settings.", body = ChangeRequestSettings)),
    security(("bearer" = []))
)]
#[get("/schools/{school_id}/change-request-settings")]
async fn get_change_request_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequestSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let stored = db::run(&state.db, move |conn| {
        let school = queue_school(conn, &auth, &school_id)?;
        Ok::<_, ApiError>(change_requests::requestable_fields(conn, &school)?)
    })
    .await?;
    Ok(web::Json(ChangeRequestSettings {
        requestable_fields: parse_field_list(stored.as_deref())
            .into_iter()
            .map(RequestField::from)
            .collect(),
    }))
}

/// Set which details guardians may ask to change
///
/// E.g. a school that takes name changes only at its desk leaves out the name fields; a request
/// for a field left out is refused with a message that says to contact the school.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "set_change_request_settings",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    request_body = ChangeRequestSettings,
    responses((status = 200, description = "Saved.", body = ChangeRequestSettings)),
    security(("bearer" = []))
)]
#[put("/schools/{school_id}/change-request-settings")]
async fn set_change_request_settings(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: Json<ChangeRequestSettings>,
) -> Result<web::Json<ChangeRequestSettings>, ApiError> {
    let school_id = path.into_inner().to_string();
    let fields: BTreeSet<Field> = body
        .0
        .requestable_fields
        .iter()
        .map(|f| Field::from(*f))
        .collect();
    let stored = field_list(&fields);
    db::run(&state.db, move |conn| {
        let school = queue_school(conn, &auth, &school_id)?;
        change_requests::set_requestable_fields(conn, &school, &stored)?;
        auth.audit().record(
            conn,
            "set_change_request_settings",
            Object {
                kind: "school",
                id: Some(&school_id),
                school_id: Some(&school_id),
            },
            "ok",
        )?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(web::Json(ChangeRequestSettings {
        requestable_fields: fields.into_iter().map(RequestField::from).collect(),
    }))
}
