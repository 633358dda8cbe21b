//! Rounds: written with their groups, windows, desks and generated slots in one go; read by id
//! (the service then gates the round's school), listed per school for its staff and per
//! guardian's children for guardians; published once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::planner::{DuoMode, RoundSettings, Slot, Window};

use super::rows::{DeskRow, RoundRow, SlotRow, StoredRound, WindowRow, clock, int};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::page::{Page, fetch_page};
use crate::schema::{
    planner_desk_groups, planner_desk_staff, planner_desks, planner_round_groups, planner_rounds,
    planner_slots, planner_windows, school_groups, staff, staff_groups,
};

/// Rows a multi-row insert takes at once (SQLite binds at most 32,766 values).
const CHUNK: usize = 500;

/// A desk to set up: its label, who sits at it, and the groups whose pupils book there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDesk {
    pub label: String,
    pub staff: Vec<String>,
    pub groups: Vec<String>,
}

/// A round that passed the rules, with the desks and the slots each desk starts with.
pub struct NewRound<'a> {
    pub school_id: &'a str,
    pub created_by: Option<&'a str>,
    pub settings: &'a RoundSettings,
    pub duo_mode: DuoMode,
    pub groups: &'a [String],
    pub desks: &'a [NewDesk],
    pub slots: &'a [Slot],
}

fn naive(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.naive_utc()
}

/// Writes the round and everything it starts with; its id.
pub fn insert(
    conn: &mut AnyConnection,
    new: &NewRound<'_>,
    now: DateTime<Utc>,
) -> Result<StoredRound, RepoError> {
    let settings = new.settings;
    let row = RoundRow {
        id: new_id(),
        school_id: new.school_id.to_owned(),
        name: settings.name.clone(),
        purpose: settings.purpose.clone(),
        slot_minutes: int(settings.slot_minutes),
        pause_minutes: int(settings.pause_minutes),
        teachers_deadline: naive(settings.times.teachers_deadline),
        booking_opens: naive(settings.times.booking_opens),
        booking_closes: naive(settings.times.booking_closes),
        guardians_may_change: settings.guardians_may_change,
        max_bookings_per_pupil: int(settings.max_bookings_per_pupil),
        quota_per_pupil: settings.fairness.map(|f| int(f.per_pupil)),
        quota_hours: settings.fairness.map(|f| int(f.hours)),
        duo_mode: new.duo_mode.as_str().to_owned(),
        published_at: None,
        reminded_at: None,
        created_by: new.created_by.map(str::to_owned),
        version: 1,
        created_at: naive(now),
        updated_at: naive(now),
    };
    diesel::insert_into(planner_rounds::table)
        .values(&row)
        .execute(conn)?;
    let round_id = row.id.clone();
    let groups: Vec<_> = new
        .groups
        .iter()
        .map(|g| {
            (
                planner_round_groups::round_id.eq(round_id.clone()),
                planner_round_groups::group_id.eq(g.clone()),
            )
        })
        .collect();
    batch_insert!(conn, planner_round_groups::table, &groups)?;
    let windows: Vec<WindowRow> = settings
        .windows
        .iter()
        .enumerate()
        .map(|(i, w)| WindowRow {
            round_id: round_id.clone(),
            position: i32::try_from(i).unwrap_or(i32::MAX),
            day: w.day,
            starts: clock(w.starts),
            ends: clock(w.ends),
        })
        .collect();
    batch_insert!(conn, planner_windows::table, &windows)?;
    for desk in new.desks {
        insert_desk(conn, &round_id, desk, new.slots)?;
    }
    StoredRound::try_from(row)
}

fn insert_desk(
    conn: &mut AnyConnection,
    round_id: &str,
    desk: &NewDesk,
    slots: &[Slot],
) -> Result<(), RepoError> {
    let row = DeskRow {
        id: new_id(),
        round_id: round_id.to_owned(),
        label: desk.label.clone(),
    };
    diesel::insert_into(planner_desks::table)
        .values(&row)
        .execute(conn)?;
    let staff: Vec<_> = desk
        .staff
        .iter()
        .map(|s| {
            (
                planner_desk_staff::desk_id.eq(row.id.clone()),
                planner_desk_staff::staff_id.eq(s.clone()),
            )
        })
        .collect();
    batch_insert!(conn, planner_desk_staff::table, &staff)?;
    let groups: Vec<_> = desk
        .groups
        .iter()
        .map(|g| {
            (
                planner_desk_groups::desk_id.eq(row.id.clone()),
                planner_desk_groups::group_id.eq(g.clone()),
            )
        })
        .collect();
    batch_insert!(conn, planner_desk_groups::table, &groups)?;
    let slots: Vec<SlotRow> = slots
        .iter()
        .map(|s| SlotRow {
            id: new_id(),
            round_id: round_id.to_owned(),
            desk_id: row.id.clone(),
            starts_at: naive(s.starts_at),
            ends_at: naive(s.ends_at),
            blocked: false,
            added: false,
        })
        .collect();
    for chunk in slots.chunks(CHUNK) {
        batch_insert!(conn, planner_slots::table, chunk)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<StoredRound, RepoError> {
    let row: RoundRow = planner_rounds::table
        .find(id)
        .select(RoundRow::as_select())
        .first(conn)?;
    StoredRound::try_from(row)
}

/// The groups the round covers.
pub fn groups_of(conn: &mut AnyConnection, round_id: &str) -> Result<Vec<String>, RepoError> {
    Ok(planner_round_groups::table
        .filter(planner_round_groups::round_id.eq(round_id))
        .select(planner_round_groups::group_id)
        .order(planner_round_groups::group_id)
        .load(conn)?)
}

/// The round's windows in the order given.
pub fn windows_of(conn: &mut AnyConnection, round_id: &str) -> Result<Vec<Window>, RepoError> {
    let rows: Vec<WindowRow> = planner_windows::table
        .filter(planner_windows::round_id.eq(round_id))
        .order(planner_windows::position)
        .select(WindowRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Window::try_from).collect()
}

/// Which rounds of a school a list shows.
pub enum Listed<'a> {
    /// Every round (the school's planners).
    All,
    /// Rounds covering one of these groups (a teacher's); published ones only when `published`
    /// (a guardian's children's groups).
    Covering {
        groups: &'a [String],
        published_only: bool,
    },
}

/// A page of the school's rounds, newest first.
pub fn list_at(
    conn: &mut AnyConnection,
    school_id: &str,
    listed: &Listed<'_>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StoredRound>, RepoError> {
    let page: Page<RoundRow> = fetch_page::<_, RepoError>(
        limit,
        |n| {
            let mut query = planner_rounds::table
                .filter(planner_rounds::school_id.eq(school_id))
                .select(RoundRow::as_select())
                .order(planner_rounds::id.desc())
                .limit(n)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(planner_rounds::id.lt(after.to_owned()));
            }
            if let Listed::Covering {
                groups,
                published_only,
            } = listed
            {
                let covering = planner_round_groups::table
                    .filter(planner_round_groups::group_id.eq_any(groups.to_vec()))
                    .select(planner_round_groups::round_id);
                query = query.filter(planner_rounds::id.eq_any(covering));
                if *published_only {
                    query = query.filter(planner_rounds::published_at.is_not_null());
                }
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(StoredRound::try_from)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

/// Publishes the round unless it is already (a guarded update: two admins at once publish once).
/// False when it was published meanwhile.
pub fn publish(conn: &mut AnyConnection, id: &str, now: DateTime<Utc>) -> Result<bool, RepoError> {
    let updated = diesel::update(
        planner_rounds::table
            .filter(planner_rounds::id.eq(id))
            .filter(planner_rounds::published_at.is_null()),
    )
    .set((
        planner_rounds::published_at.eq(Some(naive(now))),
        planner_rounds::version.eq(planner_rounds::version + 1),
        planner_rounds::updated_at.eq(naive(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A teacher of one of the groups: (group, staff id, staff's display name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTeacher {
    pub group_id: String,
    pub staff_id: String,
    pub name: String,
}

/// The active staff linked to each of the school's `groups` (their teachers), in one query.
pub fn group_teachers(
    conn: &mut AnyConnection,
    school_id: &str,
    groups: &[String],
) -> Result<Vec<GroupTeacher>, RepoError> {
    let rows: Vec<(String, String, String, Option<String>, String)> = staff_groups::table
        .inner_join(staff::table)
        .inner_join(school_groups::table)
        .filter(school_groups::school_id.eq(school_id))
        .filter(staff::school_id.eq(school_id))
        .filter(staff::deactivated_at.is_null())
        .filter(staff_groups::group_id.eq_any(groups.to_vec()))
        .select((
            staff_groups::group_id,
            staff::id,
            staff::first_name,
            staff::name_prefix,
            staff::last_name,
        ))
        .order((staff_groups::group_id, staff::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(group_id, staff_id, first, prefix, last)| GroupTeacher {
            group_id,
            staff_id,
            name: [Some(first), prefix, Some(last)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect())
}

/// Marks the round reminded unless it was within the last `every` (a guarded update: two admins at
/// once remind once). False when it was.
pub fn mark_reminded(
    conn: &mut AnyConnection,
    id: &str,
    now: DateTime<Utc>,
    every: chrono::Duration,
) -> Result<bool, RepoError> {
    let since = naive(now - every);
    let updated = diesel::update(
        planner_rounds::table
            .filter(planner_rounds::id.eq(id))
            .filter(
                planner_rounds::reminded_at
                    .is_null()
                    .or(planner_rounds::reminded_at.le(since)),
            ),
    )
    .set(planner_rounds::reminded_at.eq(Some(naive(now))))
    .execute(conn)?;
    Ok(updated == 1)
}
