//! Consent the LAS keeps, imported with a roster sync (issue #14): the purposes it sends become
//! read-only here and carry the time of the last import; a decision that differs from what the
//! portal holds is recorded (with the history), one that is the same is confirmed as of now, so a
//! yearly renewal counts from the last time the LAS vouched for it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::consent::Code;
use domain::roster::LasConsent;

use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{consent_events, consent_purposes, consents, pupils};

/// Ids per `IN (…)` list: well under SQLite's bound on parameters, whatever the LAS sends.
const IDS_PER_STATEMENT: usize = 5_000;

/// Imports the LAS's consents at the school (in the sync's transaction) and returns how many
/// decisions changed. Pupils the school does not hold (the sync left them out) are skipped.
pub fn import_from_las(
    conn: &mut AnyConnection,
    school_id: &str,
    imported: &[LasConsent],
    at: NaiveDateTime,
) -> Result<usize, RepoError> {
    if imported.is_empty() {
        return Ok(0);
    }
    let purposes = mark_kept_by_las(conn, school_id, imported, at)?;
    let pupil_ids = pupil_ids(conn, school_id, imported)?;
    let held = held(conn, &purposes, &pupil_ids)?;

    // Per purpose: the subjects whose decision changes, and those confirmed unchanged (their time
    // moves to now). A statement per purpose and batch, never per pupil.
    let mut changed: BTreeMap<&str, Vec<(&str, bool)>> = BTreeMap::new();
    let mut confirmed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for consent in imported {
        let (Some(purpose), Some(pupil)) = (
            purposes.get(&consent.purpose),
            pupil_ids.get(consent.pupil.as_str()),
        ) else {
            continue;
        };
        let key = (purpose.clone(), pupil.clone());
        if held.get(&key) == Some(&(consent.given, true)) {
            confirmed
                .entry(purpose.as_str())
                .or_default()
                .push(pupil.as_str());
        } else {
            changed
                .entry(purpose.as_str())
                .or_default()
                .push((pupil.as_str(), consent.given));
        }
    }
    let count = changed.values().map(Vec::len).sum();
    for (purpose, decisions) in changed {
        for chunk in decisions.chunks(BATCH) {
            replace(conn, purpose, chunk, at)?;
        }
    }
    for (purpose, subjects) in confirmed {
        for chunk in subjects.chunks(IDS_PER_STATEMENT) {
            diesel::update(
                consents::table
                    .filter(consents::purpose_id.eq(purpose))
                    .filter(consents::subject_id.eq_any(chunk))
                    .filter(consents::source.eq("las")),
            )
            .set(consents::decided_at.eq(at))
            .execute(conn)?;
        }
    }
    Ok(count)
}

/// Rows per insert: a few columns each, well under SQLite's bound on parameters.
const BATCH: usize = 500;

/// Makes these the decisions that hold on the purpose, from the LAS, and adds them to the history:
/// the held rows go and the new ones come in one statement each (the sync holds the school's lock).
fn replace(
    conn: &mut AnyConnection,
    purpose: &str,
    decisions: &[(&str, bool)],
    at: NaiveDateTime,
) -> Result<(), RepoError> {
    let subjects: Vec<&str> = decisions.iter().map(|(subject, _)| *subject).collect();
    diesel::delete(
        consents::table
            .filter(consents::purpose_id.eq(purpose))
            .filter(consents::subject_id.eq_any(&subjects)),
    )
    .execute(conn)?;
    let rows: Vec<_> = decisions
        .iter()
        .map(|(subject, given)| {
            (
                consents::purpose_id.eq(purpose),
                consents::subject_id.eq(*subject),
                consents::given.eq(*given),
                consents::decided_at.eq(at),
                consents::decided_by.eq(None::<&str>),
                consents::source.eq("las"),
            )
        })
        .collect();
    batch_insert!(conn, consents::table, &rows)?;
    let events: Vec<_> = decisions
        .iter()
        .map(|(subject, given)| {
            (
                consent_events::id.eq(new_id()),
                consent_events::purpose_id.eq(purpose),
                consent_events::subject_id.eq(*subject),
                consent_events::given.eq(*given),
                consent_events::decided_at.eq(at),
                consent_events::decided_by.eq(None::<&str>),
                consent_events::source.eq("las"),
            )
        })
        .collect();
    batch_insert!(conn, consent_events::table, &events)?;
    Ok(())
}

/// Marks the purposes the LAS sent as kept there, imported now; their ids by code.
fn mark_kept_by_las(
    conn: &mut AnyConnection,
    school_id: &str,
    imported: &[LasConsent],
    at: NaiveDateTime,
) -> Result<HashMap<Code, String>, RepoError> {
    let mut codes: Vec<&str> = imported.iter().map(|c| c.purpose.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let school_purposes = consent_purposes::table
        .filter(consent_purposes::school_id.eq(school_id))
        .filter(consent_purposes::code.eq_any(&codes));
    diesel::update(school_purposes.clone())
        .set((
            consent_purposes::from_las.eq(true),
            consent_purposes::las_imported_at.eq(at),
        ))
        .execute(conn)?;
    let rows: Vec<(String, Option<String>)> = school_purposes
        .select((consent_purposes::id, consent_purposes::code))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, code)| Some((Code::parse(code.as_deref()?)?, id)))
        .collect())
}

/// The school's pupils named in the import, by LAS key.
fn pupil_ids(
    conn: &mut AnyConnection,
    school_id: &str,
    imported: &[LasConsent],
) -> Result<HashMap<String, String>, RepoError> {
    let mut keys: Vec<&str> = imported.iter().map(|c| c.pupil.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut ids = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(IDS_PER_STATEMENT) {
        let rows: Vec<(String, String)> = pupils::table
            .filter(pupils::school_id.eq(school_id))
            .filter(pupils::las_key.eq_any(chunk))
            .select((pupils::las_key, pupils::id))
            .load(conn)?;
        ids.extend(rows);
    }
    Ok(ids)
}

/// What holds per (purpose, pupil): given, and whether the LAS sent it.
type Holding = HashMap<(String, String), (bool, bool)>;

/// What holds now for these purposes and pupils.
fn held(
    conn: &mut AnyConnection,
    purposes: &HashMap<Code, String>,
    pupil_ids: &HashMap<String, String>,
) -> Result<Holding, RepoError> {
    let purpose_ids: Vec<&str> = purposes.values().map(String::as_str).collect();
    let subjects: Vec<&str> = pupil_ids.values().map(String::as_str).collect();
    let mut held = HashMap::new();
    for chunk in subjects.chunks(IDS_PER_STATEMENT) {
        let rows: Vec<(String, String, bool, String)> = consents::table
            .filter(consents::purpose_id.eq_any(&purpose_ids))
            .filter(consents::subject_id.eq_any(chunk))
            .select((
                consents::purpose_id,
                consents::subject_id,
                consents::given,
                consents::source,
            ))
            .load(conn)?;
        held.extend(rows.into_iter().map(|(purpose, subject, given, source)| {
            ((purpose, subject), (given, source == "las"))
        }));
    }
    Ok(held)
}
