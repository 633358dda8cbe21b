//! Whom a form reaches: the current pupils of its school in its groups and year groups
//! (`domain::forms::reaches`), their guardians, and the households they make. One query per
//! table, whatever the school's size.

use std::collections::BTreeMap;

use diesel::prelude::*;
use domain::forms::{household_key, reaches};

use super::rows::StoredForm;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::uuid;
use crate::names::full_name;
use crate::schema::{
    accounts, enrolments, form_responses, guardian_pupils, guardians, pupils, school_groups,
};

/// A group of a pupil's with its year group (for `domain::forms::reaches`).
type YearGroup = (uuid::Uuid, Option<i32>);

/// A current pupil, their school, and one of their groups with its year group (`None`: no group).
pub type ChildGroup = (String, String, Option<(String, Option<i32>)>);

/// A pupil the form reaches, with their groups' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudiencePupil {
    pub pupil_id: String,
    pub name: String,
    pub first_name: String,
    pub groups: Vec<String>,
}

/// A guardian of a pupil the form reaches, with the household they share with the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceLink {
    pub pupil_id: String,
    pub guardian_id: String,
    pub guardian_name: String,
    pub household: String,
    /// The guardian's active account, if any.
    pub account_id: Option<String>,
}

/// The current pupils among `candidates` (all of the form's school when `None`) the form reaches.
pub fn pupils_reached(
    conn: &mut AnyConnection,
    form: &StoredForm,
    candidates: Option<&[String]>,
) -> Result<Vec<AudiencePupil>, RepoError> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        Option<(String, String, Option<i32>)>,
    );
    let mut query = pupils::table
        .left_join(enrolments::table.inner_join(school_groups::table))
        .filter(pupils::school_id.eq(&form.school_id))
        .filter(pupils::left_on.is_null())
        .select((
            pupils::id,
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
            (
                school_groups::id,
                school_groups::name,
                school_groups::year_group,
            )
                .nullable(),
        ))
        .order((pupils::last_name, pupils::first_name, pupils::id))
        .into_boxed();
    if let Some(candidates) = candidates {
        query = query.filter(pupils::id.eq_any(candidates.to_vec()));
    }
    let rows: Vec<Row> = query.load(conn)?;
    let mut found: Vec<(AudiencePupil, Vec<YearGroup>)> = Vec::new();
    for (id, first, prefix, last, group) in rows {
        if found.last().is_none_or(|(p, _)| p.pupil_id != id) {
            found.push((
                AudiencePupil {
                    name: full_name(&first, prefix.as_deref(), &last),
                    pupil_id: id,
                    first_name: first,
                    groups: Vec::new(),
                },
                Vec::new(),
            ));
        }
        if let (Some((group_id, name, year)), Some((pupil, groups))) = (group, found.last_mut()) {
            pupil.groups.push(name);
            groups.push((uuid(&group_id), year));
        }
    }
    Ok(found
        .into_iter()
        .filter(|(_, groups)| reaches(&form.audience, &form.year_groups, groups))
        .map(|(pupil, _)| pupil)
        .collect())
}

/// The active guardians of these pupils at the school, with their households and accounts.
pub fn links_of(
    conn: &mut AnyConnection,
    school_id: &str,
    pupil_ids: &[String],
) -> Result<Vec<AudienceLink>, RepoError> {
    // (pupil, guardian, first name, prefix, last name, household, account)
    type Row = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = guardian_pupils::table
        .inner_join(
            guardians::table.left_join(
                accounts::table.on(accounts::id
                    .nullable()
                    .eq(guardians::account_id)
                    .and(accounts::disabled_at.is_null())),
            ),
        )
        .filter(guardian_pupils::pupil_id.eq_any(pupil_ids.to_vec()))
        .filter(guardians::school_id.eq(school_id))
        .filter(guardians::deactivated_at.is_null())
        .select((
            guardian_pupils::pupil_id,
            guardians::id,
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
            guardian_pupils::household,
            accounts::id.nullable(),
        ))
        .order((guardian_pupils::pupil_id, guardians::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(pupil_id, guardian_id, first, prefix, last, household, account_id)| AudienceLink {
                guardian_name: full_name(&first, prefix.as_deref(), &last),
                household: household_key(&household, &guardian_id),
                pupil_id,
                guardian_id,
                account_id,
            },
        )
        .collect())
}

/// The household a guardian responds for: the one they share with the first of these children
/// (by id). A guardian's children normally share one household; `None` when none is theirs.
pub fn household_of(
    conn: &mut AnyConnection,
    guardian_id: &str,
    pupil_ids: &[String],
) -> Result<Option<String>, RepoError> {
    let household: Option<String> = guardian_pupils::table
        .filter(guardian_pupils::guardian_id.eq(guardian_id))
        .filter(guardian_pupils::pupil_id.eq_any(pupil_ids.to_vec()))
        .select(guardian_pupils::household)
        .order(guardian_pupils::pupil_id)
        .first(conn)
        .optional()?;
    Ok(household.map(|h| household_key(&h, guardian_id)))
}

/// The accounts of guardians in the form's audience whose household has not responded, each with
/// the child's first name: whom a reminder reaches. Nobody for a form of another school.
pub fn unresponsive_accounts(
    conn: &mut AnyConnection,
    form: &StoredForm,
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let pupils = pupils_reached(conn, form, None)?;
    let ids: Vec<String> = pupils.iter().map(|p| p.pupil_id.clone()).collect();
    let responded: Vec<String> = form_responses::table
        .filter(form_responses::form_id.eq(&form.id))
        .select(form_responses::household)
        .load(conn)?;
    let names: BTreeMap<&str, &str> = pupils
        .iter()
        .map(|p| (p.pupil_id.as_str(), p.first_name.as_str()))
        .collect();
    Ok(links_of(conn, &form.school_id, &ids)?
        .into_iter()
        .filter(|link| !responded.contains(&link.household))
        .filter_map(|link| {
            let child = names.get(link.pupil_id.as_str()).map(|n| (*n).to_owned());
            link.account_id.map(|account| (account, child))
        })
        .collect())
}

/// The accounts of the active guardians sharing `household` with a child the form reaches:
/// whom news of that household's sign-ups reaches.
pub fn household_accounts(
    conn: &mut AnyConnection,
    form: &StoredForm,
    households: &[String],
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let pupils = pupils_reached(conn, form, None)?;
    let ids: Vec<String> = pupils.iter().map(|p| p.pupil_id.clone()).collect();
    Ok(links_of(conn, &form.school_id, &ids)?
        .into_iter()
        .filter(|link| households.contains(&link.household))
        .filter_map(|link| link.account_id.map(|account| (account, None)))
        .collect())
}

/// The groups (with their year group) of these current pupils: `(pupil, group, year)`, and a
/// pupil without a group once with `None`.
pub fn groups_of_children(
    conn: &mut AnyConnection,
    pupil_ids: &[String],
) -> Result<Vec<ChildGroup>, RepoError> {
    Ok(pupils::table
        .left_join(enrolments::table.inner_join(school_groups::table))
        .filter(pupils::id.eq_any(pupil_ids.to_vec()))
        .filter(pupils::left_on.is_null())
        .select((
            pupils::id,
            pupils::school_id,
            (school_groups::id, school_groups::year_group).nullable(),
        ))
        .order(pupils::id)
        .load(conn)?)
}

/// Which of these forms one of `households` responded to.
pub fn responded_forms(
    conn: &mut AnyConnection,
    form_ids: &[String],
    households: &[String],
) -> Result<Vec<String>, RepoError> {
    Ok(form_responses::table
        .filter(form_responses::form_id.eq_any(form_ids.to_vec()))
        .filter(form_responses::household.eq_any(households.to_vec()))
        .select(form_responses::form_id)
        .load(conn)?)
}

/// The household keys of a guardian's links with these children.
pub fn households_of_guardians(
    conn: &mut AnyConnection,
    guardian_ids: &[String],
) -> Result<Vec<String>, RepoError> {
    let rows: Vec<(String, String)> = guardian_pupils::table
        .filter(guardian_pupils::guardian_id.eq_any(guardian_ids.to_vec()))
        .select((guardian_pupils::guardian_id, guardian_pupils::household))
        .load(conn)?;
    let mut keys: Vec<String> = rows
        .into_iter()
        .map(|(guardian, household)| household_key(&household, &guardian))
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}
