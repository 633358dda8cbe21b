//! Decisions: the one that holds per purpose and subject, each kept in the history as proof, and
//! the school's per-purpose list of who may and may not (appear in the photos, say).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::rows::Purpose;
use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::names::full_name;
use crate::page::{Page, fetch_page};
use crate::schema::{consent_events, consent_purposes, consents, enrolments, guardians, pupils};

/// A decision as it stands, with the name of the guardian who took it (`None`: the LAS sent it,
/// or the guardian is gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub given: bool,
    pub decided_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub from_las: bool,
}

type DecisionRow = (
    String,
    bool,
    NaiveDateTime,
    Option<String>,
    String,
    Option<(String, Option<String>, String)>,
);

fn decided(
    given: bool,
    at: NaiveDateTime,
    name: Option<(String, Option<String>, String)>,
    source: &str,
) -> Decided {
    Decided {
        given,
        decided_at: at,
        decided_by: name.map(|(first, prefix, last)| full_name(&first, prefix.as_deref(), &last)),
        from_las: source == "las",
    }
}

/// The decisions that hold for `subject_id` on these purposes, by purpose id, in one query.
pub fn current_of(
    conn: &mut AnyConnection,
    purposes: &[Purpose],
    subject_id: &str,
) -> Result<Vec<(String, Decided)>, RepoError> {
    let ids: Vec<&str> = purposes.iter().map(|p| p.id.as_str()).collect();
    let rows: Vec<DecisionRow> = consents::table
        .left_join(guardians::table.on(guardians::id.nullable().eq(consents::decided_by)))
        .filter(consents::subject_id.eq(subject_id))
        .filter(consents::purpose_id.eq_any(ids))
        .select((
            consents::purpose_id,
            consents::given,
            consents::decided_at,
            consents::decided_by,
            consents::source,
            (
                guardians::first_name,
                guardians::name_prefix,
                guardians::last_name,
            )
                .nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(purpose, given, at, _, source, name)| (purpose, decided(given, at, name, &source)))
        .collect())
}

/// Records a guardian's decision: it holds from now (a later one replaces it; parallel decisions
/// end with one of them holding) and joins the history.
pub fn decide(
    conn: &mut AnyConnection,
    purpose: &Purpose,
    subject_id: &str,
    given: bool,
    guardian_id: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let (purpose_id, decided_by, at) = (&purpose.id, Some(guardian_id), now.naive_utc());
    let source = "portal";
    on_backend!(conn, c => diesel::insert_into(consents::table)
        .values((
            consents::purpose_id.eq(purpose_id),
            consents::subject_id.eq(subject_id),
            consents::given.eq(given),
            consents::decided_at.eq(at),
            consents::decided_by.eq(decided_by),
            consents::source.eq(source),
        ))
        .on_conflict((consents::purpose_id, consents::subject_id))
        .do_update()
        .set((
            consents::given.eq(given),
            consents::decided_at.eq(at),
            consents::decided_by.eq(decided_by),
            consents::source.eq(source),
        ))
        .execute(c))?;
    on_backend!(conn, c => diesel::insert_into(consent_events::table)
        .values((
            consent_events::id.eq(new_id()),
            consent_events::purpose_id.eq(purpose_id),
            consent_events::subject_id.eq(subject_id),
            consent_events::given.eq(given),
            consent_events::decided_at.eq(at),
            consent_events::decided_by.eq(decided_by),
            consent_events::source.eq(source),
        ))
        .execute(c))?;
    Ok(())
}

/// One past decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub id: String,
    pub purpose_id: String,
    pub purpose_title: String,
    pub decided: Decided,
}

/// The subject's decisions at the school, newest first, a page at a time (ids are time-ordered).
pub fn history_of(
    conn: &mut AnyConnection,
    school_id: &str,
    subject_id: &str,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<HistoryEntry>, RepoError> {
    type Row = (
        String,
        String,
        String,
        bool,
        NaiveDateTime,
        String,
        Option<(String, Option<String>, String)>,
    );
    fetch_page(
        limit,
        |fetch| {
            let mut query = consent_events::table
                .inner_join(consent_purposes::table)
                .left_join(
                    guardians::table.on(guardians::id.nullable().eq(consent_events::decided_by)),
                )
                .filter(consent_purposes::school_id.eq(school_id))
                .filter(consent_events::subject_id.eq(subject_id))
                .select((
                    consent_events::id,
                    consent_events::purpose_id,
                    consent_purposes::title,
                    consent_events::given,
                    consent_events::decided_at,
                    consent_events::source,
                    (
                        guardians::first_name,
                        guardians::name_prefix,
                        guardians::last_name,
                    )
                        .nullable(),
                ))
                .order(consent_events::id.desc())
                .limit(fetch)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(consent_events::id.lt(before.to_owned()));
            }
            let rows: Vec<Row> = query.load(conn)?;
            Ok(rows
                .into_iter()
                .map(
                    |(id, purpose_id, purpose_title, given, at, source, name)| HistoryEntry {
                        id,
                        purpose_id,
                        purpose_title,
                        decided: decided(given, at, name, &source),
                    },
                )
                .collect())
        },
        |entry| entry.id.clone(),
    )
}

/// A pupil on the school's list for one purpose, with the decision that holds (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingRow {
    pub pupil_id: String,
    pub name: String,
    pub given: Option<bool>,
    pub decided_at: Option<NaiveDateTime>,
}

/// The school's current pupils (in `groups` when given) and where each stands on `purpose` (a
/// pupil purpose), by pupil id a page at a time. With `allowed`, only those whose decision counts
/// as given (`Some(true)`: a "yes", this school year where the purpose renews yearly, before
/// `cutoff`) or does not (`Some(false)`); the same rule as `domain::consent::state`.
pub fn standings_on(
    conn: &mut AnyConnection,
    purpose: &Purpose,
    groups: Option<&[String]>,
    allowed: Option<bool>,
    cutoff: DateTime<Utc>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StandingRow>, RepoError> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        Option<bool>,
        Option<NaiveDateTime>,
    );
    // Where the purpose does not renew, any "yes" holds: a cutoff before every decision (the
    // epoch, not `NaiveDateTime::MIN`, which PostgreSQL's timestamps cannot hold).
    let cutoff = if purpose.yearly_renewal {
        cutoff.naive_utc()
    } else {
        DateTime::UNIX_EPOCH.naive_utc()
    };
    fetch_page(
        limit,
        |fetch| {
            let mut query = pupils::table
                .left_join(
                    consents::table.on(consents::subject_id
                        .eq(pupils::id)
                        .and(consents::purpose_id.eq(purpose.id.clone()))),
                )
                .filter(pupils::school_id.eq(purpose.school_id.clone()))
                .filter(pupils::left_on.is_null())
                .select((
                    pupils::id,
                    pupils::first_name,
                    pupils::name_prefix,
                    pupils::last_name,
                    consents::given.nullable(),
                    consents::decided_at.nullable(),
                ))
                .order(pupils::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(groups) = groups {
                let enrolled = enrolments::table
                    .filter(enrolments::group_id.eq_any(groups.to_vec()))
                    .select(enrolments::pupil_id);
                query = query.filter(pupils::id.eq_any(enrolled));
            }
            match allowed {
                Some(true) => {
                    query = query
                        .filter(consents::given.eq(true))
                        .filter(consents::decided_at.ge(cutoff));
                }
                Some(false) => {
                    query = query.filter(
                        consents::given
                            .is_null()
                            .or(consents::given.eq(false))
                            .or(consents::decided_at.lt(cutoff)),
                    );
                }
                None => {}
            }
            if let Some(after) = after {
                query = query.filter(pupils::id.gt(after.to_owned()));
            }
            let rows: Vec<Row> = query.load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(id, first, prefix, last, given, decided_at)| StandingRow {
                    pupil_id: id,
                    name: full_name(&first, prefix.as_deref(), &last),
                    given,
                    decided_at,
                })
                .collect())
        },
        |row| row.pupil_id.clone(),
    )
}
