//! The rules of a form (SPEC §9, issue #13): what a new form may hold, where it stands on its
//! clock, what a household may choose, where a new sign-up lands, and how often the author may
//! remind those who have not responded.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{
    CreateForm, MAX_CAPACITY, MAX_CHOICES, MAX_DESCRIPTION_LENGTH, MAX_LABEL_LENGTH, MAX_NUMBER,
    MAX_OPEN_DAYS, MAX_OPTIONS, MAX_QUESTIONS, MAX_TEXT_ANSWER, MAX_TITLE_LENGTH, QuestionKind,
    REMINDER_EVERY_HOURS, SignupState, YEAR_GROUPS,
};
use crate::Invalid;
use crate::change_request::{Refusal, refusal};
use crate::news::Audience;

/// Where a form stands on its clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Made, not yet open: guardians do not see it.
    NotOpen,
    /// Guardians respond, change and withdraw.
    Open,
    /// Responses are final; a ranked form's allocation may run.
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::NotOpen => "not_open",
            Phase::Open => "open",
            Phase::Closed => "closed",
        }
    }
}

/// The phase at `now`: open in `[opens_at, closes_at)`.
pub fn phase(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> Phase {
    if now < opens_at {
        Phase::NotOpen
    } else if now < closes_at {
        Phase::Open
    } else {
        Phase::Closed
    }
}

/// Whether a form for `audience`, limited to `year_groups` (empty: all), reaches a current pupil
/// in `groups` (their groups with their year group): a school-wide form every pupil of the school,
/// a group form the pupils of its groups; a year-group limit only those in a group of such a year.
pub fn reaches(audience: &Audience, year_groups: &[i32], groups: &[(Uuid, Option<i32>)]) -> bool {
    let in_year = |year: Option<i32>| {
        year_groups.is_empty() || year.is_some_and(|y| year_groups.contains(&y))
    };
    match audience {
        Audience::School if year_groups.is_empty() => true,
        Audience::School => groups.iter().any(|(_, year)| in_year(*year)),
        Audience::Groups(own) => groups
            .iter()
            .any(|(group, year)| own.contains(group) && in_year(*year)),
    }
}

/// Where a new sign-up for an option lands on a form that places at once: a place while one is
/// free and nobody waits for it (those waiting come first: no one jumps the queue, SPEC §9), the
/// waiting list when the form keeps one, or nowhere (`None`: the option is full).
pub fn placement(
    capacity: Option<u32>,
    placed: u32,
    waiting: u32,
    waiting_list: bool,
) -> Option<SignupState> {
    let free = capacity.is_none_or(|c| placed < c);
    if free && waiting == 0 {
        Some(SignupState::Placed)
    } else if waiting_list {
        Some(SignupState::Waiting)
    } else {
        None
    }
}

/// Whether the first on the waiting list gets a place now that `placed` are placed and `waiting`
/// wait (after a withdrawal): while a place is free and anyone waits (SPEC §9: the list moves up).
pub fn promotes(capacity: Option<u32>, placed: u32, waiting: u32) -> bool {
    waiting > 0 && capacity.is_none_or(|c| placed < c)
}

/// Whether the author may remind again: never reminded, or at least
/// [`REMINDER_EVERY_HOURS`] ago (issue #13).
pub fn reminder_due(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|last| now - last >= Duration::hours(REMINDER_EVERY_HOURS))
}

/// Text that must not be empty, within `max` characters, on one line when `one_line`.
pub(super) fn check_text(
    field: &str,
    text: &str,
    max: usize,
    one_line: bool,
    refusals: &mut Vec<Refusal>,
) {
    let text = text.trim();
    if text.is_empty() {
        refusals.push(refusal(
            field,
            Invalid::new("required", "must not be empty"),
        ));
    } else if text.chars().count() > max {
        refusals.push(refusal(field, too_long(max)));
    } else if text
        .chars()
        .any(|c| c.is_control() && (one_line || !matches!(c, '\n' | '\r' | '\t')))
    {
        // A NUL cannot be stored on PostgreSQL; a heading's newline breaks lists and subjects.
        refusals.push(refusal(
            field,
            Invalid::new("invalid_characters", "contains control characters"),
        ));
    }
}

pub(super) fn too_long(max: usize) -> Invalid {
    Invalid::new("too_long", format!("is longer than {max} characters"))
}

fn check_clock(form: &CreateForm, now: DateTime<Utc>, refusals: &mut Vec<Refusal>) {
    if form.closes_at <= now {
        refusals.push(refusal(
            "closes_at",
            Invalid::new("in_the_past", "must lie in the future"),
        ));
    } else if form.closes_at <= form.opens_at {
        refusals.push(refusal(
            "closes_at",
            Invalid::new("before_opens", "must be after opens_at"),
        ));
    } else if form.closes_at - form.opens_at > Duration::days(MAX_OPEN_DAYS) {
        refusals.push(refusal(
            "closes_at",
            Invalid::new(
                "too_long_open",
                format!("must be at most {MAX_OPEN_DAYS} days after opens_at"),
            ),
        ));
    }
}

fn check_options(form: &CreateForm, refusals: &mut Vec<Refusal>) {
    if form.options.is_empty() || form.options.len() > MAX_OPTIONS {
        refusals.push(refusal(
            "options",
            Invalid::new("count", format!("must hold 1 to {MAX_OPTIONS} options")),
        ));
    }
    for (i, option) in form.options.iter().enumerate() {
        check_text(
            &format!("options[{i}].label"),
            &option.label,
            MAX_LABEL_LENGTH,
            true,
            refusals,
        );
        if option.capacity.is_some_and(|c| c == 0 || c > MAX_CAPACITY) {
            refusals.push(refusal(
                format!("options[{i}].capacity"),
                Invalid::new(
                    "out_of_range",
                    format!("must be 1 to {MAX_CAPACITY}, or absent for no limit"),
                ),
            ));
        }
    }
    if let Some(max) = form.max_per_child
        && (max == 0 || max as usize > form.options.len().max(1))
    {
        refusals.push(refusal(
            "max_per_child",
            Invalid::new(
                "out_of_range",
                "must be at least 1 and at most the number of options",
            ),
        ));
    }
}

fn check_questions(form: &CreateForm, refusals: &mut Vec<Refusal>) {
    if form.questions.len() > MAX_QUESTIONS {
        refusals.push(refusal(
            "questions",
            Invalid::new(
                "count",
                format!("must hold at most {MAX_QUESTIONS} questions"),
            ),
        ));
    }
    for (i, question) in form.questions.iter().enumerate() {
        let field = |name: &str| format!("questions[{i}].{name}");
        check_text(
            &field("label"),
            &question.label,
            MAX_LABEL_LENGTH,
            true,
            refusals,
        );
        match &question.kind {
            QuestionKind::Text { max_length } => {
                if *max_length == 0 || *max_length > MAX_TEXT_ANSWER {
                    refusals.push(refusal(
                        field("max_length"),
                        Invalid::new("out_of_range", format!("must be 1 to {MAX_TEXT_ANSWER}")),
                    ));
                }
            }
            QuestionKind::Choice { choices } => {
                let mut seen = choices.clone();
                seen.sort();
                seen.dedup();
                if choices.len() < 2 || choices.len() > MAX_CHOICES || seen.len() != choices.len() {
                    refusals.push(refusal(
                        field("choices"),
                        Invalid::new(
                            "count",
                            format!("must hold 2 to {MAX_CHOICES} different choices"),
                        ),
                    ));
                }
                for (j, choice) in choices.iter().enumerate() {
                    check_text(
                        &field(&format!("choices[{j}]")),
                        choice,
                        MAX_LABEL_LENGTH,
                        true,
                        refusals,
                    );
                }
            }
            QuestionKind::YesNo => {}
            QuestionKind::Number { min, max } => {
                if min > max || min.abs() > MAX_NUMBER || max.abs() > MAX_NUMBER {
                    refusals.push(refusal(
                        field("max"),
                        Invalid::new(
                            "out_of_range",
                            format!("min must not exceed max, both within ±{MAX_NUMBER}"),
                        ),
                    ));
                }
            }
        }
    }
}

/// Checks a new form; every refusal names its field (`options[2].capacity`), nothing is kept.
/// Whether the audience's groups are the school's is the service's to check.
pub fn assess_form(form: &CreateForm, now: DateTime<Utc>) -> Result<(), Vec<Refusal>> {
    let mut refusals = Vec::new();
    check_text("title", &form.title, MAX_TITLE_LENGTH, true, &mut refusals);
    if let Some(description) = &form.description {
        check_text(
            "description",
            description,
            MAX_DESCRIPTION_LENGTH,
            false,
            &mut refusals,
        );
    }
    if form.year_groups.iter().any(|y| !YEAR_GROUPS.contains(y)) {
        refusals.push(refusal(
            "year_groups",
            Invalid::new(
                "out_of_range",
                format!(
                    "year groups run from {} to {}",
                    YEAR_GROUPS.start(),
                    YEAR_GROUPS.end()
                ),
            ),
        ));
    }
    check_clock(form, now, &mut refusals);
    check_options(form, &mut refusals);
    check_questions(form, &mut refusals);
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
