//! Webhooks (SPEC §6, issue #10 item 10): a school's admins (and its board's) register endpoints
//! that are told of the school's events, read what was sent and replay it. The worker finishes
//! each attempt here too.
//!
//! Endpoints on a school's path are reached through the school (404 out of scope, 403 for those
//! who see the school but may not manage its webhooks, recorded); endpoints by id exist only for
//! those who manage their school (404 for everyone else).
//!
//! The signing secret is generated here (32 random bytes), shown once when it is made and stored
//! as it is: the worker must sign with it, so it is not hashed, and it is not encrypted at rest
//! either. Anyone who reads the database can sign as the portal; a school admin who suspects a
//! leak rotates the secret.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::notify::webhook_delivery::{disables, next_attempt_at};
use domain::policy::SchoolAction;
use persistence::page::Page;
use persistence::schools::{self, VisibleSchool, school_ref};
use persistence::webhooks::deliveries::{self, AttemptOutcome, Job};
use persistence::webhooks::endpoints::{self, EndpointChanges, NewEndpoint};
use persistence::webhooks::{Attempt, Delivery, Endpoint};
use persistence::{AnyConnection, RepoError};

use crate::audit::{Audit, Object};
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// A replay asked of a disabled endpoint: nothing would send it.
    #[error("the endpoint is disabled")]
    Disabled,
    #[error(transparent)]
    Repo(RepoError),
}

impl From<RepoError> for WebhookError {
    fn from(err: RepoError) -> Self {
        match err {
            RepoError::NotFound => WebhookError::NotFound,
            other => WebhookError::Repo(other),
        }
    }
}

impl From<WebhookError> for ApiError {
    fn from(err: WebhookError) -> Self {
        match err {
            WebhookError::NotFound => ApiError::NotFound,
            WebhookError::Forbidden => ApiError::Forbidden,
            WebhookError::Disabled => ApiError::Conflict(
                "The endpoint is disabled; enable it first (`active: true`).".to_owned(),
            ),
            WebhookError::Repo(err) => ApiError::from(err),
        }
    }
}

type Result<T, E = WebhookError> = std::result::Result<T, E>;

/// A new signing secret: 32 random bytes, hex, with a prefix that secret scanners recognise.
pub fn new_secret() -> std::result::Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| err.to_string())?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("whsec_{hex}"))
}

fn object(endpoint: &Endpoint) -> Object<'_> {
    Object {
        kind: "webhook",
        id: Some(&endpoint.id),
        school_id: Some(&endpoint.school_id),
    }
}

/// The school, if the caller may manage its webhooks (404 out of scope, 403 recorded otherwise).
fn managed_school(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<VisibleSchool> {
    let school = schools::find_visible(conn, &actor.school_scope(), school_id)?;
    let action = SchoolAction::ManageWebhooks;
    if actor.may(action, school_ref(school.row())) {
        return Ok(school);
    }
    let object = Object {
        kind: "school",
        id: Some(school_id),
        school_id: Some(school_id),
    };
    audit.record(conn, action.as_str(), object, "forbidden")?;
    Err(WebhookError::Forbidden)
}

/// An endpoint of a school the caller manages; 404 for anyone else.
fn managed_endpoint(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<Endpoint> {
    let managed = endpoints::managed_schools(conn, actor)?;
    Ok(endpoints::find(conn, &managed, id)?)
}

/// What registering takes, checked: the URL by `may_fetch`'s rules, the subscription and the
/// description by the domain's.
pub struct Registration {
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<domain::notify::EventKind>,
}

/// Whether the caller may register endpoints at the school, checked before the body is read.
pub fn may_register(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<()> {
    managed_school(conn, actor, audit, school_id).map(drop)
}

/// Registers an endpoint with a new secret; returns it with the secret.
pub fn register(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    registration: &Registration,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Endpoint> {
    let school = managed_school(conn, actor, audit, school_id)?;
    persistence::transaction(conn, |conn| {
        let new = NewEndpoint {
            url: &registration.url,
            description: registration.description.as_deref(),
            event_types: &registration.event_types,
            secret,
        };
        let endpoint = endpoints::insert(conn, &school, &new, now)?;
        audit.record(conn, "create_webhook", object(&endpoint), "ok")?;
        Ok(endpoint)
    })
}

pub fn list(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<Endpoint>> {
    let school = managed_school(conn, actor, audit, school_id)?;
    Ok(endpoints::list(conn, &school, after, limit)?)
}

pub fn get(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<Endpoint> {
    managed_endpoint(conn, actor, id)
}

pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    changes: EndpointChanges,
    now: NaiveDateTime,
) -> Result<Endpoint> {
    let endpoint = managed_endpoint(conn, actor, id)?;
    persistence::transaction(conn, |conn| {
        let updated = endpoints::update(conn, &endpoint, changes, now)?;
        audit.record(conn, "update_webhook", object(&updated), "ok")?;
        Ok(updated)
    })
}

pub fn delete(conn: &mut AnyConnection, actor: &Actor, audit: &Audit, id: &str) -> Result<()> {
    let endpoint = managed_endpoint(conn, actor, id)?;
    persistence::transaction(conn, |conn| {
        endpoints::delete(conn, &endpoint)?;
        audit.record(conn, "delete_webhook", object(&endpoint), "ok")?;
        Ok(())
    })
}

/// Gives the endpoint a new secret; requests are signed with it from now on.
pub fn rotate_secret(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Endpoint> {
    let endpoint = managed_endpoint(conn, actor, id)?;
    persistence::transaction(conn, |conn| {
        let updated = endpoints::set_secret(conn, &endpoint, secret, now)?;
        audit.record(conn, "rotate_webhook_secret", object(&updated), "ok")?;
        Ok(updated)
    })
}

pub fn deliveries(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<(Delivery, Vec<Attempt>)>> {
    let endpoint = managed_endpoint(conn, actor, id)?;
    Ok(deliveries::list(conn, &endpoint, before, limit)?)
}

/// Makes a delivery due at once with a fresh schedule, whatever its state.
pub fn replay(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    delivery_id: &str,
    now: NaiveDateTime,
) -> Result<Delivery> {
    let endpoint = managed_endpoint(conn, actor, id)?;
    persistence::transaction(conn, |conn| {
        let delivery = deliveries::replay(conn, &endpoint, delivery_id, now)?;
        if endpoint.disabled.is_some() {
            return Err(WebhookError::Disabled);
        }
        let object = Object {
            kind: "webhook_delivery",
            id: Some(&delivery.id),
            school_id: Some(&endpoint.school_id),
        };
        audit.record(conn, "replay_webhook_delivery", object, "ok")?;
        Ok(delivery)
    })
}

/// The worker's end of an attempt, in one transaction: delivered, or due again after the
/// domain's back-off, or given up; the endpoint is disabled when the domain says its run of
/// given-up deliveries is long enough. True when this attempt disabled the endpoint.
pub fn finish_attempt(
    conn: &mut AnyConnection,
    job: &Job,
    owner: &str,
    outcome: &AttemptOutcome,
    delivered: bool,
) -> Result<bool, RepoError> {
    persistence::transaction(conn, |conn| {
        if delivered {
            deliveries::mark_delivered(conn, job, owner, outcome)?;
            return Ok(false);
        }
        let made = u32::try_from(job.delivery.attempts).unwrap_or(0) + 1;
        let retry = next_attempt_at(outcome.attempted_at, made);
        match deliveries::mark_failed(conn, job, owner, outcome, retry)? {
            Some(in_a_row) if disables(in_a_row) => Ok(endpoints::disable_failing(
                conn,
                &job.delivery.endpoint_id,
                outcome.attempted_at,
            )?),
            _ => Ok(false),
        }
    })
}
