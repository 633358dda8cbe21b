//! The caller's bookings: those they are invited to, of schools where the planner is on for them,
//! each with where it is held (the desk's room and video link that day).

use domain::actor::Actor;
use domain::planner::rules;
use persistence::AnyConnection;
use persistence::planner::{self, StoredBooking};

use super::Result;
use crate::audit::Audit;

/// Most bookings the caller's list holds.
const MY_BOOKINGS: i64 = 200;

/// The bookings the caller is invited to (their own and their household's), in time order; of
/// schools where the planner is on for them as a guardian.
pub fn my_bookings(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
) -> Result<Vec<MyBooking>> {
    let ids: Vec<String> = actor
        .guardian
        .iter()
        .map(|g| g.guardian_id.to_string())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let bookings = planner::of_guardian(conn, &ids, MY_BOOKINGS)?;
    let mut open_rounds: Vec<(String, bool)> = Vec::new();
    let mut shown = Vec::with_capacity(bookings.len());
    for booking in bookings {
        let known = open_rounds
            .iter()
            .find(|(r, _)| *r == booking.round_id)
            .map(|(_, on)| *on);
        let on = match known {
            Some(on) => on,
            None => {
                let school_id = planner::find(conn, &booking.round_id)?.school_id;
                let gate = crate::services::module_school_as(
                    conn,
                    actor,
                    audit,
                    &school_id,
                    domain::modules::Module::Planner,
                    domain::modules::Capacity::Guardian,
                    None,
                );
                let on = match gate {
                    Ok(_) => true,
                    Err(crate::services::Denied::Repo(err)) => return Err(err.into()),
                    Err(_) => false,
                };
                open_rounds.push((booking.round_id.clone(), on));
                on
            }
        };
        if on {
            shown.push(booking);
        }
    }
    // Where each is held: the desk's room and video link on the day of the conversation.
    let desks: Vec<String> = shown.iter().map(|b| b.desk_id.clone()).collect();
    let days = planner::desk_days(conn, &desks)?;
    Ok(shown
        .into_iter()
        .map(|booking| {
            let day = days
                .iter()
                .find(|d| {
                    d.desk_id == booking.desk_id && d.day == rules::local_day(booking.starts_at)
                })
                .cloned();
            MyBooking { booking, day }
        })
        .collect())
}

/// A booking in the caller's list, with where it is held.
#[derive(Debug, Clone)]
pub struct MyBooking {
    pub booking: StoredBooking,
    pub day: Option<planner::DeskDay>,
}
