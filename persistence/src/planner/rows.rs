//! The stored shapes of the planner, and their conversion into the domain's values: a value this
//! version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use diesel::prelude::*;
use domain::planner::{BookingState, DuoMode, Fairness, RoundTimes, Window};

use crate::error::RepoError;
use crate::schema::{
    planner_booking_guardians, planner_bookings, planner_desks, planner_rounds, planner_slots,
    planner_windows,
};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = planner_rounds)]
pub struct RoundRow {
    pub id: String,
    pub school_id: String,
    pub name: String,
    pub purpose: Option<String>,
    pub slot_minutes: i32,
    pub pause_minutes: i32,
    pub teachers_deadline: NaiveDateTime,
    pub booking_opens: NaiveDateTime,
    pub booking_closes: NaiveDateTime,
    pub guardians_may_change: bool,
    pub max_bookings_per_pupil: i32,
    pub quota_per_pupil: Option<i32>,
    pub quota_hours: Option<i32>,
    pub duo_mode: String,
    pub published_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = planner_windows)]
pub struct WindowRow {
    pub round_id: String,
    pub position: i32,
    pub day: NaiveDate,
    pub starts: String,
    pub ends: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = planner_desks)]
pub struct DeskRow {
    pub id: String,
    pub round_id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = planner_slots)]
pub struct SlotRow {
    pub id: String,
    pub round_id: String,
    pub desk_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub blocked: bool,
    pub added: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = planner_bookings)]
pub struct BookingRow {
    pub id: String,
    pub round_id: String,
    pub desk_id: String,
    pub slot_id: String,
    pub pupil_id: String,
    pub household: String,
    pub booked_by: Option<String>,
    pub state: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub cancel_reason: Option<String>,
    pub ended_by: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    pub sequence: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = planner_booking_guardians)]
pub struct BookingGuardianRow {
    pub booking_id: String,
    pub guardian_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub active: bool,
}

/// A round as the services use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRound {
    pub id: String,
    pub school_id: String,
    pub name: String,
    pub purpose: Option<String>,
    pub slot_minutes: u32,
    pub pause_minutes: u32,
    pub times: RoundTimes,
    pub guardians_may_change: bool,
    pub max_bookings_per_pupil: u32,
    pub fairness: Option<Fairness>,
    pub duo_mode: DuoMode,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// A booking as the services use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBooking {
    pub id: String,
    pub round_id: String,
    pub desk_id: String,
    pub slot_id: String,
    pub pupil_id: String,
    /// `None`: a joint booking (every household invited).
    pub household: Option<String>,
    pub booked_by: Option<String>,
    pub state: BookingState,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub cancel_reason: Option<String>,
    pub ended_by: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub sequence: u32,
    pub created_at: DateTime<Utc>,
}

pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

fn count(value: i32, what: &str) -> Result<u32, RepoError> {
    u32::try_from(value).map_err(|_| RepoError::Corrupt(format!("{what} {value}")))
}

pub(crate) fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl TryFrom<RoundRow> for StoredRound {
    type Error = RepoError;

    fn try_from(row: RoundRow) -> Result<Self, RepoError> {
        let duo_mode = DuoMode::parse(&row.duo_mode)
            .ok_or_else(|| RepoError::Corrupt(format!("duo mode {}", row.duo_mode)))?;
        let fairness = match (row.quota_per_pupil, row.quota_hours) {
            (Some(per_pupil), Some(hours)) => Some(Fairness {
                per_pupil: count(per_pupil, "quota")?,
                hours: count(hours, "quota hours")?,
            }),
            (None, None) => None,
            _ => return Err(RepoError::Corrupt("half a fairness quota".to_owned())),
        };
        Ok(StoredRound {
            slot_minutes: count(row.slot_minutes, "slot minutes")?,
            pause_minutes: count(row.pause_minutes, "pause minutes")?,
            max_bookings_per_pupil: count(row.max_bookings_per_pupil, "bookings per pupil")?,
            times: RoundTimes {
                teachers_deadline: utc(row.teachers_deadline),
                booking_opens: utc(row.booking_opens),
                booking_closes: utc(row.booking_closes),
            },
            fairness,
            duo_mode,
            published_at: row.published_at.map(utc),
            created_at: utc(row.created_at),
            id: row.id,
            school_id: row.school_id,
            name: row.name,
            purpose: row.purpose,
            guardians_may_change: row.guardians_may_change,
            version: row.version,
        })
    }
}

/// The wall-clock form of a window's times (`HH:MM`).
pub(crate) fn clock(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

impl TryFrom<WindowRow> for Window {
    type Error = RepoError;

    fn try_from(row: WindowRow) -> Result<Self, RepoError> {
        let parse = |text: &str| {
            NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| RepoError::Corrupt(format!("window time {text}")))
        };
        Ok(Window {
            day: row.day,
            starts: parse(&row.starts)?,
            ends: parse(&row.ends)?,
        })
    }
}

impl TryFrom<BookingRow> for StoredBooking {
    type Error = RepoError;

    fn try_from(row: BookingRow) -> Result<Self, RepoError> {
        let state = BookingState::parse(&row.state)
            .ok_or_else(|| RepoError::Corrupt(format!("booking state {}", row.state)))?;
        Ok(StoredBooking {
            household: (!row.household.is_empty()).then_some(row.household),
            state,
            starts_at: utc(row.starts_at),
            ends_at: utc(row.ends_at),
            ended_at: row.ended_at.map(utc),
            sequence: count(row.sequence, "sequence")?,
            created_at: utc(row.created_at),
            id: row.id,
            round_id: row.round_id,
            desk_id: row.desk_id,
            slot_id: row.slot_id,
            pupil_id: row.pupil_id,
            booked_by: row.booked_by,
            cancel_reason: row.cancel_reason,
            ended_by: row.ended_by,
        })
    }
}
