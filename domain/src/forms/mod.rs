//! Sign-up forms (intekenen, SPEC §9, seed 003): a form for helper parents or an activity, made
//! centrally for the whole school or chosen groups, or by a teacher for their own groups. Options
//! have places (or none to count), per child or per household; a full option puts the household
//! on the waiting list when the form keeps one, and a withdrawal moves the list up. Forms with
//! ranked choices collect preferences until the close and place them in one allocation run.
//!
//! `rules` checks a new form and answers the clock, `answers` validates the questions' answers,
//! `allocation` places ranked sign-ups, `policy` says who may do what.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::news::Audience;

pub mod allocation;
pub mod answers;
pub mod choices;
pub mod policy;
pub mod rules;

pub use answers::{Answer, check_answers};
pub use choices::{Choice, OptionShape, check_choices};
pub use rules::{Phase, assess_form, phase, placement, promotes, reaches, reminder_due};

/// Longest title: our choice (a heading, as a news post's).
pub const MAX_TITLE_LENGTH: usize = 120;
/// Longest description: our choice (a letter's worth).
pub const MAX_DESCRIPTION_LENGTH: usize = 5_000;
/// Longest option or question label: our choice (one line).
pub const MAX_LABEL_LENGTH: usize = 200;
/// Most options on one form: our bound (a sports day's posts, a term's activities).
pub const MAX_OPTIONS: usize = 50;
/// Most questions on one form: our bound.
pub const MAX_QUESTIONS: usize = 20;
/// Most choices one choice question offers: our bound.
pub const MAX_CHOICES: usize = 20;
/// Longest text answer, and the default when a question sets none: our bound (a short letter).
pub const MAX_TEXT_ANSWER: usize = 2_000;
/// Most places one option holds: our bound, above any school's pupils.
pub const MAX_CAPACITY: u32 = 10_000;
/// Largest number a number question may ask or accept (either sign): our bound, so every answer
/// fits the database's integers on both backends.
pub const MAX_NUMBER: i64 = 1_000_000_000;
/// Year groups (jaargroepen) a form may be limited to: groups 1 to 8 of primary school, which also
/// covers the six years of secondary school (WPO art. 8, WVO: leerjaren).
pub const YEAR_GROUPS: std::ops::RangeInclusive<i32> = 1..=8;
/// Longest time a form stays open: our bound (a school year).
pub const MAX_OPEN_DAYS: i64 = 366;
/// The reminder to those who have not responded goes out at most once per this many hours per
/// form (issue #13: more often is noise; seed 003: it is always e-mailed, so it must be rare).
pub const REMINDER_EVERY_HOURS: i64 = 24;

/// The household a response is kept under: the LAS's household key ("guardians with the same
/// household key live together"; separated parents' households differ), or the guardian alone
/// where the LAS gave none, so that an empty key never makes strangers one household.
pub fn household_key(household: &str, guardian_id: &str) -> String {
    if household.trim().is_empty() {
        format!("guardian:{guardian_id}")
    } else {
        household.to_owned()
    }
}

/// How long a closed form stays in a guardian's list: our choice (a school term's worth of looking
/// back at what one signed up for).
pub const LISTED_AFTER_CLOSE_DAYS: i64 = 90;

/// Whom an option's places are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Per {
    /// Each child signed up takes a place (a child joins the activity).
    Child,
    /// A household takes one place whatever its number of children (a parent drives, helps).
    Household,
}

impl Per {
    pub fn as_str(self) -> &'static str {
        match self {
            Per::Child => "child",
            Per::Household => "household",
        }
    }

    pub fn parse(value: &str) -> Option<Per> {
        [Per::Child, Per::Household]
            .into_iter()
            .find(|p| p.as_str() == value)
    }
}

/// How places are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Allocation {
    /// At once, in order of arrival; a full option queues on the waiting list.
    Immediate,
    /// After the close, in order of arrival, each sign-up at its turn (a ranked form where order
    /// of arrival decides, not the ranks).
    FirstCome,
    /// After the close, by the households' ranks: every first choice before any second one;
    /// within a rank, in order of arrival.
    Preference,
}

impl Allocation {
    pub const ALL: [Allocation; 3] = [
        Allocation::Immediate,
        Allocation::FirstCome,
        Allocation::Preference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Allocation::Immediate => "immediate",
            Allocation::FirstCome => "first_come",
            Allocation::Preference => "preference",
        }
    }

    pub fn parse(value: &str) -> Option<Allocation> {
        Allocation::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// Whether places wait for an allocation run (sign-ups are pending until then).
    pub fn is_run(self) -> bool {
        self != Allocation::Immediate
    }
}

/// Where a sign-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignupState {
    Placed,
    Waiting,
    /// Signed up on a form with an allocation run that has not run yet.
    Pending,
    /// The allocation run found no place and the form keeps no waiting list.
    Unplaced,
}

impl SignupState {
    pub const ALL: [SignupState; 4] = [
        SignupState::Placed,
        SignupState::Waiting,
        SignupState::Pending,
        SignupState::Unplaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignupState::Placed => "placed",
            SignupState::Waiting => "waiting",
            SignupState::Pending => "pending",
            SignupState::Unplaced => "unplaced",
        }
    }

    pub fn parse(value: &str) -> Option<SignupState> {
        SignupState::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A question's kind and its bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    Text { max_length: usize },
    Choice { choices: Vec<String> },
    YesNo,
    Number { min: i64, max: i64 },
}

impl QuestionKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            QuestionKind::Text { .. } => "text",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Number { .. } => "number",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: Uuid,
    pub label: String,
    pub required: bool,
    pub kind: QuestionKind,
}

/// An option as its author sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOption {
    pub label: String,
    pub per: Per,
    /// `None`: no limit.
    pub capacity: Option<u32>,
}

/// Create a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateForm {
    pub title: String,
    pub description: Option<String>,
    pub audience: Audience,
    pub year_groups: Vec<i32>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub options: Vec<NewOption>,
    /// Ids are given by the caller of `assess_form` (new ones for a new form).
    pub questions: Vec<Question>,
    pub waiting_list: bool,
    pub max_per_child: Option<u32>,
    pub allocation: Allocation,
}
