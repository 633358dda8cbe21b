//! The reads consent governs. Whether a decision counts as "yes" is decided here, in the query
//! ([`consented`]), with the same rule as `domain::consent::state`: given, on a purpose the school
//! has not retired, and (where the purpose renews yearly) this school year.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::consent::Code;
use domain::consent::policy::MedicalReach;

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::names::full_name;
use crate::page::{Page, fetch_page};
use crate::schema::{
    consent_purposes, consents, enrolments, guardian_pupils, guardians, medical_notes, pupils,
};

/// Which of `subjects` have a "yes" that holds on a purpose of the school with one of `codes`.
pub fn consented(
    conn: &mut AnyConnection,
    school_id: &str,
    codes: &[Code],
    subjects: &[String],
    cutoff: DateTime<Utc>,
) -> Result<Vec<String>, RepoError> {
    if codes.is_empty() || subjects.is_empty() {
        return Ok(Vec::new());
    }
    let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    Ok(consents::table
        .inner_join(consent_purposes::table)
        .filter(consent_purposes::school_id.eq(school_id))
        .filter(consent_purposes::code.eq_any(codes))
        .filter(consent_purposes::retired_at.is_null())
        .filter(consents::subject_id.eq_any(subjects.to_vec()))
        .filter(consents::given.eq(true))
        .filter(
            consent_purposes::yearly_renewal
                .eq(false)
                .or(consents::decided_at.ge(cutoff.naive_utc())),
        )
        .select(consents::subject_id)
        .distinct()
        .load(conn)?)
}

/// A pupil's medical note, as a reader gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicalNote {
    pub pupil_id: String,
    pub pupil_name: String,
    pub note: String,
    pub updated_at: NaiveDateTime,
}

type NoteRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    NaiveDateTime,
);

fn note_of(row: NoteRow) -> MedicalNote {
    let (pupil_id, first, prefix, last, note, updated_at) = row;
    MedicalNote {
        pupil_id,
        pupil_name: full_name(&first, prefix.as_deref(), &last),
        note,
        updated_at,
    }
}

/// Which of `pupils` (current pupils of `school_id`) the reach lets the reader's medical notes be
/// read for.
fn reachable(
    conn: &mut AnyConnection,
    school_id: &str,
    reach: &MedicalReach,
    candidates: Vec<String>,
    cutoff: DateTime<Utc>,
) -> Result<Vec<String>, RepoError> {
    if reach.all {
        return Ok(candidates);
    }
    let mut allowed = consented(conn, school_id, &reach.consented, &candidates, cutoff)?;
    allowed.extend(
        candidates
            .into_iter()
            .filter(|c| reach.own.iter().any(|own| own.to_string() == *c)),
    );
    allowed.sort();
    allowed.dedup();
    Ok(allowed)
}

/// The medical notes of the current pupils of `group_id` that the reader reaches, by pupil id a
/// page at a time.
pub fn medical_notes_of_group(
    conn: &mut AnyConnection,
    school_id: &str,
    group_id: &str,
    reach: &MedicalReach,
    cutoff: DateTime<Utc>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<MedicalNote>, RepoError> {
    let with_notes: Vec<String> = enrolments::table
        .inner_join(pupils::table.inner_join(medical_notes::table))
        .filter(enrolments::group_id.eq(group_id))
        .filter(pupils::school_id.eq(school_id))
        .filter(pupils::left_on.is_null())
        .select(pupils::id)
        .load(conn)?;
    let allowed = reachable(conn, school_id, reach, with_notes, cutoff)?;
    fetch_page(
        limit,
        |fetch| {
            let mut query = pupils::table
                .inner_join(medical_notes::table)
                .filter(pupils::id.eq_any(allowed))
                .select((
                    pupils::id,
                    pupils::first_name,
                    pupils::name_prefix,
                    pupils::last_name,
                    medical_notes::note,
                    medical_notes::updated_at,
                ))
                .order(pupils::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(pupils::id.gt(after.to_owned()));
            }
            Ok(query
                .load::<NoteRow>(conn)?
                .into_iter()
                .map(note_of)
                .collect())
        },
        |note| note.pupil_id.clone(),
    )
}

/// The pupil's medical note if there is one and the reach lets the reader read it.
pub fn medical_note_of(
    conn: &mut AnyConnection,
    school_id: &str,
    pupil_id: &str,
    reach: &MedicalReach,
    cutoff: DateTime<Utc>,
) -> Result<Option<MedicalNote>, RepoError> {
    let allowed = reachable(conn, school_id, reach, vec![pupil_id.to_owned()], cutoff)?;
    if allowed.is_empty() {
        return Ok(None);
    }
    Ok(pupils::table
        .inner_join(medical_notes::table)
        .filter(pupils::id.eq(pupil_id))
        .select((
            pupils::id,
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
            medical_notes::note,
            medical_notes::updated_at,
        ))
        .get_result::<NoteRow>(conn)
        .optional()?
        .map(note_of))
}

/// Writes (or replaces) the pupil's medical note.
pub fn set_medical_note(
    conn: &mut AnyConnection,
    pupil_id: &str,
    note: &str,
    guardian_id: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let at = now.naive_utc();
    on_backend!(conn, c => diesel::insert_into(medical_notes::table)
        .values((
            medical_notes::pupil_id.eq(pupil_id),
            medical_notes::note.eq(note),
            medical_notes::updated_by.eq(guardian_id),
            medical_notes::updated_at.eq(at),
        ))
        .on_conflict(medical_notes::pupil_id)
        .do_update()
        .set((
            medical_notes::note.eq(note),
            medical_notes::updated_by.eq(guardian_id),
            medical_notes::updated_at.eq(at),
        ))
        .execute(c))?;
    Ok(())
}

/// Removes the pupil's medical note; false when there was none.
pub fn delete_medical_note(conn: &mut AnyConnection, pupil_id: &str) -> Result<bool, RepoError> {
    Ok(diesel::delete(medical_notes::table.find(pupil_id)).execute(conn)? > 0)
}

/// A guardian on a group's contact list, with their children in the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub guardian_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub children: Vec<String>,
}

/// The group's contact list: the active guardians of its current pupils who shared their details
/// with the group (and only they), by guardian id a page at a time.
pub fn contacts_of_group(
    conn: &mut AnyConnection,
    school_id: &str,
    group_id: &str,
    cutoff: DateTime<Utc>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<Contact>, RepoError> {
    let links: Vec<(String, String, Option<String>, String)> = guardian_pupils::table
        .inner_join(guardians::table)
        .inner_join(pupils::table.inner_join(enrolments::table))
        .filter(enrolments::group_id.eq(group_id))
        .filter(pupils::school_id.eq(school_id))
        .filter(pupils::left_on.is_null())
        .filter(guardians::deactivated_at.is_null())
        .select((
            guardians::id,
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
        ))
        .load(conn)?;
    let mut ids: Vec<String> = links.iter().map(|l| l.0.clone()).collect();
    ids.sort();
    ids.dedup();
    let shared = consented(conn, school_id, &[Code::ContactDetailsGroup], &ids, cutoff)?;
    type Row = (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    fetch_page(
        limit,
        |fetch| {
            let mut query = guardians::table
                .filter(guardians::id.eq_any(shared))
                .select((
                    guardians::id,
                    guardians::first_name,
                    guardians::name_prefix,
                    guardians::last_name,
                    guardians::email,
                    guardians::phone,
                ))
                .order(guardians::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(guardians::id.gt(after.to_owned()));
            }
            let rows: Vec<Row> = query.load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(id, first, prefix, last, email, phone)| {
                    let mut children: Vec<String> = links
                        .iter()
                        .filter(|l| l.0 == id)
                        .map(|(_, f, p, l)| full_name(f, p.as_deref(), l))
                        .collect();
                    children.sort();
                    Contact {
                        name: full_name(&first, prefix.as_deref(), &last),
                        guardian_id: id,
                        email,
                        phone,
                        children,
                    }
                })
                .collect())
        },
        |contact| contact.guardian_id.clone(),
    )
}
