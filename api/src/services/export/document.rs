//! Collecting the export's document: one query per section over the whole family (no N+1), then
//! arranged per child. Progress is reported after each section.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use domain::export::SECTIONS;
use persistence::export::rows::{AuditRecord, ResponseRecord, SignupRecord};
use persistence::export::{Family, activity, communication, family};
use persistence::{AnyConnection, RepoError};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Reports that `done` sections are collected; false stops the collection (the job is no longer
/// this worker's).
pub trait Progress {
    fn step(&mut self, conn: &mut AnyConnection, done: usize) -> Result<bool, RepoError>;
}

/// Why a collection stopped without a document.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("the job was taken over")]
    Lost,
    #[error("a section could not be written: {0}")]
    Json(#[from] serde_json::Error),
}

fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn value(item: &impl Serialize) -> Result<Value, serde_json::Error> {
    serde_json::to_value(item)
}

/// Rows grouped by a key (a child's id), as JSON.
fn by<T: Serialize>(
    rows: &[T],
    key: impl Fn(&T) -> Option<&str>,
) -> Result<BTreeMap<String, Vec<Value>>, serde_json::Error> {
    let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for row in rows {
        if let Some(k) = key(row) {
            grouped.entry(k.to_owned()).or_default().push(value(row)?);
        }
    }
    Ok(grouped)
}

/// A section's progress step: stops the collection when the job was lost.
fn next(
    conn: &mut AnyConnection,
    progress: &mut impl Progress,
    done: &mut usize,
) -> Result<(), CollectError> {
    *done += 1;
    if progress.step(conn, (*done).min(SECTIONS.len()))? {
        Ok(())
    } else {
        Err(CollectError::Lost)
    }
}

/// Everything held about the account's guardian records and their children.
pub fn collect(
    conn: &mut AnyConnection,
    account_id: &str,
    now: DateTime<Utc>,
    progress: &mut impl Progress,
) -> Result<Value, CollectError> {
    let mut done = 0;
    let fam = Family::of(conn, account_id)?;
    let email = family::email(conn, &fam)?;
    next(conn, progress, &mut done)?;
    let guardians = family::guardian_records(conn, &fam)?;
    next(conn, progress, &mut done)?;
    let pupils = family::children(conn, &fam)?;
    let co_guardians = by(&family::co_guardians(conn, &fam)?, |g| Some(&g.pupil_id))?;
    next(conn, progress, &mut done)?;
    let groups = by(&family::groups(conn, &fam)?, |g| Some(&g.pupil_id))?;
    next(conn, progress, &mut done)?;
    let consents = by(&family::consents(conn, &fam)?, |c| Some(&c.subject_id))?;
    let history = by(&family::consent_history(conn, &fam)?, |c| {
        Some(&c.subject_id)
    })?;
    next(conn, progress, &mut done)?;
    let notes = by(&family::medical_notes(conn, &fam)?, |n| Some(&n.pupil_id))?;
    next(conn, progress, &mut done)?;
    let changes = by(&activity::absence_history(conn, &fam)?, |c| {
        Some(&c.absence_id)
    })?;
    let mut absences: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for absence in activity::absences(conn, &fam)? {
        let mut item = value(&absence)?;
        item["history"] = Value::Array(changes.get(&absence.id).cloned().unwrap_or_default());
        absences.entry(absence.pupil_id).or_default().push(item);
    }
    next(conn, progress, &mut done)?;
    let leave = by(&activity::leave_requests(conn, &fam)?, |l| {
        Some(&l.pupil_id)
    })?;
    next(conn, progress, &mut done)?;
    let bookings = by(&activity::bookings(conn, &fam)?, |b| Some(&b.pupil_id))?;
    next(conn, progress, &mut done)?;
    let responses = activity::form_responses(conn, &fam)?;
    let ids: Vec<String> = responses.iter().map(|r| r.id.clone()).collect();
    let signups = activity::signups(conn, &ids)?;
    let child_signups = by(&signups, |s| s.pupil_id.as_deref())?;
    let form_responses = responses_with_signups(&responses, &signups)?;
    next(conn, progress, &mut done)?;
    let (requests, fields) = activity::change_requests(conn, &fam)?;
    let fields = by(&fields, |f| Some(&f.request_id))?;
    let mut change_requests = Vec::new();
    for request in &requests {
        let mut item = value(request)?;
        item["fields"] = Value::Array(fields.get(&request.id).cloned().unwrap_or_default());
        change_requests.push(item);
    }
    next(conn, progress, &mut done)?;
    let news = json!({
        "reads": communication::news_reads(conn, &fam)?,
        "confirmations": communication::news_confirmations(conn, &fam)?,
        "comments": communication::news_comments(conn, &fam)?,
    });
    next(conn, progress, &mut done)?;
    let notifications = communication::notifications(conn, &fam)?;
    let audit = communication::audit_events(conn, &fam)?;
    next(conn, progress, &mut done)?;

    let list = |map: &BTreeMap<String, Vec<Value>>, id: &str| {
        Value::Array(map.get(id).cloned().unwrap_or_default())
    };
    let mut children = Vec::new();
    for pupil in &pupils {
        let id = pupil.id.as_str();
        children.push(json!({
            "pupil": pupil,
            "groups": list(&groups, id),
            "guardians": list(&co_guardians, id),
            "consents": list(&consents, id),
            "consent_history": list(&history, id),
            "medical_note": notes.get(id).and_then(|n| n.first()).cloned(),
            "absences": list(&absences, id),
            "leave_requests": list(&leave, id),
            "bookings": list(&bookings, id),
            "signups": list(&child_signups, id),
        }));
    }
    let own = |map: &BTreeMap<String, Vec<Value>>| {
        fam.guardian_ids
            .iter()
            .flat_map(|g| map.get(g).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    Ok(json!({
        "generated_at": utc(now),
        "account": {"email": email},
        "guardians": guardians,
        "children": children,
        "own_consents": own(&consents),
        "own_consent_history": own(&history),
        "form_responses": form_responses,
        "change_requests": change_requests,
        "news": news,
        "notifications": notifications,
        "audit_events": audit.iter().map(|e| audit_event(e, account_id)).collect::<Vec<_>>(),
    }))
}

/// Each response with its answers (parsed) and sign-ups.
fn responses_with_signups(
    responses: &[ResponseRecord],
    signups: &[SignupRecord],
) -> Result<Vec<Value>, serde_json::Error> {
    let per_response = by(signups, |s| Some(&s.response_id))?;
    Ok(responses
        .iter()
        .map(|r| {
            // Stored by the forms module as JSON; kept as text if it ever is not.
            let answers = serde_json::from_str(&r.answers)
                .unwrap_or_else(|_| Value::String(r.answers.clone()));
            json!({
                "id": r.id,
                "form_id": r.form_id,
                "form_title": r.form_title,
                "household": r.household,
                "responded_by": r.responded_by,
                "answers": answers,
                "created_at": utc(r.created_at.and_utc()),
                "updated_at": utc(r.updated_at.and_utc()),
                "signups": per_response.get(&r.id).cloned().unwrap_or_default(),
            })
        })
        .collect())
}

/// An audit event without the acting account's id (another person's, when not theirs).
fn audit_event(event: &AuditRecord, account_id: &str) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(event.id));
    item.insert("at".into(), json!(utc(event.at.and_utc())));
    item.insert("action".into(), json!(event.action));
    item.insert("object_type".into(), json!(event.object_type));
    item.insert("object_id".into(), json!(event.object_id));
    item.insert("school_id".into(), json!(event.school_id));
    item.insert("outcome".into(), json!(event.outcome));
    item.insert(
        "by_you".into(),
        json!(event.account_id.as_deref() == Some(account_id)),
    );
    Value::Object(item)
}
