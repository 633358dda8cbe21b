//! Where a pupil or a guardian stands on each purpose, the decision itself, and the history. The
//! pupil's are decided by a guardian with parental authority, a guardian's own by that guardian.

use actix_web::{get, put, web};
use uuid::Uuid;

use super::dto::{Consent, ConsentDecision, ConsentHistoryEntry};
use crate::auth::Authenticated;
use crate::db;
use crate::error::ApiError;
use crate::extract::{JsonBody, Query};
use crate::routes::pagination::{Page, PageParams};
use crate::services::consent::{self as service, SubjectKey};
use crate::state::AppState;

async fn standings(
    auth: Authenticated,
    state: web::Data<AppState>,
    key: SubjectKey,
) -> Result<web::Json<Page<Consent>>, ApiError> {
    let now = state.clock.now();
    let standings = db::run(&state.db, move |conn| {
        service::consents(conn, &auth.0, &auth.audit(), &key, now)
    })
    .await?;
    Ok(web::Json(Page {
        items: standings.into_iter().map(Consent::from).collect(),
        next_cursor: None,
    }))
}

async fn decide(
    auth: Authenticated,
    state: web::Data<AppState>,
    key: SubjectKey,
    purpose_id: Uuid,
    body: JsonBody,
) -> Result<web::Json<Consent>, ApiError> {
    let now = state.clock.now();
    let (actor, audit, subject) = (auth.0.clone(), auth.audit(), key.clone());
    db::run(&state.db, move |conn| {
        service::may_decide(conn, &actor, &audit, &subject)
    })
    .await?;
    let decision: ConsentDecision = body.parse().await?;
    let standing = db::run(&state.db, move |conn| {
        let purpose = purpose_id.to_string();
        service::decide(
            conn,
            &auth.0,
            &auth.audit(),
            &key,
            &purpose,
            decision.given,
            now,
        )
    })
    .await?;
    Ok(web::Json(standing.into()))
}

async fn history(
    auth: Authenticated,
    state: web::Data<AppState>,
    key: SubjectKey,
    query: PageParams,
) -> Result<web::Json<Page<ConsentHistoryEntry>>, ApiError> {
    let limit = query.page_size()?.get();
    let cursor = query.cursor;
    let page = db::run(&state.db, move |conn| {
        let (actor, audit) = (&auth.0, auth.audit());
        service::history(conn, actor, &audit, &key, cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(Page::from_rows(page, ConsentHistoryEntry::from)))
}

/// A pupil's consents
///
/// Where the pupil stands on each purpose the school asks (`given` is the only yes; a yearly
/// purpose's older yes is `expired`): for the pupil's guardians, the school admin, director, care
/// staff and the teacher of the pupil's group. At most 50: one page.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_pupil_consents",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil.")),
    responses((status = 200, description = "The pupil's consents.", body = Page<Consent>)),
    security(("bearer" = []))
)]
#[get("/pupils/{pupil_id}/consents")]
pub async fn list_pupil_consents(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Page<Consent>>, ApiError> {
    standings(
        auth,
        state,
        SubjectKey::Pupil(path.into_inner().to_string()),
    )
    .await
}

/// Give or withdraw consent for a pupil
///
/// For a guardian with parental authority; holds from the next request, and joins the history.
/// 409 for a retired purpose or one kept in the LAS.
#[utoipa::path(
    tag = "consent",
    operation_id = "set_pupil_consent",
    params(
        ("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil."),
        ("purpose_id" = String, Path, format = Uuid, max_length = 36, description = "A pupil purpose of the pupil's school."),
    ),
    request_body = ConsentDecision,
    responses((status = 200, description = "Where the pupil stands now.", body = Consent)),
    security(("bearer" = []))
)]
#[put("/pupils/{pupil_id}/consents/{purpose_id}")]
pub async fn set_pupil_consent(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody,
) -> Result<web::Json<Consent>, ApiError> {
    let (pupil, purpose) = path.into_inner();
    decide(
        auth,
        state,
        SubjectKey::Pupil(pupil.to_string()),
        purpose,
        body,
    )
    .await
}

/// A pupil's consent history
///
/// Every decision on the pupil's consents, newest first, with who took it: the proof.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_pupil_consent_history",
    params(("pupil_id" = String, Path, format = Uuid, max_length = 36, description = "The pupil."), PageParams),
    responses((status = 200, description = "A page of decisions.", body = Page<ConsentHistoryEntry>)),
    security(("bearer" = []))
)]
#[get("/pupils/{pupil_id}/consent-history")]
pub async fn list_pupil_consent_history(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<ConsentHistoryEntry>>, ApiError> {
    let key = SubjectKey::Pupil(path.into_inner().to_string());
    history(auth, state, key, query.0).await
}

/// A guardian's consents
///
/// Where the guardian stands on the purposes about themself (their contact details on the
/// group's list): for the guardian, the school admin, director and care staff.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_guardian_consents",
    params(("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian.")),
    responses((status = 200, description = "The guardian's consents.", body = Page<Consent>)),
    security(("bearer" = []))
)]
#[get("/guardians/{guardian_id}/consents")]
pub async fn list_guardian_consents(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<Page<Consent>>, ApiError> {
    standings(
        auth,
        state,
        SubjectKey::Guardian(path.into_inner().to_string()),
    )
    .await
}

/// Give or withdraw a guardian's own consent
///
/// For the guardian themself (sharing their contact details with the groups of their children).
#[utoipa::path(
    tag = "consent",
    operation_id = "set_guardian_consent",
    params(
        ("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian."),
        ("purpose_id" = String, Path, format = Uuid, max_length = 36, description = "A guardian purpose of the guardian's school."),
    ),
    request_body = ConsentDecision,
    responses((status = 200, description = "Where the guardian stands now.", body = Consent)),
    security(("bearer" = []))
)]
#[put("/guardians/{guardian_id}/consents/{purpose_id}")]
pub async fn set_guardian_consent(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody,
) -> Result<web::Json<Consent>, ApiError> {
    let (guardian, purpose) = path.into_inner();
    decide(
        auth,
        state,
        SubjectKey::Guardian(guardian.to_string()),
        purpose,
        body,
    )
    .await
}

/// A guardian's consent history
///
/// Every decision on the guardian's own consents, newest first.
#[utoipa::path(
    tag = "consent",
    operation_id = "list_guardian_consent_history",
    params(("guardian_id" = String, Path, format = Uuid, max_length = 36, description = "The guardian."), PageParams),
    responses((status = 200, description = "A page of decisions.", body = Page<ConsentHistoryEntry>)),
    security(("bearer" = []))
)]
#[get("/guardians/{guardian_id}/consent-history")]
pub async fn list_guardian_consent_history(
    auth: Authenticated,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: Query<PageParams>,
) -> Result<web::Json<Page<ConsentHistoryEntry>>, ApiError> {
    let key = SubjectKey::Guardian(path.into_inner().to_string());
    history(auth, state, key, query.0).await
}
