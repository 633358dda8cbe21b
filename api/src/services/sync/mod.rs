//! One roster sync, whatever its source (JSON snapshot, delta, EDEXML upload or nightly fetch):
//! merge with what the portal holds, validate, apply in one transaction, send new activation links
//! to guardians whose address changed, resolve change requests the LAS has now processed, and
//! record the run. A failed sync changes nothing and is recorded as failed. Every run, refused or
//! not, is in the audit log too, naming the client or person who sent it.

use domain::edexml::EdexFile;
use domain::mail::{Language, Message};
use domain::roster::{self, Delta, Rejection, Snapshot};
use domain::schedule::school_date;
use domain::school_year::SchoolYear;
use domain::sync_hold::{self, DEFAULT_HOLD_PERCENT, HoldReason};
use persistence::ids::now;
use persistence::roster_sync::{Counts, SyncCounts, apply, load_held};
use persistence::schools::SchoolRow;
use persistence::sync_runs::{self, NewRun, RunStatus, SyncRunRow};
use persistence::{AnyConnection, RepoError, outbox, roster as roster_rows, schools};
use serde_json::json;

use crate::accounts::{self, Invitee};
use crate::audit::{Audit, Object};
use crate::services;
use crate::telemetry;

mod error;

pub use error::SyncError;

/// Where the roster came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Snapshot,
    Delta,
    EdexmlUpload,
    EdexmlFetch,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Snapshot,
        Source::Delta,
        Source::EdexmlUpload,
        Source::EdexmlFetch,
    ];

    pub fn parse(value: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Snapshot => "snapshot",
            Source::Delta => "delta",
            Source::EdexmlUpload => "edexml_upload",
            Source::EdexmlFetch => "edexml_fetch",
        }
    }
}

/// One sync to run: the school, where the links in its mail lead, the source, who started it, and
/// whether a hold is overridden (`force`).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub school: &'a SchoolRow,
    pub base_url: &'a str,
    pub source: Source,
    pub by: &'a StartedBy,
    pub force: bool,
}

/// What the source sent.
#[derive(Debug)]
pub enum Input {
    Snapshot(Snapshot),
    Delta(Delta),
    Edexml(EdexFile),
}

impl Input {
    fn school_year(&self) -> &str {
        match self {
            Input::Snapshot(s) => &s.school_year,
            Input::Delta(d) => &d.school_year,
            Input::Edexml(f) => &f.school_year,
        }
    }
}

/// Who started the sync: an integration client, a person, or the scheduler (neither).
#[derive(Debug, Clone, Default)]
pub struct StartedBy {
    pub client_id: Option<String>,
    pub account_id: Option<String>,
}

/// What a successful sync did.
#[derive(Debug)]
pub struct Report {
    pub run: SyncRunRow,
    pub counts: SyncCounts,
    pub rejected: Vec<Rejection>,
    /// Guardians sent a link at their new address because it changed.
    pub invitations: usize,
    /// Change requests closed because the LAS now holds the proposed values.
    pub resolved_requests: usize,
    /// Consent decisions the LAS changed.
    pub consents_changed: usize,
    /// Why the sync was held instead of applied (its counts are what it would do).
    pub held: Option<HoldReason>,
}

fn counts_json(counts: &SyncCounts) -> String {
    let kind = |c: Counts| json!({"created": c.created, "updated": c.updated, "deactivated": c.deactivated, "unchanged": c.unchanged});
    json!({
        "groups": kind(counts.groups),
        "pupils": kind(counts.pupils),
        "guardians": kind(counts.guardians),
        "staff": kind(counts.staff),
    })
    .to_string()
}

fn structure_error(field: impl Into<String>, message: impl Into<String>) -> SyncError {
    SyncError::invalid(field, "invalid_structure", message)
}

/// Runs a sync for `school` on this connection (call it inside `db::run`). A successful sync
/// commits with its record; a failed one rolls back and is recorded as failed afterwards. A sync
/// that would deactivate much of the school is held unless `force`d: recorded with the roster it
/// would apply, the school's admins told, nothing else changed.
pub fn run(
    conn: &mut AnyConnection,
    request: Request<'_>,
    input: Input,
) -> Result<Report, SyncError> {
    let Request {
        school,
        base_url,
        source,
        by,
        force,
    } = request;
    let started_at = now();
    let school_year = input.school_year().to_owned();
    let run = |status: RunStatus, applied: Option<&Applied>, error: Option<String>| NewRun {
        school_id: school.id.clone(),
        source: source.as_str(),
        client_id: by.client_id.clone(),
        account_id: by.account_id.clone(),
        school_year: Some(school_year.clone()),
        status,
        counts: applied.map(|a| counts_json(&a.counts)),
        rejected: applied.map_or(0, |a| a.rejected.len()),
        error,
        started_at,
        finished_at: now(),
    };
    let result = persistence::transaction(conn, |conn| {
        let applied = sync_in_transaction(conn, school, base_url, input, force)?;
        let status = match &applied.held {
            Some(held) => RunStatus::Held {
                snapshot: serde_json::to_string(&held.snapshot)
                    .map_err(|e| SyncError::Internal(e.to_string()))?,
            },
            None => RunStatus::Succeeded,
        };
        let error = applied.held.as_ref().map(|h| h.reason.describe());
        let row = sync_runs::record(conn, run(status, Some(&applied), error))?;
        Ok::<_, SyncError>((applied, row))
    });
    match result {
        Ok((applied, row)) => Ok(Report {
            run: row,
            counts: applied.counts,
            rejected: applied.rejected,
            invitations: applied.invitations,
            resolved_requests: applied.resolved_requests,
            consents_changed: applied.consents_changed,
            held: applied.held.map(|h| h.reason),
        }),
        Err(err) => {
            sync_runs::record(conn, run(RunStatus::Failed, None, Some(err.failure_text())))?;
            Err(err)
        }
    }
}

struct Applied {
    counts: SyncCounts,
    rejected: Vec<Rejection>,
    invitations: usize,
    resolved_requests: usize,
    consents_changed: usize,
    held: Option<Held>,
}

/// A sync not applied: the roster it would apply, and why.
struct Held {
    snapshot: Snapshot,
    reason: HoldReason,
}

fn sync_in_transaction(
    conn: &mut AnyConnection,
    school: &SchoolRow,
    base_url: &str,
    input: Input,
    force: bool,
) -> Result<Applied, SyncError> {
    let year = SchoolYear::parse(input.school_year())
        .ok_or_else(|| structure_error("school_year", "must be like 2026-2027"))?;
    let today = school_date(chrono::Utc::now());
    if !year.accepts_sync(today) {
        // A well-formed roster of the wrong moment (an old export, a year too early): it conflicts
        // with the school's calendar, not with the contract, so 409 rather than 422.
        return Err(SyncError::WrongMoment(format!(
            "The roster is of school year {}; only the current school year ({}) or the next one \
             can be synced.",
            year.name(),
            SchoolYear::containing(today).name()
        )));
    }
    // One sync of a school at a time: this takes the school's row lock on PostgreSQL and the
    // write lock on SQLite before anything is read.
    schools::lock_for_sync(conn, &school.id)?;
    let year_row = roster_rows::school_year(
        conn,
        &school.id,
        &year.name(),
        year.starts_on(),
        year.ends_on(),
    )?;
    let held = load_held(conn, &school.id, &year_row.id)?;
    let held_snapshot = held.snapshot(&year.name());
    let snapshot = match input {
        Input::Snapshot(snapshot) => snapshot,
        Input::Delta(delta) => roster::apply_delta(held_snapshot.clone(), &delta)
            .map_err(|e| structure_error(e.field, e.message))?,
        Input::Edexml(file) => {
            if !file.is_for_school(&school.brin) {
                return Err(structure_error(
                    "school/brincode",
                    "the file is of another school (its BRIN differs from this school's)",
                ));
            }
            let incoming = Snapshot {
                school_year: file.school_year,
                groups: file.groups,
                pupils: file.pupils,
                guardians: Vec::new(),
                staff: file.staff,
                consents: Vec::new(),
            };
            roster::merge_without_guardians(incoming, held_snapshot.clone())
        }
    };
    let (snapshot, rejected) = roster::validate_against(snapshot, &held_snapshot)
        .map_err(|e| structure_error(e.field, e.message))?;

    let percent = u8::try_from(school.sync_hold_percent).unwrap_or(DEFAULT_HOLD_PERCENT);
    let day_ago = now() - chrono::Duration::days(1);
    let recently = pupils_deactivated(&sync_runs::succeeded_counts_since(
        conn, &school.id, day_ago,
    )?);
    if !force && let Some(reason) = sync_hold::assess(&held_snapshot, &snapshot, percent, recently)
    {
        // One mail a day: a client that keeps pushing does not flood the administration.
        if !sync_runs::held_since(conn, &school.id, day_ago)?
            && let Some(to) = &school.admin_email
        {
            let mail = Message::SyncHeld {
                school: &school.name,
                reason,
            }
            .render(Language::Dutch);
            outbox::enqueue(conn, mail.kind, to, &mail.subject, &mail.body)?;
        }
        return Ok(Applied {
            counts: SyncCounts::preview(&held_snapshot, &snapshot),
            rejected,
            invitations: 0,
            resolved_requests: 0,
            consents_changed: 0,
            held: Some(Held { snapshot, reason }),
        });
    }

    let guardian_ids = held.guardian_ids();
    let readdressed: Vec<(String, String)> =
        roster::readdressed(&held_snapshot.guardians, &snapshot.guardians)
            .into_iter()
            .filter_map(|(key, email)| {
                Some(((*guardian_ids.get(key)?).to_owned(), email?.to_owned()))
            })
            .collect();

    let counts = apply(conn, &school.id, &year_row.id, &snapshot, &held, today)?;
    let consents_changed =
        persistence::consent::import_from_las(conn, &school.id, &snapshot.consents, now())?;

    // Seed 000: the account belonged to whoever held the old address; the person at the new
    // address gets a link of their own (to activate an account, or to confirm an existing one).
    // Counted whatever the outcome, so the answer does not tell whether an account exists.
    for (guardian_id, email) in &readdressed {
        // In a savepoint: one guardian's failure must not fail the school's whole sync.
        let invited = persistence::transaction(conn, |conn| {
            accounts::invite(
                conn,
                Invitee::Guardian { id: guardian_id },
                email,
                &school.name,
                base_url,
            )
        });
        if let Err(err) = invited {
            log::warn!("sync: no link for a readdressed guardian: {err}");
        }
    }
    let invitations = readdressed.len();
    let resolved_requests =
        services::change_requests::resolve_after_sync(conn, &school.id, &school.name)?;
    Ok(Applied {
        counts,
        rejected,
        invitations,
        resolved_requests,
        consents_changed,
        held: None,
    })
}

/// The pupils these runs (their counts as recorded) deactivated.
fn pupils_deactivated(counts: &[String]) -> usize {
    counts
        .iter()
        .filter_map(|c| serde_json::from_str::<serde_json::Value>(c).ok())
        .filter_map(|c| c["pupils"]["deactivated"].as_u64())
        .map(|n| usize::try_from(n).unwrap_or(0))
        .sum()
}

/// An EDEXML document as sync input, or the error that says where it is wrong.
pub fn parse_edexml(xml: &str) -> Result<Input, SyncError> {
    let today = chrono::Utc::now().date_naive();
    domain::edexml::parse(xml, today)
        .map(Input::Edexml)
        .map_err(|e| SyncError::invalid(e.location, "invalid_edexml", e.message))
}

/// Runs a sync and records it in the audit log too: `held` when it was held, `failed` when it
/// failed.
pub fn run_audited(
    conn: &mut AnyConnection,
    request: Request<'_>,
    input: Input,
) -> Result<Report, SyncError> {
    let result = run(conn, request, input);
    let outcome = match &result {
        Ok(report) if report.held.is_some() => "held",
        Ok(_) => "ok",
        Err(_) => "failed",
    };
    audit(conn, request.school, request.by, outcome)?;
    result
}

/// Records a sync refused before it started (a file or a body that is not valid, a fetch that
/// brought nothing), among the school's runs and in the audit log.
pub fn record_refused(
    conn: &mut AnyConnection,
    school: &SchoolRow,
    source: Source,
    by: &StartedBy,
    reason: String,
) -> Result<(), RepoError> {
    let at = now();
    sync_runs::record(
        conn,
        NewRun {
            school_id: school.id.clone(),
            source: source.as_str(),
            client_id: by.client_id.clone(),
            account_id: by.account_id.clone(),
            school_year: None,
            status: RunStatus::Failed,
            counts: None,
            rejected: 0,
            error: Some(reason),
            started_at: at,
            finished_at: at,
        },
    )?;
    audit(conn, school, by, "refused")
}

/// Records a roster sync in the audit log, naming the client or person who sent it.
fn audit(
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
