//! The conversation planner (gesprekkenplanner, SPEC §8, seed 003): an admin creates a round of
//! parent–teacher conversations; until the deadline teachers check, block and add times for their
//! groups; after it the admin publishes the round and guardians book between the booking window's
//! opening and close. `slots` turns time windows into conversation slots, `rules` holds the round's
//! checks and clock, `sequences` finds back-to-back slots for siblings, `policy` says who may do
//! what. Times come in as UTC; the school's wall clock is Europe/Amsterdam (SPEC §13).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

pub mod calendar;
pub mod desks;
pub mod policy;
pub mod rules;
pub mod sequences;
pub mod slots;
#[cfg(test)]
mod tests;

pub use rules::{
    Withdrawal, assess_round, booking_limit, check_note, check_reason, invited_households,
    may_edit_availability, may_publish, phase, withdrawal,
};
pub use sequences::{Candidate, sibling_sequences};
pub use slots::{check_added, clashes, generate, within_windows};

/// Shortest conversation: our choice (less is no conversation).
pub const MIN_SLOT_MINUTES: u32 = 5;
/// Longest conversation: our choice (two hours; longer is a meeting, not a round).
pub const MAX_SLOT_MINUTES: u32 = 120;
/// Longest pause between two conversations: our choice.
pub const MAX_PAUSE_MINUTES: u32 = 60;
/// Most time windows (day parts) in one round: our choice, bounding one round's work.
pub const MAX_WINDOWS: usize = 60;
/// Most slots one desk (teacher) holds in a round: our choice, so a round stays one bounded
/// transaction and one readable page.
pub const MAX_SLOTS_PER_DESK: usize = 500;
/// Longest round name: our choice (a heading).
pub const MAX_NAME_LENGTH: usize = 120;
/// Longest purpose text: our choice (a letter's worth, as leave's reasons).
pub const MAX_PURPOSE_LENGTH: usize = 2_000;
/// Most bookings one pupil may hold in a round: our bound (SPEC §8 says one per teacher; a pupil
/// with several teachers and care staff at desks needs more, never this many).
pub const MAX_BOOKINGS_PER_PUPIL: u32 = 10;
/// Longest fairness quota period: our choice (a week).
pub const MAX_QUOTA_HOURS: u32 = 168;
/// Longest reason given with a cancellation after the close: our choice (a short paragraph).
pub const MAX_REASON_LENGTH: usize = 500;
/// Longest note with a booking or a slot: our choice (a short paragraph).
pub const MAX_NOTE_LENGTH: usize = 500;
/// Longest wait between two conversations of one family's sequence: our choice; also the bound
/// that keeps the sequence search small (see [`sibling_sequences`]).
pub const MAX_SEQUENCE_GAP_MINUTES: u32 = 30;
/// Most children one sequence serves: our choice (a family with more books per child); the
/// search tries every order of the children, so this bounds it (4! = 24 orders).
pub const MAX_SEQUENCE_CHILDREN: usize = 4;
/// Most sequences one search returns: our choice (a page of suggestions), whatever the caller
/// asks, so a search never builds more than this many.
pub const MAX_SEQUENCE_RESULTS: usize = 100;
/// Most steps one sequence search takes: our choice, far above what a family's real slots need
/// (4 children × 200 slots take about two thousand) and a few milliseconds of work.
pub const MAX_SEQUENCE_STEPS: usize = 200_000;
/// Most groups one round covers: our bound, above any school's groups in a year.
pub const MAX_ROUND_GROUPS: usize = 100;
/// Longest room name ("Lokaal 12, eerste verdieping"): our bound.
pub const MAX_ROOM_LENGTH: usize = 100;
/// The school's reminder to guardians who have not booked goes out at most once per this many
/// hours per round (our choice, as for sign-up reminders, SPEC §9: more often is noise).
pub const REMINDER_EVERY_HOURS: i64 = 24;

/// A time window a round offers on one day, read on the Amsterdam wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    pub day: NaiveDate,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

/// One conversation's time: `[starts_at, ends_at)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Slot {
    /// Whether the two share a moment. Half-open: one conversation ending at 19:10 and the next
    /// starting at 19:10 do not overlap (back-to-back is how a desk's evening runs).
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }

    /// Its length in whole minutes (real time).
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }
}

/// A quota for the first hours after booking opens ("one slot per child in the first 24 hours"),
/// so that the fastest guardians cannot take every evening slot at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fairness {
    pub per_pupil: u32,
    pub hours: u32,
}

/// The round's clock: teachers edit until the deadline, guardians book in `[opens, closes)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoundTimes {
    pub teachers_deadline: DateTime<Utc>,
    pub booking_opens: DateTime<Utc>,
    pub booking_closes: DateTime<Utc>,
}

/// Create a round: its settings, the groups it covers, and how duo jobs sit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRound {
    pub settings: RoundSettings,
    pub groups: Vec<uuid::Uuid>,
    pub duo_mode: DuoMode,
}

/// What an admin sets when creating a round (its groups and desks are the persistence layer's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSettings {
    pub name: String,
    pub purpose: Option<String>,
    pub windows: Vec<Window>,
    pub slot_minutes: u32,
    pub pause_minutes: u32,
    pub times: RoundTimes,
    /// Whether guardians may unbook and rebook while booking is open; after the close they can
    /// only cancel with a reason either way.
    pub guardians_may_change: bool,
    pub max_bookings_per_pupil: u32,
    pub fairness: Option<Fairness>,
}

/// How two teachers of one group (a duo) receive guardians.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DuoMode {
    /// Together at one desk: one conversation with both.
    Share,
    /// Each at their own desk with their own slots.
    Split,
}

impl DuoMode {
    pub const ALL: [DuoMode; 2] = [DuoMode::Share, DuoMode::Split];

    pub fn as_str(self) -> &'static str {
        match self {
            DuoMode::Share => "share",
            DuoMode::Split => "split",
        }
    }

    pub fn parse(value: &str) -> Option<DuoMode> {
        DuoMode::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// What a teacher marks per pupil before the round opens (whether a conversation is wanted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Preparation {
    /// The teacher asks for a conversation with this pupil's guardians.
    ConversationRequested,
    /// No conversation needed; the guardians may still book one.
    NotNecessary,
}

impl Preparation {
    pub const ALL: [Preparation; 2] = [
        Preparation::ConversationRequested,
        Preparation::NotNecessary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Preparation::ConversationRequested => "conversation_requested",
            Preparation::NotNecessary => "not_necessary",
        }
    }

    pub fn parse(value: &str) -> Option<Preparation> {
        Preparation::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BookingState {
    Booked,
    /// Taken back while booking was open: the slot is free again.
    Unbooked,
    /// Called off after the close, with a reason (see [`rules::withdrawal`]).
    Cancelled,
}

impl BookingState {
    pub const ALL: [BookingState; 3] = [
        BookingState::Booked,
        BookingState::Unbooked,
        BookingState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingState::Booked => "booked",
            BookingState::Unbooked => "unbooked",
            BookingState::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<BookingState> {
        BookingState::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Where a round stands on its clock (see [`rules::phase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Teachers check, block and add their times.
    Availability,
    /// The deadline passed; the admin has not published yet.
    AwaitingPublication,
    /// Published; booking has not opened yet.
    Scheduled,
    /// Guardians book.
    Open,
    /// Booking closed; only cancellations with a reason.
    Closed,
}

impl Phase {
    pub const ALL: [Phase; 5] = [
        Phase::Availability,
        Phase::AwaitingPublication,
        Phase::Scheduled,
        Phase::Open,
        Phase::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Availability => "availability",
            Phase::AwaitingPublication => "awaiting_publication",
            Phase::Scheduled => "scheduled",
            Phase::Open => "open",
            Phase::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str() == value)
    }
}
