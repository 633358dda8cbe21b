//! Deciding a request: the director approves, rejects or forwards it; the school records the
//! attendance officer's decision on a forwarded one; a guardian withdraws it while pending. Each
//! runs under the pupil's write lock and a guarded update, so two decisions apply once; granted
//! leave becomes an absence, and every decision tells the pupil's guardians.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::leave::{
    Decider, LeaveSettings, Outcome, PupilFacts, Severity, decide as transition, evaluate, policy,
};
use domain::mail::Language;
use domain::notify::EventKind;
use persistence::AnyConnection;
use persistence::leave::{self as leave, Decided, StoredLeave};
use persistence::notify::{self, NewEvent};

use super::{LeaveError, Pupil, Result, forbidden, request_object, visible, years_between};
use crate::audit::Audit;
use crate::services::calendar::calendars;
use crate::services::school_ref;
use domain::Invalid;
use domain::change_request::Refusal;

fn refused(field: &str, invalid: Invalid) -> LeaveError {
    LeaveError::Refused(vec![Refusal {
        field: field.to_owned(),
        reason: invalid,
    }])
}

/// The request as it is under the pupil's lock, weighed again against the pupil's other requests
/// now: a request that was fine when submitted may break "once per school year" since another one
/// was granted, and must not be granted then.
fn weigh_again(
    conn: &mut AnyConnection,
    pupil: &Pupil,
    request: &StoredLeave,
) -> Result<(bool, Vec<domain::leave::Issue>, Decider)> {
    let earlier: Vec<_> = leave::for_pupil(conn, &request.pupil_id)?
        .iter()
        .filter(|e| e.id != request.id)
        .map(StoredLeave::earlier)
        .collect();
    let mut years = Vec::new();
    years_between(request.first_day, request.last_day, &mut years);
    for e in &earlier {
        years_between(e.first_day, e.last_day, &mut years);
    }
    let calendars = calendars(conn, &request.school_id, &years)?;
    let facts = PupilFacts {
        birth_date: pupil.row.date_of_birth,
    };
    let settings = LeaveSettings {
        advance_weeks: persistence::absence::settings::get(conn, &request.school_id)?
            .leave_notice_weeks,
    };
    let verdict = evaluate(&request.request(), &calendars, &earlier, &facts, &settings);
    let decider = if verdict.decider == Decider::AttendanceOfficer {
        Decider::AttendanceOfficer
    } else {
        request.decider
    };
    let law = verdict
        .issues
        .iter()
        .copied()
        .filter(|i| i.severity == Severity::Law)
        .collect();
    Ok((verdict.breaks_law(), law, decider))
}

/// Tells the pupil's guardians that the request was decided: no reasons, no medical detail, only
/// that there is a decision (the app fetches the request with the user's token).
fn notify_guardians(
    conn: &mut AnyConnection,
    request: &StoredLeave,
    now: NaiveDateTime,
) -> Result<()> {
    let event = NewEvent {
        school_id: &request.school_id,
        kind: EventKind::LeaveDecided,
        object_id: &request.id,
        urgent: false,
        language: Language::Dutch,
        title: "Besluit over een verlofaanvraag",
        body: "De school heeft besloten over een verlofaanvraag. Bekijk het besluit in de app.",
    };
    notify::emit(conn, &event, now)?;
    Ok(())
}

/// Who acts, as what (the audit log's action), and when.
#[derive(Clone, Copy)]
struct Act<'a> {
    account: &'a str,
    action: &'static str,
    audit: &'a Audit,
    now: NaiveDateTime,
}

/// Applies `outcome` to the request, read again under the pupil's lock.
fn apply(
    conn: &mut AnyConnection,
    pupil: &Pupil,
    id: &str,
    outcome: &Outcome,
    act: &Act<'_>,
) -> Result<StoredLeave> {
    let Act {
        account,
        action,
        audit,
        now,
    } = *act;
    persistence::transaction(conn, |conn| {
        leave::lock_pupil(conn, &pupil.row.id)?;
        let request = leave::find(conn, id)?;
        let (breaks_law, law, decider) = match outcome {
            Outcome::Approved => weigh_again(conn, pupil, &request)?,
            _ => (false, Vec::new(), request.decider),
        };
        let to = transition(request.state, request.kind, decider, breaks_law, outcome).map_err(
            |invalid| match invalid.code {
                "invalid_transition" => LeaveError::NotOpen(request.state),
                "violates_law" => LeaveError::BreaksLaw(law),
                "reason_required" => refused("reason", invalid),
                _ => refused("outcome", invalid),
            },
        )?;
        let decided = match outcome {
            Outcome::Rejected { reason } => Decided::ByDirector {
                by: account,
                reason: Some(reason.trim()),
            },
            Outcome::DecidedByOfficer { reason, .. } => Decided::ByOfficer {
                by: account,
                reason: reason.as_deref(),
            },
            _ => Decided::ByDirector {
                by: account,
                reason: None,
            },
        };
        if !leave::record_decision(conn, &request, to, &decided, now)? {
            return Err(LeaveError::DecidedMeanwhile);
        }
        if to.is_granted() {
            leave::insert_absence(conn, &request, account, now)?;
        }
        if *outcome != Outcome::Withdrawn {
            notify_guardians(conn, &request, now)?;
        }
        audit.record(conn, action, request_object(&request), "ok")?;
        Ok(leave::find(conn, id)?)
    })
}

/// The director's decision: approved, rejected (with its reason) or forwarded to the attendance
/// officer (art. 14 leave beyond the director's 10 days only).
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> Result<StoredLeave> {
    let (request, pupil) = visible(conn, actor, audit, id)?;
    if !policy::may_decide(actor, school_ref(pupil.school.row())) {
        return Err(forbidden(conn, audit, "decide_leave_request", &request)?);
    }
    let account = actor.account_id.to_string();
    let act = Act {
        account: &account,
        action: "decide_leave_request",
        audit,
        now,
    };
    apply(conn, &pupil, id, outcome, &act)
}

/// The attendance officer's decision on a forwarded request, recorded by the director or the
/// school admin; a refusal gives its reason.
pub fn record_officer_decision(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    granted: bool,
    reason: Option<String>,
    now: NaiveDateTime,
) -> Result<StoredLeave> {
    let (request, pupil) = visible(conn, actor, audit, id)?;
    if !policy::may_record_officer_decision(actor, school_ref(pupil.school.row())) {
        return Err(forbidden(conn, audit, "record_officer_decision", &request)?);
    }
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if !granted && reason.is_none() {
        return Err(refused(
            "reason",
            Invalid::new("reason_required", "a refusal gives its reason"),
        ));
    }
    let outcome = Outcome::DecidedByOfficer { granted, reason };
    let account = actor.account_id.to_string();
    let act = Act {
        account: &account,
        action: "record_officer_decision",
        audit,
        now,
    };
    apply(conn, &pupil, id, &outcome, &act)
}

/// A guardian with parental authority takes the request back before it is decided.
pub fn withdraw(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<StoredLeave> {
    let (request, pupil) = visible(conn, actor, audit, id)?;
    if !policy::may_withdraw(actor, &pupil.at()) {
        return Err(forbidden(conn, audit, "withdraw_leave_request", &request)?);
    }
    let account = actor.account_id.to_string();
    let act = Act {
        account: &account,
        action: "withdraw_leave_request",
        audit,
        now,
    };
    apply(conn, &pupil, id, &Outcome::Withdrawn, &act)
}
