//! The contract's shapes of responses, sign-ups and results.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::forms::{Answer, Choice, SignupState};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::dto::{FormPer, FormSummary};
use crate::services::forms::{
    Allocated, Entry, Missing, OptionResult, ResponseRequest, ResponseView, Results,
};

/// Where a sign-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormSignupState {
    Placed,
    /// On the waiting list, at `position`.
    Waiting,
    /// Signed up on a ranked form; placed by the allocation run after the close.
    Pending,
    /// The allocation run found no place (the form keeps no waiting list).
    Unplaced,
}
same_enum!(
    FormSignupState,
    SignupState,
    [Placed, Waiting, Pending, Unplaced]
);

/// Answers by question id: a string (text, choice), `true`/`false` (yes/no) or a whole number.
fn answers_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Object)
        .max_properties(Some(20))
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(true),
        ))
        .description(Some(
            "Answers by question id: a string (text, choice), true/false (yes_no) or a whole number (number).",
        ))
        .build()
}

/// One option a household signs up for: for a child (per-child options, `pupil_id` required) or
/// for the household (per-household options, `pupil_id` absent).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormChoiceInput {
    pub option_id: Uuid,
    pub pupil_id: Option<Uuid>,
    /// On a form allocated by preference: 1 for the first choice (per child or household).
    #[schema(minimum = 1, maximum = 50)]
    pub preference: Option<u32>,
}

/// A household's response: answers by question id (a string, `true`/`false` or a whole number
/// as the question asks) and what it signs up for. A change replaces both; sign-ups kept keep
/// their place.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormResponseInput {
    #[serde(default)]
    #[schema(schema_with = answers_schema)]
    #[validate(length(max = 20))]
    pub answers: BTreeMap<String, Value>,
    #[schema(max_items = 200)]
    #[validate(length(max = 200), nested)]
    pub choices: Vec<FormChoiceInput>,
}

impl FormResponseInput {
    pub fn request(&self) -> ResponseRequest {
        ResponseRequest {
            answers: self.answers.clone(),
            choices: self
                .choices
                .iter()
                .map(|c| Choice {
                    option: c.option_id,
                    pupil: c.pupil_id,
                    preference: c.preference,
                })
                .collect(),
        }
    }
}

/// A sign-up of a response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormSignup {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub option_id: String,
    /// Absent for a per-household option.
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: Option<String>,
    pub state: FormSignupState,
    /// On the waiting list: 1 is next in line.
    #[schema(minimum = 1, maximum = 100000)]
    pub position: Option<u32>,
    #[schema(minimum = 1, maximum = 50)]
    pub preference: Option<u32>,
}

fn answers_json(answers: &BTreeMap<Uuid, Answer>) -> BTreeMap<String, Value> {
    answers
        .iter()
        .map(|(id, a)| (id.to_string(), a.to_json()))
        .collect()
}

/// A household's response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormResponse {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub form_id: String,
    #[schema(schema_with = answers_schema)]
    pub answers: BTreeMap<String, Value>,
    #[schema(max_items = 200)]
    pub signups: Vec<FormSignup>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ResponseView> for FormResponse {
    fn from(view: ResponseView) -> Self {
        FormResponse {
            id: view.response.id,
            form_id: view.response.form_id,
            answers: answers_json(&view.answers),
            signups: view
                .signups
                .into_iter()
                .map(|s| FormSignup {
                    id: s.signup.id,
                    option_id: s.signup.option_id,
                    pupil_id: s.signup.pupil_id,
                    state: s.signup.state.into(),
                    position: s.position,
                    preference: s.signup.preference,
                })
                .collect(),
            created_at: view.response.created_at,
            updated_at: view.response.updated_at,
        }
    }
}

/// A sign-up in the results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormResultEntry {
    #[schema(format = Uuid, max_length = 36)]
    pub signup_id: String,
    pub state: FormSignupState,
    #[schema(minimum = 1, maximum = 100000)]
    pub position: Option<u32>,
    #[schema(minimum = 1, maximum = 50)]
    pub preference: Option<u32>,
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: Option<String>,
    #[schema(max_length = 300)]
    pub pupil_name: Option<String>,
    /// The household's guardians.
    #[schema(max_items = 10, max_length = 300)]
    pub guardians: Vec<String>,
    #[schema(schema_with = answers_schema)]
    pub answers: BTreeMap<String, Value>,
    pub responded_at: DateTime<Utc>,
}

impl From<Entry> for FormResultEntry {
    fn from(e: Entry) -> Self {
        let (pupil_id, pupil_name) = e.pupil.map_or((None, None), |(i, n)| (Some(i), Some(n)));
        FormResultEntry {
            signup_id: e.signup_id,
            state: e.state.into(),
            position: e.position,
            preference: e.preference,
            pupil_id,
            pupil_name,
            guardians: e.guardians,
            answers: answers_json(&e.answers),
            responded_at: e.responded_at,
        }
    }
}

/// An option's sign-ups: placed, then waiting in order, then pending and unplaced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormOptionResult {
    #[schema(format = Uuid, max_length = 36)]
    pub option_id: String,
    #[schema(max_length = 200)]
    pub label: String,
    pub per: FormPer,
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<u32>,
    #[schema(minimum = 0, maximum = 10000)]
    pub placed: u32,
    #[schema(minimum = 0, maximum = 100000)]
    pub waiting: u32,
    #[schema(max_items = 100000)]
    pub entries: Vec<FormResultEntry>,
}

impl From<OptionResult> for FormOptionResult {
    fn from(r: OptionResult) -> Self {
        FormOptionResult {
            option_id: r.option.id,
            label: r.option.label,
            per: r.option.per.into(),
            capacity: r.option.capacity,
            placed: r.option.placed,
            waiting: r.option.waiting,
            entries: r.entries.into_iter().map(FormResultEntry::from).collect(),
        }
    }
}

/// A pupil the form is for whose household has not responded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormMissing {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_items = 10, max_length = 100)]
    pub groups: Vec<String>,
    #[schema(max_items = 10, max_length = 300)]
    pub guardians: Vec<String>,
}

impl From<Missing> for FormMissing {
    fn from(m: Missing) -> Self {
        FormMissing {
            pupil_id: m.pupil.pupil_id,
            name: m.pupil.name,
            groups: m.pupil.groups,
            guardians: m.guardians,
        }
    }
}

/// A form's results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormResults {
    pub form: FormSummary,
    /// Households that responded.
    #[schema(minimum = 0, maximum = 100000)]
    pub responses: u32,
    #[schema(max_items = 50)]
    pub options: Vec<FormOptionResult>,
    #[schema(max_items = 100000)]
    pub not_responded: Vec<FormMissing>,
}

impl FormResults {
    pub fn of(results: Results, phase: domain::forms::Phase) -> FormResults {
        FormResults {
            form: FormSummary::of(&results.form, phase, None),
            responses: u32::try_from(results.responses).unwrap_or(u32::MAX),
            options: results
                .options
                .into_iter()
                .map(FormOptionResult::from)
                .collect(),
            not_responded: results
                .not_responded
                .into_iter()
                .map(FormMissing::from)
                .collect(),
        }
    }
}

/// How many people a reminder reaches now (it is e-mailed to each, whatever their settings).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormReminderSent {
    #[schema(minimum = 0, maximum = 100000)]
    pub reached: u32,
}

/// What an allocation run did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormAllocationDone {
    #[schema(minimum = 0, maximum = 100000)]
    pub placed: u32,
    #[schema(minimum = 0, maximum = 100000)]
    pub waiting: u32,
    #[schema(minimum = 0, maximum = 100000)]
    pub unplaced: u32,
}

impl From<Allocated> for FormAllocationDone {
    fn from(a: Allocated) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        FormAllocationDone {
            placed: n(a.placed),
            waiting: n(a.waiting),
            unplaced: n(a.unplaced),
        }
    }
}
