//! What a desk prepares per pupil (a conversation requested, not necessary, a note) and where it
//! sits per day (a room, a video-meeting link): set by those at the desk, shown to guardians.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use domain::planner::Preparation;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{planner_desk_days, planner_preparations};

/// A desk's preparation for a pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPreparation {
    pub desk_id: String,
    pub pupil_id: String,
    pub state: Option<Preparation>,
    pub note: Option<String>,
}

/// Sets (replaces) the desk's preparation for the pupil.
pub fn set_preparation(
    conn: &mut AnyConnection,
    prep: &StoredPreparation,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    diesel::delete(
        planner_preparations::table
            .filter(planner_preparations::desk_id.eq(&prep.desk_id))
            .filter(planner_preparations::pupil_id.eq(&prep.pupil_id)),
    )
    .execute(conn)?;
    diesel::insert_into(planner_preparations::table)
        .values((
            planner_preparations::desk_id.eq(&prep.desk_id),
            planner_preparations::pupil_id.eq(&prep.pupil_id),
            planner_preparations::state.eq(prep.state.map(Preparation::as_str)),
            planner_preparations::note.eq(&prep.note),
            planner_preparations::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The preparations of these pupils at these desks.
pub fn preparations_of(
    conn: &mut AnyConnection,
    desks: &[String],
    pupils: &[String],
) -> Result<Vec<StoredPreparation>, RepoError> {
    let rows: Vec<(String, String, Option<String>, Option<String>)> = planner_preparations::table
        .filter(planner_preparations::desk_id.eq_any(desks))
        .filter(planner_preparations::pupil_id.eq_any(pupils))
        .order((
            planner_preparations::pupil_id,
            planner_preparations::desk_id,
        ))
        .select((
            planner_preparations::desk_id,
            planner_preparations::pupil_id,
            planner_preparations::state,
            planner_preparations::note,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(desk_id, pupil_id, state, note)| {
            let state = match state {
                Some(s) => Some(
                    Preparation::parse(&s)
                        .ok_or_else(|| RepoError::Corrupt(format!("preparation {s}")))?,
                ),
                None => None,
            };
            Ok(StoredPreparation {
                desk_id,
                pupil_id,
                state,
                note,
            })
        })
        .collect()
}

/// Where a desk sits on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskDay {
    pub desk_id: String,
    pub day: NaiveDate,
    pub room: Option<String>,
    pub video_link: Option<String>,
}

/// Sets (replaces) where the desk sits that day.
pub fn set_desk_day(conn: &mut AnyConnection, day: &DeskDay) -> Result<(), RepoError> {
    diesel::delete(
        planner_desk_days::table
            .filter(planner_desk_days::desk_id.eq(&day.desk_id))
            .filter(planner_desk_days::day.eq(day.day)),
    )
    .execute(conn)?;
    diesel::insert_into(planner_desk_days::table)
        .values((
            planner_desk_days::desk_id.eq(&day.desk_id),
            planner_desk_days::day.eq(day.day),
            planner_desk_days::room.eq(&day.room),
            planner_desk_days::video_link.eq(&day.video_link),
        ))
        .execute(conn)?;
    Ok(())
}

/// Where these desks sit, per day.
pub fn desk_days(conn: &mut AnyConnection, desks: &[String]) -> Result<Vec<DeskDay>, RepoError> {
    let rows: Vec<(String, NaiveDate, Option<String>, Option<String>)> = planner_desk_days::table
        .filter(planner_desk_days::desk_id.eq_any(desks))
        .order((planner_desk_days::desk_id, planner_desk_days::day))
        .select((
            planner_desk_days::desk_id,
            planner_desk_days::day,
            planner_desk_days::room,
            planner_desk_days::video_link,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(desk_id, day, room, video_link)| DeskDay {
            desk_id,
            day,
            room,
            video_link,
        })
        .collect())
}
