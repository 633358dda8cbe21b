//! The contract's shapes of a form's questions, and their conversions.

use domain::forms::{MAX_NUMBER, MAX_TEXT_ANSWER, Question, QuestionKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormQuestionKind {
    Text,
    Choice,
    YesNo,
    Number,
}

/// A question as its author sets it. `choices` for `choice`; `min` and `max` for `number`
/// (default 0 and 1,000,000,000); `max_length` for `text` (default 2,000).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormQuestionInput {
    #[schema(
        max_length = 200,
        example = "Hoeveel kinderen kunnen er mee in uw auto?"
    )]
    #[validate(length(max = 200))]
    pub label: String,
    pub kind: FormQuestionKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    #[schema(max_items = 20, max_length = 200)]
    #[validate(length(max = 20))]
    pub choices: Vec<String>,
    #[schema(minimum = -1_000_000_000, maximum = 1_000_000_000)]
    pub min: Option<i64>,
    #[schema(minimum = -1_000_000_000, maximum = 1_000_000_000)]
    pub max: Option<i64>,
    #[schema(minimum = 1, maximum = 2000)]
    pub max_length: Option<u32>,
}

impl FormQuestionInput {
    /// The domain's question, with a new id.
    pub fn question(&self) -> Question {
        let q = self;
        Question {
            id: Uuid::now_v7(),
            label: q.label.clone(),
            required: q.required,
            kind: match q.kind {
                FormQuestionKind::Text => QuestionKind::Text {
                    max_length: q.max_length.map_or(MAX_TEXT_ANSWER, |n| n as usize),
                },
                FormQuestionKind::Choice => QuestionKind::Choice {
                    choices: q.choices.iter().map(|c| c.trim().to_owned()).collect(),
                },
                FormQuestionKind::YesNo => QuestionKind::YesNo,
                FormQuestionKind::Number => QuestionKind::Number {
                    min: q.min.unwrap_or(0),
                    max: q.max.unwrap_or(MAX_NUMBER),
                },
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormQuestion {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub label: String,
    pub kind: FormQuestionKind,
    pub required: bool,
    #[schema(max_items = 20, max_length = 200)]
    pub choices: Vec<String>,
    #[schema(minimum = -1_000_000_000, maximum = 1_000_000_000)]
    pub min: Option<i64>,
    #[schema(minimum = -1_000_000_000, maximum = 1_000_000_000)]
    pub max: Option<i64>,
    #[schema(minimum = 1, maximum = 2000)]
    pub max_length: Option<u32>,
}

impl From<Question> for FormQuestion {
    fn from(q: Question) -> Self {
        let (kind, choices, min, max, max_length) = match q.kind {
            QuestionKind::Text { max_length } => (
                FormQuestionKind::Text,
                Vec::new(),
                None,
                None,
                u32::try_from(max_length).ok(),
            ),
            QuestionKind::Choice { choices } => {
                (FormQuestionKind::Choice, choices, None, None, None)
            }
            QuestionKind::YesNo => (FormQuestionKind::YesNo, Vec::new(), None, None, None),
            QuestionKind::Number { min, max } => (
                FormQuestionKind::Number,
                Vec::new(),
                Some(min),
                Some(max),
                None,
            ),
        };
        FormQuestion {
            id: q.id.to_string(),
            label: q.label,
            kind,
            required: q.required,
            choices,
            min,
            max,
            max_length,
        }
    }
}
