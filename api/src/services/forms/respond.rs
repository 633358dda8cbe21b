//! Responding: a guardian of a child the form reaches responds for their household while the form
//! is open, answers its questions and signs up for options; the household's response changes
//! until the close. One response per household: separated parents' households respond apart.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::forms::{
    Answer, Choice, OptionShape, Phase, SignupState, check_answers, check_choices,
};
use persistence::forms::{self as store, StoredForm, StoredResponse, StoredSignup};
use persistence::ids::uuid;
use persistence::{AnyConnection, transaction};
use serde_json::Value;

use super::apply::{Household, apply};
use super::{AsGuardian, FormsError, Result, as_guardian, conflict, manages};
use crate::audit::{Audit, Object};
use crate::error::ApiError;

/// A sign-up as answered, with its place on the waiting list.
#[derive(Debug, Clone)]
pub struct SignupView {
    pub signup: StoredSignup,
    /// 1 for the first waiting; `None` unless waiting.
    pub position: Option<u32>,
}

/// A household's response as answered.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub response: StoredResponse,
    pub answers: BTreeMap<uuid::Uuid, Answer>,
    pub signups: Vec<SignupView>,
}

/// What a household asks: its answers by question id and its choices.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ResponseRequest {
    pub answers: BTreeMap<String, Value>,
    #[serde(skip)]
    pub choices: Vec<Choice>,
}

pub(super) fn response_object<'a>(response: &'a StoredResponse, school_id: &'a str) -> Object<'a> {
    Object {
        kind: "form_response",
        id: Some(&response.id),
        school_id: Some(school_id),
    }
}

/// The response with its sign-ups and their places in the queue.
pub(super) fn view_of(
    conn: &mut AnyConnection,
    form: &StoredForm,
    response: StoredResponse,
) -> Result<ResponseView> {
    let questions = store::questions_of(conn, &form.id)?;
    let answers = domain::forms::answers::read_stored(&questions, &response.answers)
        .map_err(|_| FormsError::Repo(persistence::RepoError::Corrupt("stored answers".into())))?;
    let mut signups = Vec::new();
    for signup in store::of_response(conn, &response.id)? {
        let position = if signup.state == SignupState::Waiting {
            Some(store::waiting_before(conn, &signup.option_id, signup.ticket)?.saturating_add(1))
        } else {
            None
        };
        signups.push(SignupView { signup, position });
    }
    Ok(ResponseView {
        response,
        answers,
        signups,
    })
}

/// Whether the caller may respond to the form (before their body is read): a guardian of a child
/// it reaches; 404 otherwise.
pub fn may_respond(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    form_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    as_guardian(conn, actor, audit, form_id, now).map(|_| ())
}

/// Checks the request against the form: answers per question, choices per option; every refusal
/// at once, nothing stored.
fn checked(
    conn: &mut AnyConnection,
    guardian: &AsGuardian,
    request: &ResponseRequest,
) -> Result<String> {
    let form = &guardian.reached.form;
    let questions = store::questions_of(conn, &form.id)?;
    let options: Vec<OptionShape> = store::options_of(conn, &form.id)?
        .into_iter()
        .map(|o| OptionShape {
            id: uuid(&o.id),
            per: o.per,
        })
        .collect();
    let children: Vec<uuid::Uuid> = guardian.children.iter().map(|c| uuid(c)).collect();
    let mut refusals = Vec::new();
    let answers = match check_answers(&questions, &request.answers) {
        Ok(answers) => answers,
        Err(found) => {
            refusals.extend(found);
            BTreeMap::new()
        }
    };
    if request.choices.is_empty() {
        refusals.push(domain::change_request::Refusal {
            field: "choices".to_owned(),
            reason: domain::Invalid::new("required", "must sign up for at least one option"),
        });
    } else if let Err(found) = check_choices(
        form.allocation,
        form.max_per_child,
        &options,
        &children,
        &request.choices,
    ) {
        refusals.extend(found);
    }
    if !refusals.is_empty() {
        return Err(FormsError::Refused(refusals));
    }
    let stored: BTreeMap<String, Value> = answers
        .iter()
        .map(|(id, answer)| (id.to_string(), answer.to_json()))
        .collect();
    serde_json::to_string(&stored)
        .map_err(|e| FormsError::Repo(persistence::RepoError::Corrupt(e.to_string())))
}

fn open_or_conflict(guardian: &AsGuardian, now: DateTime<Utc>) -> Result<()> {
    match guardian.reached.phase(now) {
        Phase::Open => Ok(()),
        Phase::Closed => Err(conflict(
            "The form is closed: responses can no longer change.",
        )),
        Phase::NotOpen => Err(FormsError::NotFound),
    }
}

/// The household's response to the form. `remember` stores the answer under the caller's
/// `Idempotency-Key` in the same transaction. 409 when the household responded already (change
/// that response instead), when the form closed, or when an option is full without a waiting list.
pub fn respond<T>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    form_id: &str,
    request: &ResponseRequest,
    now: DateTime<Utc>,
    remember: impl FnOnce(&mut AnyConnection, &ResponseView) -> std::result::Result<T, ApiError>,
) -> std::result::Result<T, ApiError> {
    let guardian = as_guardian(conn, actor, audit, form_id, now)?;
    open_or_conflict(&guardian, now)?;
    let answers = checked(conn, &guardian, request)?;
    let form = &guardian.reached.form;
    transaction(conn, |conn| {
        let Some(response) = store::insert_response(
            conn,
            form_id,
            &guardian.household,
            &guardian.guardian_id,
            &answers,
            now,
        )?
        else {
            return Err(conflict(
                "Your household has responded to this form already: change that response.",
            )
            .into());
        };
        let who = Household {
            form,
            response_id: &response.id,
            household: &guardian.household,
            children: &guardian.children,
        };
        apply(conn, &who, &request.choices, now)?;
        audit.record(
            conn,
            "respond_form",
            response_object(&response, &form.school_id),
            "ok",
        )?;
        let view = view_of(conn, form, response)?;
        remember(conn, &view)
    })
}

/// The response `id` with its form as the caller reaches it: a guardian of its household, or
/// (for reading) those who manage the form; 404 for everyone else.
fn reach_response(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(StoredResponse, Option<AsGuardian>, StoredForm)> {
    let response = store::find_response(conn, id)?;
    let form = store::find(conn, &response.form_id)?;
    match as_guardian(conn, actor, audit, &response.form_id, now) {
        Ok(guardian) if guardian.household == response.household => {
            return Ok((response, Some(guardian), form));
        }
        // Not a guardian of its household: perhaps one who manages the form.
        Ok(_) | Err(FormsError::NotFound) => {}
        Err(other) => return Err(other),
    }
    if manages(conn, actor, audit, &form)?.is_some() {
        return Ok((response, None, form));
    }
    Err(FormsError::NotFound)
}

/// A response as its household (or the form's managers) see it.
pub fn response(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<ResponseView> {
    let (response, _, form) = reach_response(conn, actor, audit, id, now)?;
    audit.read(conn, response_object(&response, &form.school_id))?;
    view_of(conn, &form, response)
}

/// The caller's household's response to the form; 404 when there is none.
pub fn my_response(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    form_id: &str,
    now: DateTime<Utc>,
) -> Result<ResponseView> {
    let guardian = as_guardian(conn, actor, audit, form_id, now)?;
    let response = store::household_response(conn, form_id, &guardian.household)?
        .ok_or(FormsError::NotFound)?;
    view_of(conn, &guardian.reached.form, response)
}

/// The guardian's reach of a response they may change (before their body is read).
pub(super) fn as_household(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(StoredResponse, AsGuardian)> {
    match reach_response(conn, actor, audit, id, now)? {
        (response, Some(guardian), _) => Ok((response, guardian)),
        (response, None, form) => {
            audit.record(
                conn,
                "change_form_response",
                response_object(&response, &form.school_id),
                "forbidden",
            )?;
            Err(FormsError::Forbidden)
        }
    }
}

/// Whether the caller may change the response (before their body is read): a guardian of its
/// household; 404 for those who do not reach it, 403 (recorded) for those who manage its form.
pub fn may_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    as_household(conn, actor, audit, id, now).map(|_| ())
}

/// Changes the household's response while the form is open: new answers, and sign-ups dropped
/// (a place freed goes to the first waiting) or added (at the end of the queue). Sign-ups kept
/// keep their place.
pub fn change(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    request: &ResponseRequest,
    now: DateTime<Utc>,
) -> Result<ResponseView> {
    let (_, guardian) = as_household(conn, actor, audit, id, now)?;
    open_or_conflict(&guardian, now)?;
    let answers = checked(conn, &guardian, request)?;
    let form = &guardian.reached.form;
    transaction(conn, |conn| {
        let response = store::lock_response(conn, &form.id, &guardian.household)?
            .filter(|r| r.id == id)
            .ok_or(FormsError::NotFound)?;
        store::update_response(conn, id, &guardian.guardian_id, &answers, now)?;
        let who = Household {
            form,
            response_id: id,
            household: &guardian.household,
            children: &guardian.children,
        };
        apply(conn, &who, &request.choices, now)?;
        audit.record(
            conn,
            "change_form_response",
            response_object(&response, &form.school_id),
            "ok",
        )?;
        let response = store::find_response(conn, id)?;
        view_of(conn, form, response)
    })
}
