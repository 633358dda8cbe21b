//! The reads consent governs: a pupil's medical note (the group's teacher and care staff always;
//! the lunch supervisors and the other parents of the group only with consent) and the group's
//! contact list (only guardians who shared their details). The query decides whose; the policy
//! only refuses readers with no reach at all.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::consent::{check_medical_note, policy, renewal_cutoff};
use persistence::consent::{self as store, Contact, MedicalNote};
use persistence::ids::uuid;
use persistence::modules::ModuleSchool;
use persistence::page::Page;
use persistence::{AnyConnection, groups, planner, pupils, transaction};
use uuid::Uuid;

use super::{ConsentError, Result, consent_school, refuse};
use crate::audit::{Audit, Object};
use crate::services::school_ref;

/// The actor's children at the school among the current pupils of `groups`.
fn children_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    school: &ModuleSchool,
    groups: &[String],
) -> Result<Vec<Uuid>> {
    let school_id = uuid(school.id());
    let mine: Vec<String> = actor
        .guardian
        .iter()
        .filter(|g| g.school_id == school_id)
        .flat_map(|g| g.children.iter().map(|c| c.pupil_id.to_string()))
        .collect();
    if mine.is_empty() || groups.is_empty() {
        return Ok(Vec::new());
    }
    let found = planner::pupils_in_groups(conn, &mine, groups)?;
    Ok(found.iter().map(|p| uuid(p)).collect())
}

fn note_object<'a>(pupil_id: &'a str, school_id: &'a str) -> Object<'a> {
    Object {
        kind: "medical_note",
        id: Some(pupil_id),
        school_id: Some(school_id),
    }
}

/// The pupil's medical note, for a reader it reaches. 404 when there is none or it is not theirs
/// to read (a lunch supervisor without consent cannot tell the two apart); 403 for staff it never
/// reaches (the director, the school admin).
pub fn medical_note(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    now: DateTime<Utc>,
) -> Result<MedicalNote> {
    let pupil = pupils::find(conn, &actor.pupil_scope(), pupil_id)?;
    let school = consent_school(conn, actor, audit, &pupil.school_id)?;
    let groups = planner::current_groups_of(conn, std::slice::from_ref(&pupil.id))?;
    let group_ids: Vec<Uuid> = groups.iter().map(|g| uuid(g)).collect();
    let children = children_in(conn, actor, &school, &groups)?;
    let mut reach = policy::medical_reach(actor, school_ref(school.row()), &group_ids, &children);
    if actor.is_guardian_of(uuid(&pupil.id)) && !reach.own.contains(&uuid(&pupil.id)) {
        reach.own.push(uuid(&pupil.id));
    }
    let object = note_object(&pupil.id, school.id());
    if reach.is_refused() {
        return Err(refuse(conn, audit, "read_medical_note", object));
    }
    let note = store::medical_note_of(conn, school.id(), &pupil.id, &reach, renewal_cutoff(now))?
        .ok_or(ConsentError::NotFound)?;
    audit.read(conn, object)?;
    Ok(note)
}

/// The pupil and the guardian record the caller writes the note as (before a body is read): 404
/// out of reach, 403 (recorded) for anyone but a guardian with parental authority.
pub fn may_write_medical_note(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
) -> Result<(String, String, Uuid)> {
    let pupil = pupils::find(conn, &actor.pupil_scope(), pupil_id)?;
    let school = consent_school(conn, actor, audit, &pupil.school_id)?;
    let pupil_uuid = uuid(&pupil.id);
    match policy::deciding_guardian(actor, uuid(school.id()), pupil_uuid) {
        Some(guardian) => Ok((pupil.id, school.id().to_owned(), guardian)),
        _ => Err(refuse(
            conn,
            audit,
            "write_medical_note",
            note_object(&pupil.id, school.id()),
        )),
    }
}

/// Writes (or replaces) the pupil's medical note.
pub fn set_medical_note(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<MedicalNote> {
    let (pupil_id, school_id, guardian) = may_write_medical_note(conn, actor, audit, pupil_id)?;
    let note = check_medical_note(note).map_err(|r| ConsentError::Refused(vec![r]))?;
    transaction(conn, |conn| {
        store::set_medical_note(conn, &pupil_id, &note, &guardian.to_string(), now)?;
        audit.record(
            conn,
            "write_medical_note",
            note_object(&pupil_id, &school_id),
            "ok",
        )?;
        let own = policy::MedicalReach {
            own: vec![uuid(&pupil_id)],
            ..policy::MedicalReach::default()
        };
        store::medical_note_of(conn, &school_id, &pupil_id, &own, renewal_cutoff(now))?
            .ok_or(ConsentError::NotFound)
    })
}

/// Removes the pupil's medical note; 404 when there is none.
pub fn delete_medical_note(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    pupil_id: &str,
) -> Result<()> {
    let (pupil_id, school_id, _) = may_write_medical_note(conn, actor, audit, pupil_id)?;
    transaction(conn, |conn| {
        if !store::delete_medical_note(conn, &pupil_id)? {
            return Err(ConsentError::NotFound);
        }
        audit.record(
            conn,
            "delete_medical_note",
            note_object(&pupil_id, &school_id),
            "ok",
        )?;
        Ok(())
    })
}

/// A group the caller's scope reaches at a school where the module is on for them, with the
/// caller's children among its current pupils.
fn group_at(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    group_id: &str,
) -> Result<(ModuleSchool, Vec<Uuid>)> {
    let school_id = groups::school_of(conn, group_id)?;
    let school = consent_school(conn, actor, audit, &school_id)?;
    let children = children_in(conn, actor, &school, &[group_id.to_owned()])?;
    Ok((school, children))
}

/// The medical notes of the group's current pupils that the caller may read.
pub fn group_medical_notes(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    group_id: &str,
    now: DateTime<Utc>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<MedicalNote>> {
    let (school, children) = group_at(conn, actor, audit, group_id)?;
    let reach = policy::medical_reach(
        actor,
        school_ref(school.row()),
        &[uuid(group_id)],
        &children,
    );
    let object = Object {
        kind: "group_medical_notes",
        id: Some(group_id),
        school_id: Some(school.id()),
    };
    if reach.is_refused() {
        return Err(refuse(conn, audit, "read_medical_notes", object));
    }
    let cutoff = renewal_cutoff(now);
    let page =
        store::medical_notes_of_group(conn, school.id(), group_id, &reach, cutoff, after, limit)?;
    audit.read(conn, object)?;
    Ok(page)
}

/// The group's contact list: its current pupils' guardians who shared their details with it.
pub fn group_contacts(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    group_id: &str,
    now: DateTime<Utc>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<Contact>> {
    let (school, children) = group_at(conn, actor, audit, group_id)?;
    let object = Object {
        kind: "group_contacts",
        id: Some(group_id),
        school_id: Some(school.id()),
    };
    if !policy::may_read_contact_list(actor, school_ref(school.row()), uuid(group_id), &children) {
        return Err(refuse(conn, audit, "read_contact_list", object));
    }
    let page = store::contacts_of_group(
        conn,
        school.id(),
        group_id,
        renewal_cutoff(now),
        after,
        limit,
    )?;
    audit.read(conn, object)?;
    Ok(page)
}
