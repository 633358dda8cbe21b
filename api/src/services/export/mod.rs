//! The access export (AVG art. 15, issue #14 item 4): a guardian asks for everything held about
//! them and their children; a worker collects it (`document`); they download it as JSON or ZIP
//! (`archive`) for `domain::export::KEEP_DAYS`. Requests and downloads are in the audit log (ids
//! only); a job's account is the only one that sees it (404 for anyone else).

pub mod archive;
pub mod document;

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::export::{ExportState, LEASE_SECONDS, expires_at, progress};
use persistence::export::jobs::{self, ExportJob};
use persistence::{AnyConnection, RepoError, transaction};

use crate::audit::{Audit, Object};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::idempotency::Claim;

pub use document::{CollectError, Progress};

fn object(id: &str) -> Object<'_> {
    Object {
        kind: "data_export",
        id: Some(id),
        school_id: None,
    }
}

/// What a request answers: a new job, or the first answer to a repeated `Idempotency-Key`.
pub enum Requested {
    New(ExportJob),
    Replayed(persistence::idempotency::StoredAnswer),
}

/// Queues an export for the caller, a guardian (403 otherwise, recorded); 409 while one of theirs
/// is queued or running (the database's partial unique index decides, whatever the timing).
pub fn request(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    claim: Option<&Claim>,
    now: DateTime<Utc>,
    answer: impl FnOnce(&ExportJob) -> serde_json::Value,
) -> Result<Requested, ApiError> {
    if actor.guardian.is_empty() {
        let nothing = Object {
            kind: "data_export",
            id: None,
            school_id: None,
        };
        return Err(audit.forbidden(conn, "export", nothing));
    }
    if let Some(prior) = crate::idempotency::replayed(claim, conn)? {
        return Ok(Requested::Replayed(prior));
    }
    let id = persistence::ids::new_id();
    let account = actor.account_id.to_string();
    transaction(conn, |conn| {
        let job = jobs::insert(conn, &id, &account, now.naive_utc()).map_err(|err| match err {
            RepoError::Conflict(_) => ApiError::Conflict(
                "An export of yours is queued or running already; wait until it is done."
                    .to_owned(),
            ),
            other => ApiError::from(other),
        })?;
        audit.record(conn, "export", object(&job.id), "ok")?;
        if let Some(claim) = claim {
            claim.remember(conn, actix_web::http::StatusCode::ACCEPTED, &answer(&job))?;
        }
        Ok(Requested::New(job))
    })
}

/// The caller's job (404 for anyone else's).
pub fn job(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<ExportJob, ApiError> {
    Ok(jobs::find(conn, &actor.account_id.to_string(), id)?)
}

/// Whether a finished job's document can still be downloaded at `now`.
pub fn downloadable(job: &ExportJob, now: DateTime<Utc>) -> bool {
    job.state == ExportState::Done && job.expires_at.is_some_and(|at| at.and_utc() > now)
}

/// The caller's finished document (409 while not done; 404 once no longer kept), recorded.
pub fn download(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let account = actor.account_id.to_string();
    let job = jobs::find(conn, &account, id)?;
    match job.state {
        ExportState::Done => {}
        ExportState::Failed => {
            return Err(ApiError::Conflict(
                "The export failed; request a new one.".to_owned(),
            ));
        }
        ExportState::Queued | ExportState::Running => {
            return Err(ApiError::Conflict(
                "The export is not done yet; poll the job until its state is `done`.".to_owned(),
            ));
        }
    }
    if !downloadable(&job, now) {
        return Err(ApiError::NotFound);
    }
    let document = jobs::document(conn, &account, id)?.ok_or(ApiError::NotFound)?;
    audit.record(conn, "download", object(id), "ok")?;
    Ok(document)
}

/// Reports a worker's progress on its job, extending its lease.
struct Lease<'a> {
    id: &'a str,
    owner: &'a str,
    clock: &'a Clock,
}

impl Progress for Lease<'_> {
    fn step(&mut self, conn: &mut AnyConnection, done: usize) -> Result<bool, RepoError> {
        let until = self.clock.now() + Duration::seconds(LEASE_SECONDS);
        jobs::advance(conn, self.id, self.owner, progress(done), until.naive_utc())
    }
}

/// Claims one waiting job for `owner` and collects it; the job ends done or failed. Returns the
/// job's id when there was one. Documents kept past their time are emptied first. Times come
/// from the app's clock, as the requests' do (a test holds it).
pub fn run_one(
    conn: &mut AnyConnection,
    owner: &str,
    clock: &Clock,
) -> Result<Option<String>, RepoError> {
    let now = clock.now();
    jobs::purge_expired(conn, now.naive_utc())?;
    let lease = now + Duration::seconds(LEASE_SECONDS);
    let Some(job) = jobs::claim(conn, owner, lease.naive_utc(), now.naive_utc())? else {
        return Ok(None);
    };
    let mut progress = Lease {
        id: &job.id,
        owner,
        clock,
    };
    match document::collect(conn, &job.account_id, now, &mut progress) {
        Ok(document) => {
            let body = serde_json::to_string(&document)
                .map_err(|err| RepoError::Corrupt(err.to_string()))?;
            let at = clock.now();
            jobs::finish(
                conn,
                &job.id,
                owner,
                &body,
                at.naive_utc(),
                expires_at(at).naive_utc(),
            )?;
        }
        // Another instance holds it now (our lease ran out): it finishes the job.
        Err(CollectError::Lost) => {}
        Err(err) => {
            // The error names tables or columns, never the data collected.
            log::error!("export {}: collection failed: {err}", job.id);
            jobs::fail(conn, &job.id, owner, clock.now().naive_utc())?;
        }
    }
    Ok(Some(job.id))
}
