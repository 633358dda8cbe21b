//! Sign-up forms (issue #13, SPEC §9, seed 003): the school admin makes forms for the whole
//! school or groups, a teacher for their own groups; guardians of the children a form reaches
//! respond once per household, change and withdraw until the close; places are never given
//! beyond capacity, those waiting keep their order, and a withdrawal moves the list up.
//!
//! Each function reaches the form's school through the caller's scope and the module gate (forms;
//! 404 when off for them), checks `domain::forms::policy`, owns its transaction and records its
//! audit event. Notifications go through the engine (`notify::emit`).

mod announce;
mod apply;
mod form;
mod remind;
mod respond;
mod results;
mod withdraw;

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::forms::{Phase, phase, policy};
use domain::modules::{Capacity, Module};
use persistence::forms::{self as store, StoredForm};
use persistence::ids::uuid;
use persistence::modules::ModuleSchool;
use persistence::{AnyConnection, RepoError};

pub use announce::announce_due;
pub use form::{FormView, Mine, create, form, list, may_create, mine};
pub use remind::{Allocated, allocate, remind};
pub use respond::{
    ResponseRequest, ResponseView, SignupView, change, may_change, may_respond, my_response,
    respond, response,
};
pub use results::{Entry, Missing, OptionResult, Results, csv_rows, results};
pub use withdraw::{release_household, release_pupil, withdraw};

use super::{module_school_as, school_ref};
use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum FormsError {
    /// Out of reach, not the caller's to see, or the module is off for them: it does not exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Fields out of bounds: nothing stored.
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// Not possible now (the form closed, an option full, a reminder sent today); the message
    /// says why.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(FormsError);

impl From<FormsError> for ApiError {
    fn from(err: FormsError) -> Self {
        match err {
            FormsError::NotFound => ApiError::NotFound,
            FormsError::Forbidden => ApiError::Forbidden,
            FormsError::Refused(refusals) => ApiError::Validation(
                refusals
                    .into_iter()
                    .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
                    .collect(),
            ),
            FormsError::Conflict(message) => ApiError::Conflict(message),
            FormsError::Repo(err) => ApiError::from(err),
        }
    }
}

type Result<T, E = FormsError> = std::result::Result<T, E>;

fn conflict(message: impl Into<String>) -> FormsError {
    FormsError::Conflict(message.into())
}

fn form_object(form: &StoredForm) -> Object<'_> {
    Object {
        kind: "form",
        id: Some(&form.id),
        school_id: Some(&form.school_id),
    }
}

/// A form the caller reached (through its school's scope and module gate).
struct Reached {
    form: StoredForm,
}

impl Reached {
    fn phase(&self, now: DateTime<Utc>) -> Phase {
        phase(self.form.opens_at, self.form.closes_at, now)
    }
}

/// Whether the caller manages the form: the school admin, or its author while they teach its
/// groups (`policy::may_manage`), with forms on for them as staff.
fn manages(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    form: &StoredForm,
) -> Result<Option<ModuleSchool>> {
    let school = match module_school_as(
        conn,
        actor,
        audit,
        &form.school_id,
        Module::Forms,
        Capacity::Staff,
        None,
    ) {
        Ok(school) => school,
        Err(super::Denied::NotFound) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let author = form.created_by.as_deref().map(uuid);
    Ok(
        policy::may_manage(actor, school_ref(school.row()), author, &form.audience)
            .then_some(school),
    )
}

/// The form as those who manage it reach it; 404 for everyone else (a form's families and their
/// answers are not for other staff).
fn as_manager(conn: &mut AnyConnection, actor: &Actor, audit: &Audit, id: &str) -> Result<Reached> {
    let form = store::find(conn, id)?;
    match manages(conn, actor, audit, &form)? {
        Some(_) => Ok(Reached { form }),
        None => Err(FormsError::NotFound),
    }
}

/// A guardian's reach of a form: the form, its school, the guardian id they respond under, their
/// children it reaches, and their household.
struct AsGuardian {
    reached: Reached,
    guardian_id: String,
    children: Vec<String>,
    household: String,
}

/// The form as a guardian reaches it: opened, at a school where forms are on for them as a
/// guardian, reaching one of their children; 404 otherwise (a guardian outside the audience does
/// not learn the form exists).
fn as_guardian(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AsGuardian> {
    let form = store::find(conn, id)?;
    if phase(form.opens_at, form.closes_at, now) == Phase::NotOpen {
        return Err(FormsError::NotFound);
    }
    let school_id = uuid(&form.school_id);
    let guardian_id = policy::responds_as(actor, school_id).ok_or(FormsError::NotFound)?;
    module_school_as(
        conn,
        actor,
        audit,
        &form.school_id,
        Module::Forms,
        Capacity::Guardian,
        None,
    )?;
    let candidates: Vec<String> = actor
        .guardian
        .iter()
        .filter(|g| g.school_id == school_id)
        .flat_map(|g| g.children.iter().map(|c| c.pupil_id.to_string()))
        .collect();
    let children: Vec<String> = store::pupils_reached(conn, &form, Some(&candidates))?
        .into_iter()
        .map(|p| p.pupil_id)
        .collect();
    if children.is_empty() {
        return Err(FormsError::NotFound);
    }
    let guardian_id = guardian_id.to_string();
    let household =
        store::household_of(conn, &guardian_id, &children)?.ok_or(FormsError::NotFound)?;
    Ok(AsGuardian {
        reached: Reached { form },
        guardian_id,
        children,
        household,
    })
}

/// Tells a household that a place came free for them (or, after an allocation run, where they
/// stand): the response is the object the app fetches.
fn notify_household(
    conn: &mut AnyConnection,
    form: &StoredForm,
    response_id: &str,
    kind: domain::notify::EventKind,
    now: DateTime<Utc>,
) -> Result<()> {
    let (title, body) = match kind {
        domain::notify::EventKind::FormsPlaceGiven => (
            format!("U heeft een plek: {}", form.title),
            "Er kwam een plek vrij en u stond als eerste op de wachtlijst. U staat nu ingeschreven; \
             afmelden kan in de app zolang het formulier open is.",
        ),
        _ => (
            format!("Indeling bekend: {}", form.title),
            "De indeling van het formulier is gemaakt. In de app ziet u waar u bent ingedeeld.",
        ),
    };
    let event = persistence::notify::NewEvent {
        school_id: &form.school_id,
        kind,
        object_id: response_id,
        urgent: false,
        language: domain::mail::Language::Dutch,
        title: &title,
        body,
    };
    persistence::notify::emit(conn, &event, now.naive_utc())?;
    Ok(())
}
