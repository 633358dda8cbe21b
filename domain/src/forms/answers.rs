//! Answers to a form's questions (issue #13): each checked against its question's kind and bounds,
//! required ones present, unknown ones refused. Refusals name `answers.<question id>`.

use std::collections::BTreeMap;

use serde_json::Value;
use uuid::Uuid;

use super::{Question, QuestionKind};
use crate::Invalid;
use crate::change_request::{Refusal, refusal};

/// A checked answer, in its stored and wire form (a JSON string, boolean or integer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    Choice(String),
    YesNo(bool),
    Number(i64),
}

impl Answer {
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Text(text) | Answer::Choice(text) => Value::String(text.clone()),
            Answer::YesNo(yes) => Value::Bool(*yes),
            Answer::Number(n) => Value::from(*n),
        }
    }

    /// As a spreadsheet cell or a line of text.
    pub fn display(&self) -> String {
        match self {
            Answer::Text(text) | Answer::Choice(text) => text.clone(),
            Answer::YesNo(true) => "ja".to_owned(),
            Answer::YesNo(false) => "nee".to_owned(),
            Answer::Number(n) => n.to_string(),
        }
    }
}

fn check_one(kind: &QuestionKind, value: &Value) -> Result<Option<Answer>, Invalid> {
    let wrong = |what: &str| Invalid::new("wrong_type", format!("must be {what}"));
    Ok(Some(match kind {
        QuestionKind::Text { max_length } => {
            let text = value.as_str().ok_or_else(|| wrong("text"))?.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if text.chars().count() > *max_length {
                return Err(super::rules::too_long(*max_length));
            }
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err(Invalid::new(
                    "invalid_characters",
                    "contains control characters",
                ));
            }
            Answer::Text(text.to_owned())
        }
        QuestionKind::Choice { choices } => {
            let choice = value.as_str().ok_or_else(|| wrong("one of the choices"))?;
            if !choices.iter().any(|c| c == choice) {
                return Err(Invalid::new(
                    "unknown_choice",
                    format!("must be one of: {}", choices.join(", ")),
                ));
            }
            Answer::Choice(choice.to_owned())
        }
        QuestionKind::YesNo => {
            Answer::YesNo(value.as_bool().ok_or_else(|| wrong("true or false"))?)
        }
        QuestionKind::Number { min, max } => {
            let n = value.as_i64().ok_or_else(|| wrong("a whole number"))?;
            if n < *min || n > *max {
                return Err(Invalid::new(
                    "out_of_range",
                    format!("must be from {min} to {max}"),
                ));
            }
            Answer::Number(n)
        }
    }))
}

/// Checks `given` (question id → value) against the form's questions: the checked answers by
/// question, or every refusal. An empty text or `null` counts as no answer.
pub fn check_answers(
    questions: &[Question],
    given: &BTreeMap<String, Value>,
) -> Result<BTreeMap<Uuid, Answer>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut answers = BTreeMap::new();
    for key in given.keys() {
        if !questions.iter().any(|q| q.id.to_string() == *key) {
            refusals.push(refusal(
                format!("answers.{key}"),
                Invalid::new("unknown_question", "is not a question of this form"),
            ));
        }
    }
    for question in questions {
        let field = format!("answers.{}", question.id);
        let value = given.get(&question.id.to_string()).filter(|v| !v.is_null());
        let answer = match value.map(|v| check_one(&question.kind, v)) {
            Some(Err(invalid)) => {
                refusals.push(refusal(field, invalid));
                continue;
            }
            Some(Ok(answer)) => answer,
            None => None,
        };
        match answer {
            Some(answer) => {
                answers.insert(question.id, answer);
            }
            None if question.required => {
                refusals.push(refusal(field, Invalid::new("required", "must be answered")));
            }
            None => {}
        }
    }
    if refusals.is_empty() {
        Ok(answers)
    } else {
        Err(refusals)
    }
}

/// Reads stored answers back (written by `check_answers`' caller as `to_json`); a value that no
/// longer fits its question is a stored-data error.
pub fn read_stored(
    questions: &[Question],
    stored: &BTreeMap<String, Value>,
) -> Result<BTreeMap<Uuid, Answer>, Vec<Refusal>> {
    check_answers(
        &questions
            .iter()
            .map(|q| Question {
                required: false,
                ..q.clone()
            })
            .collect::<Vec<_>>(),
        stored,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn question(n: u128, required: bool, kind: QuestionKind) -> Question {
        Question {
            id: Uuid::from_u128(n),
            label: format!("Vraag {n}"),
            required,
            kind,
        }
    }

    fn questions() -> Vec<Question> {
        vec![
            question(1, true, QuestionKind::Text { max_length: 10 }),
            question(
                2,
                false,
                QuestionKind::Choice {
                    choices: vec!["auto".into(), "fiets".into()],
                },
            ),
            question(3, true, QuestionKind::YesNo),
            question(4, false, QuestionKind::Number { min: 1, max: 4 }),
        ]
    }

    fn given(value: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    fn key(n: u128) -> String {
        Uuid::from_u128(n).to_string()
    }

    fn fields(result: Result<BTreeMap<Uuid, Answer>, Vec<Refusal>>) -> Vec<(String, &'static str)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|r| (r.field, r.reason.code))
            .collect()
    }

    #[test]
    fn good_answers_are_kept_by_question_and_optional_ones_may_be_left_out() {
        let answers = check_answers(
            &questions(),
            &given(json!({ key(1): " Anna ", key(3): true, key(4): 3 })),
        )
        .unwrap();
        assert_eq!(answers[&Uuid::from_u128(1)], Answer::Text("Anna".into()));
        assert_eq!(answers[&Uuid::from_u128(3)], Answer::YesNo(true));
        assert_eq!(answers[&Uuid::from_u128(4)], Answer::Number(3));
        assert!(!answers.contains_key(&Uuid::from_u128(2)));
    }

    #[test]
    fn each_bad_answer_is_refused_under_its_own_field() {
        let found = fields(check_answers(
            &questions(),
            &given(json!({
                key(1): "much too long here",
                key(2): "bus",
                key(3): "yes",
                key(4): 5,
                key(9): "x",
            })),
        ));
        let expect = |n: u128, code: &'static str| (format!("answers.{}", key(n)), code);
        assert!(found.contains(&expect(1, "too_long")), "{found:?}");
        assert!(found.contains(&expect(2, "unknown_choice")), "{found:?}");
        assert!(found.contains(&expect(3, "wrong_type")), "{found:?}");
        assert!(found.contains(&expect(4, "out_of_range")), "{found:?}");
        assert!(found.contains(&expect(9, "unknown_question")), "{found:?}");
    }

    #[test]
    fn required_questions_must_be_answered_and_blank_text_is_no_answer() {
        let found = fields(check_answers(&questions(), &given(json!({ key(1): "  " }))));
        assert_eq!(
            found,
            vec![
                (format!("answers.{}", key(1)), "required"),
                (format!("answers.{}", key(3)), "required"),
            ]
        );
    }

    #[test]
    fn numbers_must_be_whole_and_within_bounds_inclusive() {
        let ok = |n: Value| {
            check_answers(
                &questions(),
                &given(json!({ key(1): "a", key(3): false, key(4): n })),
            )
        };
        assert!(ok(json!(1)).is_ok());
        assert!(ok(json!(4)).is_ok());
        assert!(ok(json!(0)).is_err());
        assert!(ok(json!(2.5)).is_err());
    }

    #[test]
    fn stored_answers_read_back_without_the_required_check() {
        let stored = given(json!({ key(3): true }));
        let read = read_stored(&questions(), &stored).unwrap();
        assert_eq!(read[&Uuid::from_u128(3)].to_json(), json!(true));
    }
}
