//! Submitting a change request: the subject (a guardian's own record, or a child), checked against
//! what the school holds and allows, stored with the school's mail and the audit event.

use std::collections::BTreeMap;

use domain::actor::Actor;
use domain::change_request::{
    ChangeRequest, Field, SubjectKind, SubmitChange, check_submission, may_submit,
};
use domain::mail::{Language, Message};
use domain::modules::Module;
use persistence::change_request::{self as requests, NewRequest};
use persistence::modules::ModuleSchool;
use persistence::{AnyConnection, RepoError, guardians, outbox, pupils};

use super::{ChangeRequestError, Result, request_object};
use crate::audit::{Audit, Object};
use crate::services::module_school;

/// The subject of a submission as the gate and the rules need it.
struct Subject {
    school: ModuleSchool,
    id: String,
    requested_by: String,
    household: Option<String>,
    current: BTreeMap<Field, Option<String>>,
}

/// A guardian's own record: in their scope, the module on, and theirs (staff who can see the
/// record may not ask on the guardian's behalf).
fn own_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: uuid::Uuid,
) -> Result<Subject> {
    let row = guardians::find(conn, &actor.guardian_scope(), &id.to_string())?;
    let school = module_school(
        conn,
        actor,
        audit,
        &row.school_id,
        Module::ChangeRequests,
        None,
    )?;
    let is_self = actor.guardian_ids().contains(&id);
    if !may_submit(SubjectKind::Guardian, is_self, false) {
        return Err(ChangeRequestError::Forbidden);
    }
    let current = BTreeMap::from([
        (Field::FirstName, Some(row.first_name)),
        (Field::NamePrefix, row.name_prefix),
        (Field::LastName, Some(row.last_name)),
        (Field::Email, row.email),
        (Field::Phone, row.phone),
    ]);
    Ok(Subject {
        school,
        requested_by: row.id.clone(),
        id: row.id,
        household: None,
        current,
    })
}

/// A child: in the caller's scope (404 otherwise, whoever asks), the module on, and the caller a
/// guardian with parental authority (403 otherwise, recorded).
fn child(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: uuid::Uuid,
) -> Result<Subject> {
    let pupil = pupils::find(conn, &actor.pupil_scope(), &id.to_string())?;
    let school = module_school(
        conn,
        actor,
        audit,
        &pupil.school_id,
        Module::ChangeRequests,
        None,
    )?;
    let link = actor.guardian.iter().find_map(|g| {
        let child = g.children.iter().find(|c| c.pupil_id == id)?;
        Some((g.guardian_id, child.parental_authority))
    });
    let Some((guardian_id, authority)) = link else {
        return Err(ChangeRequestError::Forbidden);
    };
    if !may_submit(SubjectKind::Pupil, false, authority) {
        let object = Object {
            kind: "pupil",
            id: Some(&pupil.id),
            school_id: Some(&pupil.school_id),
        };
        audit.record(conn, "submit_change_request", object, "forbidden")?;
        return Err(ChangeRequestError::Forbidden);
    }
    let guardian_id = guardian_id.to_string();
    let household = guardians::household_links(
        conn,
        std::slice::from_ref(&guardian_id),
        std::slice::from_ref(&pupil.id),
    )?
    .into_iter()
    .next()
    .map(|(_, _, household, _)| household);
    let current = BTreeMap::from([
        (Field::FirstName, Some(pupil.first_name)),
        (Field::NamePrefix, pupil.name_prefix),
        (Field::LastName, Some(pupil.last_name)),
    ]);
    Ok(Subject {
        school,
        id: pupil.id,
        requested_by: guardian_id,
        household,
        current,
    })
}

/// Whether the caller may submit a request about this subject at all (in their scope, the module
/// on, theirs to ask: 404 or 403 otherwise), before the request itself is read. [`submit`] checks
/// it all again with the request.
pub fn may_submit_for(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    kind: SubjectKind,
    id: uuid::Uuid,
) -> Result<()> {
    match kind {
        SubjectKind::Guardian => own_record(conn, actor, audit, id),
        SubjectKind::Pupil => child(conn, actor, audit, id),
    }
    .map(drop)
}

/// Submits a request: checked against the subject's current values and the school's settings,
/// stored (replacing an open one of the same requester), the school told by e-mail and the act
/// audited, all in one transaction. `answer` runs in that transaction too (an idempotent
/// create remembers its answer there).
pub fn submit<T, E>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    command: &SubmitChange,
    language: Language,
    answer: impl FnOnce(&mut AnyConnection, ChangeRequest) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<ChangeRequestError> + From<RepoError>,
{
    let subject = match command.subject_kind {
        SubjectKind::Guardian => own_record(conn, actor, audit, command.subject_id),
        SubjectKind::Pupil => child(conn, actor, audit, command.subject_id),
    }?;
    let allowed = requests::requestable_fields(conn, &subject.school)?;
    let changes = check_submission(
        command.subject_kind,
        &command.changes,
        &subject.current,
        &allowed,
    )
    .map_err(ChangeRequestError::Refused)?;
    let remark = command
        .remark
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let school = subject.school.row();
    persistence::transaction(conn, |conn| {
        let request = requests::submit(
            conn,
            &NewRequest {
                school_id: &school.id,
                kind: command.subject_kind,
                subject_id: &subject.id,
                requested_by: &subject.requested_by,
                household: subject.household.as_deref(),
                remark,
                language: language.tag(),
                changes: &changes,
            },
        )?;
        if let Some(to) = &school.admin_email {
            // To the school's administration, in the schools' language; no personal data in it.
            let mail = Message::ChangeRequestReceived {
                school: &school.name,
            }
            .render(Language::Dutch);
            outbox::enqueue(conn, mail.kind, to, &mail.subject, &mail.body)?;
        }
        audit.record(
            conn,
            "submit_change_request",
            request_object(&request),
            "ok",
        )?;
        answer(conn, request)
    })
}
