//! Who an export is about: the account's guardian records (at every school) and their children,
//! and the sections about them as people: records, groups, guardians, consents, medical notes.
//! Every query is scoped through [`Family`], read from the account alone.

use diesel::prelude::*;

use super::rows::{
    CoGuardian, ConsentRecord, GroupRecord, GuardianRecord, MedicalNoteRecord, PupilRecord,
};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{
    accounts, consent_events, consent_purposes, consents, enrolments, guardian_pupils, guardians,
    medical_notes, pupils, school_groups, school_years, schools,
};

/// The account's guardian records and their children, with the households they belong to.
#[derive(Debug, Clone, Default)]
pub struct Family {
    pub account_id: String,
    pub guardian_ids: Vec<String>,
    pub school_ids: Vec<String>,
    pub pupil_ids: Vec<String>,
    /// The households as the roster names them (the planner's bookings).
    pub households: Vec<String>,
    /// The households as forms key their responses (`domain::forms::household_key`).
    pub household_keys: Vec<String>,
}

impl Family {
    /// Reads the account's family (two queries).
    pub fn of(conn: &mut AnyConnection, account_id: &str) -> Result<Family, RepoError> {
        let records: Vec<(String, String)> = guardians::table
            .filter(guardians::account_id.eq(account_id))
            .select((guardians::id, guardians::school_id))
            .order(guardians::id)
            .load(conn)?;
        let guardian_ids: Vec<String> = records.iter().map(|(id, _)| id.clone()).collect();
        let links: Vec<(String, String, String)> = guardian_pupils::table
            .filter(guardian_pupils::guardian_id.eq_any(&guardian_ids))
            .select((
                guardian_pupils::guardian_id,
                guardian_pupils::pupil_id,
                guardian_pupils::household,
            ))
            .order(guardian_pupils::pupil_id)
            .load(conn)?;
        let mut family = Family {
            account_id: account_id.to_owned(),
            guardian_ids,
            school_ids: records.into_iter().map(|(_, school)| school).collect(),
            ..Family::default()
        };
        for (guardian, pupil, household) in links {
            family
                .household_keys
                .push(domain::forms::household_key(&household, &guardian));
            family.pupil_ids.push(pupil);
            family.households.push(household);
        }
        for list in [
            &mut family.school_ids,
            &mut family.pupil_ids,
            &mut family.households,
            &mut family.household_keys,
        ] {
            list.sort();
            list.dedup();
        }
        family.households.retain(|h| !h.trim().is_empty());
        Ok(family)
    }

    /// The ids the family's audit events and consents are about: guardians and children.
    pub fn subjects(&self) -> Vec<String> {
        self.guardian_ids
            .iter()
            .chain(&self.pupil_ids)
            .cloned()
            .collect()
    }
}

/// The account's e-mail address.
pub fn email(conn: &mut AnyConnection, family: &Family) -> Result<String, RepoError> {
    Ok(accounts::table
        .find(&family.account_id)
        .select(accounts::email)
        .first(conn)?)
}

pub fn guardian_records(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<GuardianRecord>, RepoError> {
    Ok(guardians::table
        .inner_join(schools::table)
        .filter(guardians::id.eq_any(&family.guardian_ids))
        .select((
            guardians::id,
            guardians::school_id,
            schools::name,
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
            guardians::email,
            guardians::phone,
            guardians::deactivated_at,
            guardians::created_at,
        ))
        .order(guardians::id)
        .load(conn)?)
}

pub fn children(conn: &mut AnyConnection, family: &Family) -> Result<Vec<PupilRecord>, RepoError> {
    Ok(pupils::table
        .filter(pupils::id.eq_any(&family.pupil_ids))
        .select((
            pupils::id,
            pupils::school_id,
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
            pupils::date_of_birth,
            pupils::parents_separated,
            pupils::left_on,
        ))
        .order(pupils::id)
        .load(conn)?)
}

pub fn groups(conn: &mut AnyConnection, family: &Family) -> Result<Vec<GroupRecord>, RepoError> {
    Ok(enrolments::table
        .inner_join(school_groups::table.inner_join(school_years::table))
        .filter(enrolments::pupil_id.eq_any(&family.pupil_ids))
        .select((
            enrolments::pupil_id,
            school_groups::id,
            school_groups::name,
            school_groups::year_group,
            school_years::name,
        ))
        .order((enrolments::pupil_id, school_years::name))
        .load(conn)?)
}

/// Every guardian of the children (the account's own records among them).
pub fn co_guardians(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<CoGuardian>, RepoError> {
    Ok(guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::pupil_id.eq_any(&family.pupil_ids))
        .select((
            guardian_pupils::pupil_id,
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
            guardian_pupils::relationship,
            guardian_pupils::parental_authority,
        ))
        .order((guardian_pupils::pupil_id, guardians::last_name))
        .load(conn)?)
}

/// The decisions that hold now, about the children and the account's guardian records.
pub fn consents(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<ConsentRecord>, RepoError> {
    Ok(consents::table
        .inner_join(consent_purposes::table)
        .filter(consents::subject_id.eq_any(family.subjects()))
        .select((
            consents::subject_id,
            consents::purpose_id,
            consent_purposes::code,
            consent_purposes::title,
            consent_purposes::legal_basis,
            consents::given,
            consents::decided_at,
            consents::decided_by,
            consents::source,
        ))
        .order((consents::subject_id, consents::decided_at))
        .load(conn)?)
}

/// Every decision ever recorded about them (the proof), oldest first.
pub fn consent_history(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<ConsentRecord>, RepoError> {
    Ok(consent_events::table
        .inner_join(consent_purposes::table)
        .filter(consent_events::subject_id.eq_any(family.subjects()))
        .select((
            consent_events::subject_id,
            consent_events::purpose_id,
            consent_purposes::code,
            consent_purposes::title,
            consent_purposes::legal_basis,
            consent_events::given,
            consent_events::decided_at,
            consent_events::decided_by,
            consent_events::source,
        ))
        .order((consent_events::subject_id, consent_events::decided_at))
        .load(conn)?)
}

pub fn medical_notes(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<MedicalNoteRecord>, RepoError> {
    Ok(medical_notes::table
        .filter(medical_notes::pupil_id.eq_any(&family.pupil_ids))
        .select((
            medical_notes::pupil_id,
            medical_notes::note,
            medical_notes::updated_at,
        ))
        .load(conn)?)
}
