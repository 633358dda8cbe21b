//! What the school sees of a round: a desk's day (slots, the pupil booked, the guardians invited)
//! and the round's progress (which pupils have a booking). A fixed number of queries each,
//! whatever the number of slots or pupils.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::desks::{DeskSlot, slots_of};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{
    enrolments, guardians, planner_booking_guardians, planner_bookings, planner_round_groups,
    pupils, school_groups,
};

fn full_name(first: String, prefix: Option<String>, last: String) -> String {
    crate::names::full_name(&first, prefix.as_deref(), &last)
}

/// A slot of a desk's day, with who comes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleLine {
    pub slot: DeskSlot,
    /// The pupil booked (id, name), if any.
    pub pupil: Option<(String, String)>,
    /// `None`: joint, or no booking.
    pub household: Option<String>,
    /// The names of the guardians invited.
    pub invited: Vec<String>,
}

/// The desk's slots starting in `[from, to)`, with their bookings (three queries).
pub fn schedule(
    conn: &mut AnyConnection,
    desk_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<ScheduleLine>, RepoError> {
    let slots: Vec<DeskSlot> = slots_of(conn, &[desk_id.to_owned()])?
        .into_iter()
        .filter(|s| s.slot.starts_at >= from && s.slot.starts_at < to)
        .collect();
    let booking_ids: Vec<String> = slots
        .iter()
        .filter_map(|s| s.booking.as_ref().map(|(b, _)| b.clone()))
        .collect();
    type Booked = (String, String, String, String, Option<String>, String);
    let booked: Vec<Booked> = planner_bookings::table
        .inner_join(pupils::table)
        .filter(planner_bookings::id.eq_any(&booking_ids))
        .select((
            planner_bookings::id,
            planner_bookings::household,
            pupils::id,
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
        ))
        .load(conn)?;
    let invited: Vec<(String, String, Option<String>, String)> = planner_booking_guardians::table
        .inner_join(guardians::table)
        .filter(planner_booking_guardians::booking_id.eq_any(&booking_ids))
        .order((planner_booking_guardians::booking_id, guardians::last_name))
        .select((
            planner_booking_guardians::booking_id,
            guardians::first_name,
            guardians::name_prefix,
            guardians::last_name,
        ))
        .load(conn)?;
    Ok(slots
        .into_iter()
        .map(|slot| {
            let booking = slot.booking.as_ref().map(|(b, _)| b.clone());
            let row = booking
                .as_ref()
                .and_then(|b| booked.iter().find(|r| &r.0 == b));
            ScheduleLine {
                pupil: row.map(|r| {
                    (
                        r.2.clone(),
                        full_name(r.3.clone(), r.4.clone(), r.5.clone()),
                    )
                }),
                household: row.and_then(|r| (!r.1.is_empty()).then(|| r.1.clone())),
                invited: booking
                    .map(|b| {
                        invited
                            .iter()
                            .filter(|i| i.0 == b)
                            .map(|i| full_name(i.1.clone(), i.2.clone(), i.3.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                slot,
            }
        })
        .collect())
}

/// A pupil the round covers, and whether it has a live booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilProgress {
    pub pupil_id: String,
    pub name: String,
    pub group: String,
    pub booked: bool,
}

/// The current pupils of the round's groups (each once, by group and name) and whether each has a
/// live booking in the round (two queries).
pub fn progress(conn: &mut AnyConnection, round_id: &str) -> Result<Vec<PupilProgress>, RepoError> {
    let groups: Vec<String> = planner_round_groups::table
        .filter(planner_round_groups::round_id.eq(round_id))
        .select(planner_round_groups::group_id)
        .load(conn)?;
    let pupils_in: Vec<(String, String, Option<String>, String, String)> = enrolments::table
        .inner_join(pupils::table)
        .inner_join(school_groups::table)
        .filter(enrolments::group_id.eq_any(&groups))
        .filter(pupils::left_on.is_null())
        .order((
            school_groups::name,
            pupils::last_name,
            pupils::first_name,
            pupils::id,
        ))
        .select((
            pupils::id,
            pupils::first_name,
            pupils::name_prefix,
            pupils::last_name,
            school_groups::name,
        ))
        .load(conn)?;
    let booked: std::collections::HashSet<String> = planner_bookings::table
        .filter(planner_bookings::round_id.eq(round_id))
        .filter(planner_bookings::state.eq("booked"))
        .select(planner_bookings::pupil_id)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut seen = std::collections::HashSet::new();
    Ok(pupils_in
        .into_iter()
        .filter(|row| seen.insert(row.0.clone()))
        .map(|(id, first, prefix, last, group)| PupilProgress {
            booked: booked.contains(&id),
            name: full_name(first, prefix, last),
            pupil_id: id,
            group,
        })
        .collect())
}
