//! Leave (verlof, SPEC §7 and §12): guardians ask the school to keep their child home on school
//! days, and the Leerplichtwet 1969 decides what the director may grant. `rules::evaluate` lists
//! every rule a request breaks; `state` is the life of a request; `policy` says who may do what.

use chrono::NaiveDate;

pub mod five_year_old;
pub mod issues;
pub mod policy;
pub mod rules;
pub mod state;
#[cfg(test)]
mod tests;

pub use five_year_old::compulsory_from;
pub use issues::{Issue, Rule, Severity};
pub use rules::{Verdict, check, evaluate, school_days_per_year};
pub use state::{Decider, LeaveState, Outcome, decide};

/// Longest text of reasons: our choice (a letter's worth).
pub const MAX_REASON_LENGTH: usize = 2_000;
/// Longest reference to an attached document (the employer's statement): our choice.
pub const MAX_REFERENCE_LENGTH: usize = 200;
/// Longest span of one request in calendar days: our choice (a school year and a day); more is
/// no leave but a matter of enrolment.
pub const MAX_SPAN_DAYS: i64 = 366;

/// The grounds of the law a request rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LeaveKind {
    /// Vakantieverlof: a parent's job allows no holiday in the school holidays (art. 11 f, 13a);
    /// an employer's statement is attached.
    Holiday,
    /// Gewichtige omstandigheden: a wedding, a funeral, serious illness in the family (art. 11 g,
    /// 14).
    ImportantCircumstances,
    /// Religious obligations: a notification to the director, not a request (art. 11 e, 13).
    Religious,
    /// A five-year-old kept home some hours a week (art. 11a): by notification up to 5 hours, with
    /// the director's consent up to 10.
    FiveYearOld,
}

impl LeaveKind {
    pub const ALL: [LeaveKind; 4] = [
        LeaveKind::Holiday,
        LeaveKind::ImportantCircumstances,
        LeaveKind::Religious,
        LeaveKind::FiveYearOld,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeaveKind::Holiday => "holiday",
            LeaveKind::ImportantCircumstances => "important_circumstances",
            LeaveKind::Religious => "religious",
            LeaveKind::FiveYearOld => "five_year_old",
        }
    }

    pub fn parse(value: &str) -> Option<LeaveKind> {
        LeaveKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The article of the Leerplichtwet 1969 it rests on.
    pub fn article(self) -> &'static str {
        match self {
            LeaveKind::Holiday => "art. 13a",
            LeaveKind::ImportantCircumstances => "art. 14",
            LeaveKind::Religious => "art. 13",
            LeaveKind::FiveYearOld => "art. 11a",
        }
    }
}

/// A request (or notification) as a guardian submits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveRequest {
    pub kind: LeaveKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The Amsterdam date it was submitted on (for an after-the-fact art. 14 request: the day the
    /// reasons were given).
    pub submitted_on: NaiveDate,
    /// The reasons, in the guardian's words.
    pub reason: Option<String>,
    /// The reference of the attached employer's statement (holiday leave).
    pub employer_statement: Option<String>,
    /// Minutes a week kept home (five-year-olds).
    pub minutes_per_week: Option<u32>,
}

/// A request of the same pupil made before, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierRequest {
    pub kind: LeaveKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub state: LeaveState,
    pub minutes_per_week: Option<u32>,
}

/// What the rules need to know of the pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PupilFacts {
    pub birth_date: Option<NaiveDate>,
}

/// A school's leave settings (SPEC §12: school defaults an admin can change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaveSettings {
    /// Holiday leave is requested at least this many weeks ahead (school/municipal practice).
    pub advance_weeks: u32,
}

impl Default for LeaveSettings {
    fn default() -> LeaveSettings {
        LeaveSettings {
            advance_weeks: rules::DEFAULT_ADVANCE_WEEKS,
        }
    }
}
