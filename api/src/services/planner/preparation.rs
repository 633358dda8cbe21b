//! A desk's preparation (issue #12 part 2): per pupil "conversation requested" / "not necessary"
//! and a note, which the pupil's guardians see; and per day where the desk sits: a room, or a
//! video-meeting link made by the server (unguessable: 128 random bits), which only the guardians
//! with a booking there that day see.

use chrono::{DateTime, NaiveDate, Utc};
use domain::actor::Actor;
use domain::planner::{Preparation, policy, rules};
use persistence::planner::{self, DeskDay, StoredPreparation};
use persistence::{AnyConnection, transaction};

use super::{PlannerError, Result, desk_as_staff, refused, staff_ids};
use crate::audit::Audit;
use crate::audit::Object;

/// Where a video conversation is held: a room of this service, named by a random token.
const VIDEO_BASE: &str = "https://meet.jit.si/ouderportaal-";

fn desk_object<'a>(school_id: &'a str, desk_id: &'a str) -> Object<'a> {
    Object {
        kind: "planner_desk",
        id: Some(desk_id),
        school_id: Some(school_id),
    }
}

/// A desk's word on a pupil's conversation.
#[derive(Debug, Clone, Default)]
pub struct PreparationChange {
    pub state: Option<Preparation>,
    pub note: Option<String>,
}

/// Sets the desk's preparation for a pupil of its groups (404 for a pupil not at the desk).
pub fn prepare(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
    pupil_id: &str,
    change: &PreparationChange,
    now: DateTime<Utc>,
) -> Result<StoredPreparation> {
    let (reached, desk) = desk_as_staff(conn, actor, audit, desk_id)?;
    if !policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
        return Err(PlannerError::NotFound);
    }
    if planner::pupils_in_groups(conn, &[pupil_id.to_owned()], &desk.groups)?.is_empty() {
        return Err(PlannerError::NotFound);
    }
    let note =
        rules::check_note(change.note.as_deref()).map_err(|invalid| refused("note", invalid))?;
    let prep = StoredPreparation {
        desk_id: desk.id.clone(),
        pupil_id: pupil_id.to_owned(),
        state: change.state,
        note,
    };
    transaction(conn, |conn| {
        planner::set_preparation(conn, &prep, now)?;
        let object = desk_object(&reached.round.school_id, &desk.id);
        audit.record(conn, "prepare_planner_conversation", object, "ok")?;
        Ok::<_, PlannerError>(())
    })?;
    Ok(prep)
}

fn video_link() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|err| PlannerError::Repo(persistence::RepoError::Corrupt(err.to_string())))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{VIDEO_BASE}{token}"))
}

/// Sets where the desk sits on one of the round's days: a room, and/or a new video link (a new
/// link each time it is asked for, so an old one can be replaced).
pub fn set_day(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    desk_id: &str,
    day: NaiveDate,
    room: Option<&str>,
    video: bool,
) -> Result<DeskDay> {
    let (reached, desk) = desk_as_staff(conn, actor, audit, desk_id)?;
    if !policy::may_edit_desk(actor, reached.at(), &staff_ids(&desk)) {
        return Err(PlannerError::NotFound);
    }
    let windows = planner::windows_of(conn, &reached.round.id)?;
    if !windows.iter().any(|w| w.day == day) {
        return Err(refused(
            "day",
            domain::Invalid::new("not_a_round_day", "is not a day of the round"),
        ));
    }
    let room = rules::check_room(room).map_err(|invalid| refused("room", invalid))?;
    let desk_day = DeskDay {
        desk_id: desk.id.clone(),
        day,
        room,
        video_link: if video { Some(video_link()?) } else { None },
    };
    transaction(conn, |conn| {
        planner::set_desk_day(conn, &desk_day)?;
        let object = desk_object(&reached.round.school_id, &desk.id);
        audit.record(conn, "set_planner_desk_day", object, "ok")?;
        Ok::<_, PlannerError>(())
    })?;
    Ok(desk_day)
}
