//! Absence (SPEC §7, seeds 001 and 003): guardians report their child absent (sick, an
//! appointment) for today or coming school days, before 08:00 for today; staff register absence
//! with its kind. Unauthorized absence is totalled for the DUO signal (Leerplichtwet art. 21a).
//! Absence of a pupil is visible to that pupil's guardians and the school only (seed 001).

use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

pub mod history;
pub mod policy;
pub mod rules;
pub mod signals;

pub use history::{AbsenceFields, FieldChange, changes};
pub use rules::{
    AssessedReport, assess, close_open_report, default_first_day, is_late, may_change,
    report_minutes,
};
pub use signals::{
    CountedAbsence, DuoSignal, LongAbsence, duo_signals, long_absences, suspected_luxury_absence,
};

/// The same-day report is expected before 08:00 (seed 003: "gedaan voor 8.00 uur"); a school
/// setting, this is its default.
pub const DEFAULT_CUTOFF: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};
/// Longest note with a report ("tandarts 10:30"): our choice, a short line.
pub const MAX_NOTE_LENGTH: usize = 200;
/// Most school days one guardian report may cover (two school weeks): our choice. Longer absence
/// is a matter for a conversation with the school (and leave is requested, not reported).
pub const MAX_GUARDIAN_SCHOOL_DAYS: u32 = 10;

/// Most pupils one staff registration names: our bound, above any group (SPEC §1: groups 1–8 or
/// classes), so a registration stays one bounded transaction.
pub const MAX_REGISTRATION_PUPILS: usize = 100;

/// Why a guardian reports their child absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReasonKind {
    Sick,
    /// A doctor's, dentist's or other appointment; the note says which.
    Appointment,
    /// Anything else; the note says what.
    Other,
}

impl ReasonKind {
    pub const ALL: [ReasonKind; 3] = [ReasonKind::Sick, ReasonKind::Appointment, ReasonKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Sick => "sick",
            ReasonKind::Appointment => "appointment",
            ReasonKind::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<ReasonKind> {
        ReasonKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Whether the note must say something: an appointment or another reason does.
    pub fn needs_note(self) -> bool {
        self != ReasonKind::Sick
    }
}

/// A reason with its short note. The note of a sick report is medical detail (see
/// [`policy::may_read_medical_detail`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AbsenceReason {
    pub kind: ReasonKind,
    pub note: Option<String>,
}

impl AbsenceReason {
    pub fn sick() -> AbsenceReason {
        AbsenceReason {
            kind: ReasonKind::Sick,
            note: None,
        }
    }

    /// Whether the note is medical detail (that of a sick report).
    pub fn note_is_medical(&self) -> bool {
        self.kind == ReasonKind::Sick && self.note.is_some()
    }
}

/// How the school registers an absence (staff only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AbsenceKind {
    /// Geoorloofd: with a valid reason the school accepts.
    Authorized,
    /// Ongeoorloofd: counts towards the DUO signal (art. 21a).
    Unauthorized,
    Sick,
    /// Granted leave (verlof, see `crate::leave`).
    Leave,
}

impl AbsenceKind {
    pub const ALL: [AbsenceKind; 4] = [
        AbsenceKind::Authorized,
        AbsenceKind::Unauthorized,
        AbsenceKind::Sick,
        AbsenceKind::Leave,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AbsenceKind::Authorized => "authorized",
            AbsenceKind::Unauthorized => "unauthorized",
            AbsenceKind::Sick => "sick",
            AbsenceKind::Leave => "leave",
        }
    }

    pub fn parse(value: &str) -> Option<AbsenceKind> {
        AbsenceKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The kind a guardian's report starts as, until staff register otherwise: a sick report is
    /// sick; an appointment or other reason is authorized only once the school says so, so it
    /// starts unregistered (`None`).
    pub fn from_report(reason: ReasonKind) -> Option<AbsenceKind> {
        (reason == ReasonKind::Sick).then_some(AbsenceKind::Sick)
    }
}

/// Where a guardian's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportState {
    Reported,
    /// Taken back by the guardian before it started.
    Withdrawn,
    /// The pupil is back ("beter gemeld"); the report's last day is fixed.
    Returned,
}

impl ReportState {
    pub const ALL: [ReportState; 3] = [
        ReportState::Reported,
        ReportState::Withdrawn,
        ReportState::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Reported => "reported",
            ReportState::Withdrawn => "withdrawn",
            ReportState::Returned => "returned",
        }
    }

    pub fn parse(value: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// Who files a report: guardians only for today and later, staff also for past days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reporter {
    Guardian,
    Staff,
}

/// A school's absence settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsenceSettings {
    /// Same-day reports after this Amsterdam time are late ([`DEFAULT_CUTOFF`]).
    pub cutoff: NaiveTime,
}

impl Default for AbsenceSettings {
    fn default() -> AbsenceSettings {
        AbsenceSettings {
            cutoff: DEFAULT_CUTOFF,
        }
    }
}

/// A report of absence, as a guardian or staff member files it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportAbsence {
    pub pupil_id: Uuid,
    /// The pupil's group, for its lesson times (the school's default when `None`).
    pub group_id: Option<Uuid>,
    pub reason: AbsenceReason,
    pub first_day: NaiveDate,
    /// The last day absent. `None`: for a sick report, until reported better (the last day is set
    /// by [`close_open_report`]); for another reason, the first day only.
    pub last_day: Option<NaiveDate>,
    /// Minutes absent, for a part of one day (an appointment); the whole days' teaching time when
    /// `None`.
    pub minutes: Option<u32>,
}

/// Where an absence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Reported by a guardian.
    Guardian,
    /// Registered by staff (also what the school learned by phone).
    Staff,
    /// Granted leave (`crate::leave`): approved leave becomes absence of kind leave.
    Leave,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Guardian, Source::Staff, Source::Leave];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Guardian => "guardian",
            Source::Staff => "staff",
            Source::Leave => "leave",
        }
    }

    pub fn parse(value: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == value)
    }
}
