//! Writes of the people the LAS holds: school years, groups, pupils, guardians, staff and their
//! links. Used by demo data and tests now, and the foundation of roster sync. Not reachable from a
//! handler that reads: these take no scope because their caller is the LAS (or a seed), not a person.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::account_tokens::Record;
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::groups::{GroupRow, SchoolYearRow};
use crate::guardians::{GuardianPupilRow, GuardianRow};
use crate::ids::{new_id, now};
use crate::pupils::PupilRow;
use crate::schema::{
    board_admins, enrolments, guardian_pupils, guardians, pupils, school_groups, school_years,
    staff, staff_groups, staff_roles,
};
use crate::staff::StaffRow;

/// Rows per INSERT: well under SQLite's limit on bound variables, and few round trips.
const BATCH: usize = 500;

pub fn insert_school_year(
    conn: &mut AnyConnection,
    school_id: &str,
    name: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<SchoolYearRow, RepoError> {
    let row = SchoolYearRow {
        id: new_id(),
        school_id: school_id.to_owned(),
        name: name.to_owned(),
        starts_on,
        ends_on,
    };
    diesel::insert_into(school_years::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// A group as the LAS describes it.
pub struct NewGroup<'a> {
    pub school_id: &'a str,
    pub school_year_id: &'a str,
    pub las_key: &'a str,
    pub name: &'a str,
    pub year_group: Option<i32>,
    pub is_combined: bool,
}

pub fn insert_group(conn: &mut AnyConnection, new: &NewGroup<'_>) -> Result<GroupRow, RepoError> {
    let at = now();
    let row = GroupRow {
        id: new_id(),
        school_id: new.school_id.to_owned(),
        school_year_id: new.school_year_id.to_owned(),
        las_key: new.las_key.to_owned(),
        name: new.name.to_owned(),
        year_group: new.year_group,
        is_combined: new.is_combined,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(school_groups::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// A person's name as the LAS holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
}

pub struct NewPupil {
    pub school_id: String,
    pub las_key: String,
    pub name: PersonName,
    pub date_of_birth: Option<NaiveDate>,
    pub parents_separated: bool,
}

pub fn pupil_row(new: NewPupil) -> PupilRow {
    let at = now();
    PupilRow {
        id: new_id(),
        school_id: new.school_id,
        las_key: new.las_key,
        first_name: new.name.first_name,
        name_prefix: new.name.name_prefix,
        last_name: new.name.last_name,
        date_of_birth: new.date_of_birth,
        parents_separated: new.parents_separated,
        left_on: None,
        created_at: at,
        updated_at: at,
    }
}

pub struct NewGuardian {
    pub school_id: String,
    pub las_key: String,
    pub name: PersonName,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub fn guardian_row(new: NewGuardian) -> GuardianRow {
    let at = now();
    GuardianRow {
        id: new_id(),
        school_id: new.school_id,
        las_key: new.las_key,
        first_name: new.name.first_name,
        name_prefix: new.name.name_prefix,
        last_name: new.name.last_name,
        email: new.email,
        phone: new.phone,
        account_id: None,
        deactivated_at: None,
        created_at: at,
        updated_at: at,
    }
}

pub struct NewStaff {
    pub school_id: String,
    pub las_key: String,
    pub name: PersonName,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub fn staff_row(new: NewStaff) -> StaffRow {
    let at = now();
    StaffRow {
        id: new_id(),
        school_id: new.school_id,
        las_key: new.las_key,
        first_name: new.name.first_name,
        name_prefix: new.name.name_prefix,
        last_name: new.name.last_name,
        email: new.email,
        phone: new.phone,
        account_id: None,
        deactivated_at: None,
        created_at: at,
        updated_at: at,
    }
}

/// Everything of one roster, written in batches.
#[derive(Default)]
pub struct RosterRows {
    pub pupils: Vec<PupilRow>,
    /// (pupil id, group id)
    pub enrolments: Vec<(String, String)>,
    pub guardians: Vec<GuardianRow>,
    pub guardian_links: Vec<GuardianPupilRow>,
    pub staff: Vec<StaffRow>,
    /// (staff id, role)
    pub staff_roles: Vec<(String, String)>,
    /// (staff id, group id)
    pub staff_groups: Vec<(String, String)>,
}

/// Inserts the rows, parents before children. The caller runs it in a transaction.
pub fn insert_rows(conn: &mut AnyConnection, rows: &RosterRows) -> Result<(), RepoError> {
    for chunk in rows.pupils.chunks(BATCH) {
        batch_insert!(conn, pupils::table, chunk)?;
    }
    for chunk in rows.enrolments.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(p, g)| (enrolments::pupil_id.eq(p), enrolments::group_id.eq(g)))
            .collect();
        batch_insert!(conn, enrolments::table, values)?;
    }
    for chunk in rows.guardians.chunks(BATCH) {
        batch_insert!(conn, guardians::table, chunk)?;
    }
    for chunk in rows.guardian_links.chunks(BATCH) {
        batch_insert!(conn, guardian_pupils::table, chunk)?;
    }
    for chunk in rows.staff.chunks(BATCH) {
        batch_insert!(conn, staff::table, chunk)?;
    }
    for chunk in rows.staff_roles.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(s, r)| (staff_roles::staff_id.eq(s), staff_roles::role.eq(r)))
            .collect();
        batch_insert!(conn, staff_roles::table, values)?;
    }
    for chunk in rows.staff_groups.chunks(BATCH) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(s, g)| (staff_groups::staff_id.eq(s), staff_groups::group_id.eq(g)))
            .collect();
        batch_insert!(conn, staff_groups::table, values)?;
    }
    Ok(())
}

/// Links the guardian record to the account that signs in as that guardian.
/// Links a guardian record to an account without conditions (demo data and tests; people go
/// through [`link_if_addressed`]).
pub fn link_guardian_account(
    conn: &mut AnyConnection,
    guardian_id: &str,
    account_id: &str,
) -> Result<(), RepoError> {
    diesel::update(guardians::table.find(guardian_id))
        .set(guardians::account_id.eq(account_id))
        .execute(conn)?;
    Ok(())
}

/// Links a staff record to an account without conditions (demo data and tests).
pub fn link_staff_account(
    conn: &mut AnyConnection,
    staff_id: &str,
    account_id: &str,
) -> Result<(), RepoError> {
    diesel::update(staff::table.find(staff_id))
        .set(staff::account_id.eq(account_id))
        .execute(conn)?;
    Ok(())
}

/// Links a person record to the account whose holder used a link mailed for it, if the record
/// still holds that account's address, is active, and has no other account. True when the record
/// is now linked to the account. The update is guarded, so a sync that changed the address in the
/// meantime wins.
pub fn link_if_addressed(
    conn: &mut AnyConnection,
    record: Record<'_>,
    account_id: &str,
    account_email: &str,
) -> Result<bool, RepoError> {
    macro_rules! link {
        ($table:ident, $id:expr) => {{
            let held: Option<(Option<String>, Option<String>)> = $table::table
                .find($id)
                .filter($table::deactivated_at.is_null())
                .select(($table::email, $table::account_id))
                .first(conn)
                .optional()?;
            match held {
                Some((_, Some(linked))) => linked == account_id,
                Some((Some(email), None)) if email.eq_ignore_ascii_case(account_email) => {
                    diesel::update(
                        $table::table
                            .find($id)
                            .filter($table::email.eq(&email))
                            .filter($table::account_id.is_null())
                            .filter($table::deactivated_at.is_null()),
                    )
                    .set($table::account_id.eq(account_id))
                    .execute(conn)?
                        == 1
                }
                _ => false,
            }
        }};
    }
    Ok(match record {
        Record::Guardian(id) => link!(guardians, id),
        Record::Staff(id) => link!(staff, id),
    })
}

/// Ends the link of a person record to its account (the LAS changed the record's address): the
/// account keeps its other records and its sessions; it no longer has this one.
pub fn unlink_guardian(conn: &mut AnyConnection, guardian_id: &str) -> Result<(), RepoError> {
    diesel::update(guardians::table.find(guardian_id))
        .set(guardians::account_id.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

pub fn add_board_admin(
    conn: &mut AnyConnection,
    account_id: &str,
    board_id: &str,
) -> Result<(), RepoError> {
    diesel::insert_into(board_admins::table)
        .values((
            board_admins::account_id.eq(account_id),
            board_admins::board_id.eq(board_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The school year of this name at the school, created when it is new (the roll-over after
/// 1 August brings the new year's groups; the previous year stays).
pub fn school_year(
    conn: &mut AnyConnection,
    school_id: &str,
    name: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<SchoolYearRow, RepoError> {
    let existing = school_years::table
        .filter(school_years::school_id.eq(school_id))
        .filter(school_years::name.eq(name))
        .select(SchoolYearRow::as_select())
        .first(conn)
        .optional()?;
    match existing {
        Some(row) => Ok(row),
        None => insert_school_year(conn, school_id, name, starts_on, ends_on),
    }
}
