//! The contract's shapes of absence.

use chrono::{NaiveDate, NaiveDateTime};
use domain::absence::{AbsenceKind, AbsenceReason, ReasonKind, ReportState, Source};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::services::absence::{AbsenceView, Registration, Report};

/// Why a guardian reports their child absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceReasonKind {
    Sick,
    /// A doctor's, dentist's or other appointment (the note says which).
    Appointment,
    /// Anything else (the note says what).
    Other,
    /// Granted leave (an absence made from an approved leave request).
    Leave,
}

/// Why a guardian reports their child absent (leave is requested, not reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Sick,
    /// A doctor's, dentist's or other appointment (the note says which).
    Appointment,
    /// Anything else (the note says what).
    Other,
}

impl From<ReportReason> for ReasonKind {
    fn from(reason: ReportReason) -> Self {
        match reason {
            ReportReason::Sick => ReasonKind::Sick,
            ReportReason::Appointment => ReasonKind::Appointment,
            ReportReason::Other => ReasonKind::Other,
        }
    }
}

/// How the school registered the absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceKindDto {
    /// Geoorloofd.
    Authorized,
    /// Ongeoorloofd: counts towards the report to DUO (16 hours within 4 school weeks).
    Unauthorized,
    Sick,
    Leave,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceSource {
    Guardian,
    Staff,
    Leave,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceState {
    Reported,
    Withdrawn,
    /// The pupil is back ("beter gemeld").
    Returned,
}

impl From<AbsenceKind> for AbsenceKindDto {
    fn from(kind: AbsenceKind) -> Self {
        match kind {
            AbsenceKind::Authorized => AbsenceKindDto::Authorized,
            AbsenceKind::Unauthorized => AbsenceKindDto::Unauthorized,
            AbsenceKind::Sick => AbsenceKindDto::Sick,
            AbsenceKind::Leave => AbsenceKindDto::Leave,
        }
    }
}

impl From<AbsenceKindDto> for AbsenceKind {
    fn from(kind: AbsenceKindDto) -> Self {
        match kind {
            AbsenceKindDto::Authorized => AbsenceKind::Authorized,
            AbsenceKindDto::Unauthorized => AbsenceKind::Unauthorized,
            AbsenceKindDto::Sick => AbsenceKind::Sick,
            AbsenceKindDto::Leave => AbsenceKind::Leave,
        }
    }
}

/// A guardian's report (`reason` sick, appointment or other; leave is requested, not reported).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AbsenceReportInput {
    pub reason: ReportReason,
    /// What for (required unless sick): "tandarts 10:30". The note of a sick report is medical
    /// detail: only the group's teacher and care staff see it.
    #[schema(max_length = 200)]
    pub note: Option<String>,
    /// Default: today before the school's cut-off (08:00), else the next school day. Not before
    /// today.
    pub first_day: Option<NaiveDate>,
    /// Default: the first day; for a sick report, open until reported better.
    pub last_day: Option<NaiveDate>,
    /// When the child is expected back, when known.
    pub expected_return: Option<NaiveDate>,
    /// For part of a single day: the minutes of teaching missed.
    #[schema(minimum = 1, maximum = 480)]
    pub minutes: Option<u32>,
}

impl AbsenceReportInput {
    pub fn command(self) -> Report {
        Report {
            reason: AbsenceReason {
                kind: self.reason.into(),
                note: self.note,
            },
            first_day: self.first_day,
            last_day: self.last_day,
            expected_return: self.expected_return,
            minutes: self.minutes,
        }
    }
}

/// Absence registered by staff, for the pupils named or every current pupil of a group (an
/// excursion), also for past days.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AbsenceRegistrationInput {
    /// The pupils (or give `group_id`).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub pupil_ids: Vec<Uuid>,
    /// Every current pupil of this group (instead of `pupil_ids`).
    pub group_id: Option<Uuid>,
    pub kind: AbsenceKindDto,
    #[schema(max_length = 200)]
    pub note: Option<String>,
    pub first_day: NaiveDate,
    /// Default: the first day.
    pub last_day: Option<NaiveDate>,
    /// For part of a single day: the minutes of teaching missed; else the calendar's lesson time.
    #[schema(minimum = 1, maximum = 480)]
    pub minutes: Option<u32>,
}

impl From<AbsenceRegistrationInput> for Registration {
    fn from(input: AbsenceRegistrationInput) -> Self {
        Registration {
            pupil_ids: input.pupil_ids.iter().map(Uuid::to_string).collect(),
            group_id: input.group_id.map(|g| g.to_string()),
            kind: input.kind.into(),
            note: input.note,
            first_day: input.first_day,
            last_day: input.last_day,
            minutes: input.minutes,
        }
    }
}

/// A change of an absence, made on the `version` read. A guardian changes their report (reason,
/// note, days, expected return) until its first day starts; staff register its kind, minutes and
/// last day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AbsenceChangeInput {
    #[schema(minimum = 1, maximum = 2147483647)]
    pub version: i32,
    pub reason: Option<ReportReason>,
    #[schema(max_length = 200)]
    pub note: Option<String>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub kind: Option<AbsenceKindDto>,
    #[schema(minimum = 1, maximum = 480)]
    pub minutes: Option<u32>,
}

/// The pupil is back on `back_on` (the first school day present again).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AbsenceReturnInput {
    pub back_on: NaiveDate,
}

/// The pupil an absence is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AbsencePupil {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 100)]
    pub first_name: String,
    #[schema(max_length = 30)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 100)]
    pub last_name: String,
}

/// One change of an absence: "from X to Y".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AbsenceHistoryEntry {
    /// `reason`, `note`, `first_day`, `last_day`, `expected_return`, `kind`, `minutes`, `state`.
    #[schema(max_length = 30)]
    pub field: String,
    #[schema(max_length = 200)]
    pub from: Option<String>,
    #[schema(max_length = 200)]
    pub to: Option<String>,
    pub changed_at: NaiveDateTime,
}

/// An absence of a pupil.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Absence {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    pub pupil: AbsencePupil,
    pub source: AbsenceSource,
    pub reason: AbsenceReasonKind,
    /// Left out (with `note_withheld`) when it is medical detail the caller may not see.
    #[schema(max_length = 200)]
    pub note: Option<String>,
    pub note_withheld: bool,
    /// The school's registration; absent until staff register it (a sick report is sick).
    pub kind: Option<AbsenceKindDto>,
    pub state: AbsenceState,
    pub first_day: NaiveDate,
    /// Absent while the absence is open (until reported better).
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    /// Minutes of teaching given for part of a day; absent: the calendar's lesson time.
    #[schema(minimum = 1, maximum = 480)]
    pub minutes: Option<i32>,
    /// Reported for today after the school's cut-off (08:00): the school calls.
    pub late: bool,
    /// Give it back when changing the absence.
    #[schema(minimum = 1, maximum = 2147483647)]
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Its changes, oldest first (in the answer for one absence only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 500)]
    pub history: Option<Vec<AbsenceHistoryEntry>>,
}

impl Absence {
    pub fn new(view: AbsenceView, with_history: bool) -> Absence {
        let AbsenceView {
            row,
            source,
            reason,
            kind,
            state,
            note_withheld,
            pupil_name,
            history,
        } = view;
        Absence {
            pupil: AbsencePupil {
                id: row.pupil_id.clone(),
                first_name: pupil_name.0,
                name_prefix: pupil_name.1,
                last_name: pupil_name.2,
            },
            source: match source {
                Source::Guardian => AbsenceSource::Guardian,
                Source::Staff => AbsenceSource::Staff,
                Source::Leave => AbsenceSource::Leave,
            },
            reason: match reason.map(|r| r.kind) {
                None => AbsenceReasonKind::Leave,
                Some(ReasonKind::Sick) => AbsenceReasonKind::Sick,
                Some(ReasonKind::Appointment) => AbsenceReasonKind::Appointment,
                Some(ReasonKind::Other) => AbsenceReasonKind::Other,
            },
            note: row.note,
            note_withheld,
            kind: kind.map(Into::into),
            state: match state {
                ReportState::Reported => AbsenceState::Reported,
                ReportState::Withdrawn => AbsenceState::Withdrawn,
                ReportState::Returned => AbsenceState::Returned,
            },
            first_day: row.first_day,
            last_day: row.last_day,
            expected_return: row.expected_return,
            returned_on: row.returned_on,
            minutes: row.minutes,
            late: row.late,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            history: with_history.then(|| {
                history
                    .into_iter()
                    .map(|h| AbsenceHistoryEntry {
                        field: h.field,
                        from: h.from_value,
                        to: h.to_value,
                        changed_at: h.changed_at,
                    })
                    .collect()
            }),
            id: row.id,
            school_id: row.school_id,
        }
    }
}

/// `?date=&limit=&cursor=` of a school's day.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParams {
    /// The day (default today, Europe/Amsterdam).
    pub date: Option<NaiveDate>,
    /// How many to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
}

/// The absences registered for several pupils at once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AbsenceRegistration {
    #[schema(max_items = 100)]
    pub items: Vec<Absence>,
}
