//! Decisions: where a subject stands on each purpose, giving and withdrawing, the history, and
//! the school's per-purpose list of who may and may not.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::consent::policy::{self, Listing};
use domain::consent::{Decision, State, Subject, state};
use persistence::consent::{self as store, Decided, HistoryEntry, Purpose, StandingRow};
use persistence::ids::texts;
use persistence::page::Page;
use persistence::{AnyConnection, transaction};

use super::subject::{SubjectAt, SubjectKey};
use super::{ConsentError, Result, conflict, consent_school, refuse};
use crate::audit::{Audit, Object};
use crate::services::school_ref;

/// Where a subject stands on one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub purpose: Purpose,
    pub state: State,
    pub decided: Option<Decided>,
}

fn standing(purpose: Purpose, decided: Option<Decided>, now: DateTime<Utc>) -> Standing {
    let decision = decided.as_ref().map(|d| Decision {
        given: d.given,
        decided_at: d.decided_at.and_utc(),
    });
    Standing {
        state: state(decision, purpose.yearly_renewal, now),
        purpose,
        decided,
    }
}

/// The subject if the caller may read its consents (403, recorded, otherwise).
fn readable(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    key: &SubjectKey,
) -> Result<SubjectAt> {
    let subject = SubjectAt::resolve(conn, actor, audit, key)?;
    if !subject.may_read(actor) {
        return Err(refuse(conn, audit, "read_consents", subject.object()));
    }
    Ok(subject)
}

/// Where the subject stands on each of the school's current purposes for its kind of subject.
pub fn consents(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    key: &SubjectKey,
    now: DateTime<Utc>,
) -> Result<Vec<Standing>> {
    let subject = readable(conn, actor, audit, key)?;
    let purposes: Vec<Purpose> = store::list_purposes(conn, subject.school.id())?
        .into_iter()
        .filter(|p| p.subject == subject.kind && p.retired_at.is_none())
        .collect();
    let mut decided = store::current_of(conn, &purposes, &subject.id)?;
    audit.read(conn, subject.object())?;
    Ok(purposes
        .into_iter()
        .map(|purpose| {
            let found = decided
                .iter()
                .position(|(id, _)| *id == purpose.id)
                .map(|at| decided.swap_remove(at).1);
            standing(purpose, found, now)
        })
        .collect())
}

/// The subject's past decisions, newest first.
pub fn history(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    key: &SubjectKey,
    before: Option<&str>,
    limit: u16,
) -> Result<Page<HistoryEntry>> {
    let subject = readable(conn, actor, audit, key)?;
    let page = store::history_of(conn, subject.school.id(), &subject.id, before, limit)?;
    audit.read(conn, subject.object())?;
    Ok(page)
}

/// Whether the caller decides for the subject (before a body is read): 404 out of reach, 403
/// (recorded) for anyone but a guardian with parental authority, or the guardian themself.
pub fn may_decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    key: &SubjectKey,
) -> Result<()> {
    let subject = SubjectAt::resolve(conn, actor, audit, key)?;
    if subject.decider(actor).is_none() {
        return Err(refuse(conn, audit, "decide_consent", subject.object()));
    }
    Ok(())
}

/// Gives (`given`) or withdraws consent on a purpose for the subject; holds from the next request.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    key: &SubjectKey,
    purpose_id: &str,
    given: bool,
    now: DateTime<Utc>,
) -> Result<Standing> {
    let subject = SubjectAt::resolve(conn, actor, audit, key)?;
    let Some(decider) = subject.decider(actor) else {
        return Err(refuse(conn, audit, "decide_consent", subject.object()));
    };
    let purpose = store::find_purpose(conn, subject.school.id(), purpose_id)?;
    if purpose.subject != subject.kind {
        // A pupil's purpose asked of a guardian (or the other way round) is not theirs to answer.
        return Err(ConsentError::NotFound);
    }
    if purpose.retired_at.is_some() {
        return Err(conflict("The school no longer asks this."));
    }
    if purpose.from_las {
        return Err(conflict(
            "This consent is kept in the school's administration system: ask the school to change it.",
        ));
    }
    transaction(conn, |conn| {
        store::decide(
            conn,
            &purpose,
            &subject.id,
            given,
            &decider.to_string(),
            now,
        )?;
        let action = if given {
            "give_consent"
        } else {
            "withdraw_consent"
        };
        audit.record(conn, action, subject.object(), "ok")?;
        let decided = store::current_of(conn, std::slice::from_ref(&purpose), &subject.id)?
            .pop()
            .map(|(_, d)| d);
        Ok(standing(purpose, decided, now))
    })
}

/// The school's current pupils and where each stands on a pupil purpose (who may appear in the
/// photos): record keepers the whole school, teachers their groups (403 otherwise). `group_id`
/// narrows to one group; `allowed` to those who may (`true`) or may not (`false`).
#[allow(clippy::too_many_arguments)]
pub fn purpose_standings(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    purpose_id: &str,
    group_id: Option<uuid::Uuid>,
    allowed: Option<bool>,
    now: DateTime<Utc>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<(StandingRow, State)>> {
    let school = consent_school(conn, actor, audit, school_id)?;
    let object = Object {
        kind: "consent_purpose",
        id: Some(purpose_id),
        school_id: Some(school.id()),
    };
    let groups = match (
        policy::purpose_listing(actor, school_ref(school.row())),
        group_id,
    ) {
        (Listing::Refused, _) => return Err(refuse(conn, audit, "list_consents", object)),
        (Listing::Groups(mine), Some(group)) if !mine.contains(&group) => {
            return Err(refuse(conn, audit, "list_consents", object));
        }
        (Listing::Groups(mine), None) => Some(texts(&mine)),
        (_, Some(group)) => Some(vec![group.to_string()]),
        (Listing::WholeSchool, None) => None,
    };
    let purpose = store::find_purpose(conn, school.id(), purpose_id)?;
    if purpose.subject != Subject::Pupil {
        return Err(ConsentError::NotFound);
    }
    let cutoff = domain::consent::renewal_cutoff(now);
    let page = store::standings_on(
        conn,
        &purpose,
        groups.as_deref(),
        allowed,
        cutoff,
        after,
        limit,
    )?;
    audit.read(conn, object)?;
    Ok(Page {
        next_cursor: page.next_cursor,
        items: page
            .items
            .into_iter()
            .map(|row| {
                let decision = row.given.zip(row.decided_at).map(|(given, at)| Decision {
                    given,
                    decided_at: at.and_utc(),
                });
                let state = state(decision, purpose.yearly_renewal, now);
                (row, state)
            })
            .collect(),
    })
}
