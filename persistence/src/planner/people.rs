//! Who a round concerns: the school's groups it may name, the groups pupils are in, and which of
//! a guardian's children a round covers.

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{
    accounts, enrolments, guardian_pupils, guardians, planner_booking_guardians, planner_bookings,
    planner_round_groups, planner_rounds, pupils, school_groups,
};

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

/// The accounts (active) of the active guardians of the current pupils in the round's groups, each
/// with the child's first name: whom a published round reaches (with `unbooked_only`, those of
/// pupils without a live booking: whom a reminder reaches). Nobody for a round of another school.
pub fn round_guardians(
    conn: &mut AnyConnection,
    school_id: &str,
    round_id: &str,
    unbooked_only: bool,
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let groups: Vec<String> = planner_round_groups::table
        .inner_join(planner_rounds::table)
        .filter(planner_rounds::school_id.eq(school_id))
        .filter(planner_round_groups::round_id.eq(round_id))
        .select(planner_round_groups::group_id)
        .load(conn)?;
    let in_groups = enrolments::table
        .filter(enrolments::group_id.eq_any(groups))
        .select(enrolments::pupil_id);
    let booked: Vec<String> = if unbooked_only {
        planner_bookings::table
            .filter(planner_bookings::round_id.eq(round_id))
            .filter(planner_bookings::state.eq("booked"))
            .select(planner_bookings::pupil_id)
            .load(conn)?
    } else {
        Vec::new()
    };
    let rows: Vec<(String, String)> = guardians::table
        .inner_join(guardian_pupils::table.inner_join(pupils::table))
        .filter(guardian_pupils::pupil_id.eq_any(in_groups))
        .filter(diesel::dsl::not(guardian_pupils::pupil_id.eq_any(booked)))
        .filter(guardians::school_id.eq(school_id))
        .filter(guardians::deactivated_at.is_null())
        .filter(
            guardians::account_id
                .assume_not_null()
                .eq_any(active_accounts()),
        )
        .filter(pupils::left_on.is_null())
        .select((guardians::account_id.assume_not_null(), pupils::first_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(a, c)| (a, Some(c))).collect())
}

/// The accounts (active) of the guardians a booking invites, with the child's first name.
pub fn booking_guardians(
    conn: &mut AnyConnection,
    school_id: &str,
    booking_id: &str,
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let Some(booking_pupil) = planner_bookings::table
        .filter(planner_bookings::id.eq(booking_id))
        .select(planner_bookings::pupil_id)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let invited: Vec<String> = planner_booking_guardians::table
        .filter(planner_booking_guardians::booking_id.eq(booking_id))
        .select(planner_booking_guardians::guardian_id)
        .load(conn)?;
    let rows: Vec<(String, String)> = guardians::table
        .inner_join(guardian_pupils::table.inner_join(pupils::table))
        .filter(guardian_pupils::pupil_id.eq(booking_pupil))
        .filter(guardian_pupils::guardian_id.eq_any(invited))
        .filter(guardians::school_id.eq(school_id))
        .filter(
            guardians::account_id
                .assume_not_null()
                .eq_any(active_accounts()),
        )
        .select((guardians::account_id.assume_not_null(), pupils::first_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(a, c)| (a, Some(c))).collect())
}

fn active_accounts() -> diesel::dsl::Select<
    diesel::dsl::Filter<accounts::table, diesel::dsl::IsNull<accounts::disabled_at>>,
    accounts::id,
> {
    accounts::table
        .filter(accounts::disabled_at.is_null())
        .select(accounts::id)
}
