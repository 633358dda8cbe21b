//! Who a round concerns: the school's groups it may name, the groups pupils are in, and which of
//! a guardian's children a round covers.

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{enrolments, pupils, school_groups};

/// Which of `groups` are groups of the school.
pub fn groups_at(
    conn: &mut AnyConnection,
    school_id: &str,
    groups: &[String],
) -> Result<Vec<String>, RepoError> {
    Ok(school_groups::table
        .filter(school_groups::school_id.eq(school_id))
        .filter(school_groups::id.eq_any(groups.to_vec()))
        .select(school_groups::id)
        .load(conn)?)
}

/// The groups these current pupils are in, without repeats.
pub fn current_groups_of(
    conn: &mut AnyConnection,
    pupil_ids: &[String],
) -> Result<Vec<String>, RepoError> {
    Ok(enrolments::table
        .inner_join(pupils::table)
        .filter(enrolments::pupil_id.eq_any(pupil_ids.to_vec()))
        .filter(pupils::left_on.is_null())
        .select(enrolments::group_id)
        .distinct()
        .order(enrolments::group_id)
        .load(conn)?)
}

/// Which of these pupils are current pupils in one of `groups`, without repeats.
pub fn pupils_in_groups(
    conn: &mut AnyConnection,
    pupil_ids: &[String],
    groups: &[String],
) -> Result<Vec<String>, RepoError> {
    Ok(enrolments::table
        .inner_join(pupils::table)
        .filter(enrolments::pupil_id.eq_any(pupil_ids.to_vec()))
        .filter(enrolments::group_id.eq_any(groups.to_vec()))
        .filter(pupils::left_on.is_null())
        .select(enrolments::pupil_id)
        .distinct()
        .order(enrolments::pupil_id)
        .load(conn)?)
}

/// Whether the pupil's parents are marked separated (then each household books its own).
pub fn separated(conn: &mut AnyConnection, pupil_id: &str) -> Result<bool, RepoError> {
    Ok(pupils::table
        .find(pupil_id)
        .select(pupils::parents_separated)
        .first(conn)?)
}

/// The (pupil, group) enrolments of these current pupils.
pub fn enrolments_of(
    conn: &mut AnyConnection,
    pupil_ids: &[String],
) -> Result<Vec<(String, String)>, RepoError> {
    Ok(enrolments::table
        .inner_join(pupils::table)
        .filter(enrolments::pupil_id.eq_any(pupil_ids.to_vec()))
        .filter(pupils::left_on.is_null())
        .select((enrolments::pupil_id, enrolments::group_id))
        .order((enrolments::pupil_id, enrolments::group_id))
        .load(conn)?)
}
