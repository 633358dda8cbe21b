//! Guardians (ouders/verzorgers) as a school's LAS holds them. Reads take a [`GuardianScope`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::scope::GuardianScope;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{guardian_pupils, guardians};
use crate::scoped;

/// A guardian's id, first name, prefix, last name, e-mail and phone, as reads that need no more
/// select them.
pub(crate) type GuardianNameAndContact = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = guardians)]
pub struct GuardianRow {
    pub id: String,
    pub school_id: String,
    pub las_key: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub account_id: Option<String>,
    pub deactivated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = guardian_pupils)]
pub struct GuardianPupilRow {
    pub guardian_id: String,
    pub pupil_id: String,
    pub relationship: String,
    pub parental_authority: bool,
    pub household: String,
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &GuardianScope,
    id: &str,
) -> Result<GuardianRow, RepoError> {
    Ok(guardians::table
        .filter(guardians::id.eq(id))
        .filter(guardians::deactivated_at.is_null())
        .filter(scoped::guardian_filter(scope))
        .select(GuardianRow::as_select())
        .first(conn)?)
}

/// The pupils a guardian the caller has read is linked to (ids and relation).
pub fn links_of(
    conn: &mut AnyConnection,
    guardian: &GuardianRow,
) -> Result<Vec<GuardianPupilRow>, RepoError> {
    Ok(guardian_pupils::table
        .filter(guardian_pupils::guardian_id.eq(&guardian.id))
        .select(GuardianPupilRow::as_select())
        .order(guardian_pupils::pupil_id.asc())
        .load(conn)?)
}

/// Removes a guardian the caller has read from the portal: their record and its access end; the
/// record stays for the retention period.
pub fn deactivate(conn: &mut AnyConnection, guardian: &GuardianRow) -> Result<(), RepoError> {
    let at = crate::ids::now();
    diesel::update(guardians::table.find(&guardian.id))
        .set((
            guardians::deactivated_at.eq(Some(at)),
            guardians::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The addresses of these guardian records, by id: for notifying requesters, whose records the
/// caller already holds through a scoped read.
pub fn emails_of(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, Option<String>>, RepoError> {
    Ok(guardians::table
        .filter(guardians::id.eq_any(ids))
        .select((guardians::id, guardians::email))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .collect())
}

/// For these guardian records and pupils: each link's household and whether the pupil's parents
/// are separated, in one query (the household rule of change requests needs both).
pub fn household_links(
    conn: &mut AnyConnection,
    guardian_ids: &[String],
    pupil_ids: &[String],
) -> Result<Vec<(String, String, String, bool)>, RepoError> {
    use crate::schema::pupils;
    Ok(guardian_pupils::table
        .inner_join(pupils::table)
        .filter(guardian_pupils::guardian_id.eq_any(guardian_ids))
        .filter(guardian_pupils::pupil_id.eq_any(pupil_ids))
        .select((
            guardian_pupils::guardian_id,
            guardian_pupils::pupil_id,
            guardian_pupils::household,
            pupils::parents_separated,
        ))
        .load(conn)?)
}
