//! The stored shapes of sign-up forms and their conversion into the domain's values: a value this
//! version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::forms::{Allocation, Per, Question, QuestionKind, SignupState};
use domain::news::Audience;
use serde_json::Value;

use crate::error::RepoError;
use crate::ids::uuid;
use crate::schema::{form_options, form_questions, form_responses, form_signups, forms};

pub(crate) fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

fn corrupt(what: &str, value: impl std::fmt::Display) -> RepoError {
    RepoError::Corrupt(format!("form {what} {value}"))
}

fn count(what: &str, value: i32) -> Result<u32, RepoError> {
    u32::try_from(value).map_err(|_| corrupt(what, value))
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = forms)]
pub struct FormRow {
    pub id: String,
    pub school_id: String,
    pub title: String,
    pub description: Option<String>,
    pub audience: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub waiting_list: bool,
    pub max_per_child: Option<i32>,
    pub allocation: String,
    pub allocated_at: Option<NaiveDateTime>,
    pub announced_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A form as stored, with its audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredForm {
    pub id: String,
    pub school_id: String,
    pub title: String,
    pub description: Option<String>,
    pub audience: Audience,
    pub year_groups: Vec<i32>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub waiting_list: bool,
    pub max_per_child: Option<u32>,
    pub allocation: Allocation,
    pub allocated_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    /// The account of its author.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl StoredForm {
    pub(crate) fn from_row(
        row: FormRow,
        groups: Vec<String>,
        year_groups: Vec<i32>,
    ) -> Result<StoredForm, RepoError> {
        let audience = Audience::parse(&row.audience, groups.iter().map(|g| uuid(g)).collect())
            .ok_or_else(|| corrupt("audience", &row.audience))?;
        let allocation = Allocation::parse(&row.allocation)
            .ok_or_else(|| corrupt("allocation", &row.allocation))?;
        Ok(StoredForm {
            max_per_child: row.max_per_child.map(|n| count("limit", n)).transpose()?,
            id: row.id,
            school_id: row.school_id,
            title: row.title,
            description: row.description,
            audience,
            year_groups,
            opens_at: utc(row.opens_at),
            closes_at: utc(row.closes_at),
            waiting_list: row.waiting_list,
            allocation,
            allocated_at: row.allocated_at.map(utc),
            reminded_at: row.reminded_at.map(utc),
            created_by: row.created_by,
            created_at: utc(row.created_at),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = form_options)]
pub struct OptionRow {
    pub id: String,
    pub form_id: String,
    pub position: i32,
    pub label: String,
    pub per: String,
    pub capacity: Option<i32>,
    pub placed: i32,
    pub waiting: i32,
    pub tickets: i32,
}

/// An option with its counts of sign-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOption {
    pub id: String,
    pub form_id: String,
    pub label: String,
    pub per: Per,
    pub capacity: Option<u32>,
    pub placed: u32,
    pub waiting: u32,
    /// Arrivals so far (the last ticket given).
    pub tickets: u32,
}

impl TryFrom<OptionRow> for StoredOption {
    type Error = RepoError;

    fn try_from(row: OptionRow) -> Result<Self, RepoError> {
        Ok(StoredOption {
            per: Per::parse(&row.per).ok_or_else(|| corrupt("option per", &row.per))?,
            capacity: row.capacity.map(|c| count("capacity", c)).transpose()?,
            placed: count("placed", row.placed)?,
            waiting: count("waiting", row.waiting)?,
            tickets: count("tickets", row.tickets)?,
            id: row.id,
            form_id: row.form_id,
            label: row.label,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = form_questions)]
pub struct QuestionRow {
    pub id: String,
    pub form_id: String,
    pub position: i32,
    pub kind: String,
    pub label: String,
    pub required: bool,
    pub choices: Option<String>,
    pub min_value: Option<i32>,
    pub max_value: Option<i32>,
    pub max_length: Option<i32>,
}

impl TryFrom<QuestionRow> for Question {
    type Error = RepoError;

    fn try_from(row: QuestionRow) -> Result<Self, RepoError> {
        let bad = || corrupt("question", &row.id);
        let kind = match row.kind.as_str() {
            "text" => QuestionKind::Text {
                max_length: usize::try_from(row.max_length.ok_or_else(bad)?).map_err(|_| bad())?,
            },
            "choice" => QuestionKind::Choice {
                choices: serde_json::from_str(row.choices.as_deref().ok_or_else(bad)?)
                    .map_err(|_| bad())?,
            },
            "yes_no" => QuestionKind::YesNo,
            "number" => QuestionKind::Number {
                min: i64::from(row.min_value.ok_or_else(bad)?),
                max: i64::from(row.max_value.ok_or_else(bad)?),
            },
            _ => return Err(bad()),
        };
        Ok(Question {
            id: uuid(&row.id),
            label: row.label,
            required: row.required,
            kind,
        })
    }
}

impl QuestionRow {
    pub(crate) fn new(form_id: &str, position: i32, question: &Question) -> QuestionRow {
        let (choices, min_value, max_value, max_length) = match &question.kind {
            QuestionKind::Text { max_length } => {
                (None, None, None, i32::try_from(*max_length).ok())
            }
            QuestionKind::Choice { choices } => {
                (serde_json::to_string(choices).ok(), None, None, None)
            }
            QuestionKind::YesNo => (None, None, None, None),
            // Bounded by `domain::forms::MAX_NUMBER`, which fits.
            QuestionKind::Number { min, max } => (
                None,
                i32::try_from(*min).ok(),
                i32::try_from(*max).ok(),
                None,
            ),
        };
        QuestionRow {
            id: question.id.to_string(),
            form_id: form_id.to_owned(),
            position,
            kind: question.kind.as_str().to_owned(),
            label: question.label.trim().to_owned(),
            required: question.required,
            choices,
            min_value,
            max_value,
            max_length,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = form_responses)]
pub struct ResponseRow {
    pub id: String,
    pub form_id: String,
    pub household: String,
    pub responded_by: Option<String>,
    pub answers: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A household's response; answers by question id, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub id: String,
    pub form_id: String,
    pub household: String,
    pub responded_by: Option<String>,
    pub answers: BTreeMap<String, Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ResponseRow> for StoredResponse {
    type Error = RepoError;

    fn try_from(row: ResponseRow) -> Result<Self, RepoError> {
        Ok(StoredResponse {
            answers: serde_json::from_str(&row.answers)
                .map_err(|_| corrupt("answers of", &row.id))?,
            id: row.id,
            form_id: row.form_id,
            household: row.household,
            responded_by: row.responded_by,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = form_signups)]
pub struct SignupRow {
    pub id: String,
    pub form_id: String,
    pub option_id: String,
    pub response_id: String,
    pub pupil_id: Option<String>,
    pub household: String,
    pub state: String,
    pub ticket: i32,
    pub preference: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One sign-up: an option for a child (or the household), where it stands, and its ticket (the
/// order of arrival on its option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSignup {
    pub id: String,
    pub option_id: String,
    pub response_id: String,
    pub pupil_id: Option<String>,
    pub household: String,
    pub state: SignupState,
    pub ticket: u32,
    pub preference: Option<u32>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<SignupRow> for StoredSignup {
    type Error = RepoError;

    fn try_from(row: SignupRow) -> Result<Self, RepoError> {
        Ok(StoredSignup {
            state: SignupState::parse(&row.state).ok_or_else(|| corrupt("sign-up", &row.state))?,
            ticket: count("ticket", row.ticket)?,
            preference: row.preference.map(|p| count("preference", p)).transpose()?,
            id: row.id,
            option_id: row.option_id,
            response_id: row.response_id,
            pupil_id: row.pupil_id,
            household: row.household,
            created_at: utc(row.created_at),
        })
    }
}

pub(crate) fn all<R, T>(rows: Vec<R>) -> Result<Vec<T>, RepoError>
where
    T: TryFrom<R, Error = RepoError>,
{
    rows.into_iter().map(T::try_from).collect()
}
