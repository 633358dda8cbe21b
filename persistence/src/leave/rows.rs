//! The stored shape of a leave request, and its conversion into the domain's values: a value this
//! version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::leave::{Decider, EarlierRequest, LeaveKind, LeaveRequest, LeaveState};

use crate::error::RepoError;
use crate::schema::leave_requests;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = leave_requests)]
pub struct LeaveRow {
    pub id: String,
    pub school_id: String,
    pub pupil_id: String,
    pub requested_by: Option<String>,
    pub kind: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub submitted_on: NaiveDate,
    pub reason: Option<String>,
    pub employer_statement: Option<String>,
    pub minutes_per_week: Option<i32>,
    pub school_days: i32,
    pub decider: String,
    /// The codes of the rules broken at submission, comma-separated.
    pub issues: String,
    /// Their messages, one line each: Dutch, a tab, English.
    pub issue_messages: String,
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    pub officer_recorded_by: Option<String>,
    pub officer_recorded_at: Option<NaiveDateTime>,
    pub officer_reason: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A rule the request broke when it was submitted (a warning: requests that break the law are not
/// stored), with its messages as the guardian saw them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: String,
    pub nl: String,
    pub en: String,
}

/// A leave request as the services use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLeave {
    pub id: String,
    pub school_id: String,
    pub pupil_id: String,
    /// The account of the requesting guardian; NULL once it is gone.
    pub requested_by: Option<String>,
    pub kind: LeaveKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub submitted_on: NaiveDate,
    pub reason: Option<String>,
    pub employer_statement: Option<String>,
    pub minutes_per_week: Option<u32>,
    pub school_days: u32,
    pub decider: Decider,
    pub warnings: Vec<Warning>,
    pub state: LeaveState,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    pub officer_recorded_by: Option<String>,
    pub officer_recorded_at: Option<NaiveDateTime>,
    pub officer_reason: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
}

fn read<T>(parsed: Option<T>, column: &str, value: &str) -> Result<T, RepoError> {
    parsed.ok_or_else(|| RepoError::Corrupt(format!("leave_requests.{column} = {value:?}")))
}

fn count<T: TryFrom<i32>>(value: i32, column: &str) -> Result<T, RepoError> {
    T::try_from(value).map_err(|_| RepoError::Corrupt(format!("leave_requests.{column} = {value}")))
}

/// The warnings of a row: as many message lines as codes, each with its two languages.
fn warnings(codes: &str, messages: &str) -> Result<Vec<Warning>, RepoError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let codes: Vec<&str> = codes.split(',').collect();
    let lines: Vec<&str> = messages.split('\n').collect();
    if codes.len() != lines.len() {
        return Err(RepoError::Corrupt(
            "leave_requests.issue_messages: not one line per issue".to_owned(),
        ));
    }
    codes
        .into_iter()
        .zip(lines)
        .map(|(code, line)| {
            let (nl, en) = read(line.split_once('\t'), "issue_messages", line)?;
            Ok(Warning {
                code: code.to_owned(),
                nl: nl.to_owned(),
                en: en.to_owned(),
            })
        })
        .collect()
}

/// The `issues` and `issue_messages` columns of warnings.
pub(super) fn warning_columns(warnings: &[Warning]) -> (String, String) {
    let codes: Vec<&str> = warnings.iter().map(|w| w.code.as_str()).collect();
    let lines: Vec<String> = warnings
        .iter()
        .map(|w| format!("{}\t{}", one_line(&w.nl), one_line(&w.en)))
        .collect();
    (codes.join(","), lines.join("\n"))
}

fn one_line(text: &str) -> String {
    text.replace(['\t', '\n'], " ")
}

impl TryFrom<LeaveRow> for StoredLeave {
    type Error = RepoError;

    fn try_from(row: LeaveRow) -> Result<StoredLeave, RepoError> {
        Ok(StoredLeave {
            kind: read(LeaveKind::parse(&row.kind), "kind", &row.kind)?,
            decider: read(Decider::parse(&row.decider), "decider", &row.decider)?,
            state: read(LeaveState::parse(&row.state), "state", &row.state)?,
            warnings: warnings(&row.issues, &row.issue_messages)?,
            minutes_per_week: row
                .minutes_per_week
                .map(|m| count(m, "minutes_per_week"))
                .transpose()?,
            school_days: count(row.school_days, "school_days")?,
            id: row.id,
            school_id: row.school_id,
            pupil_id: row.pupil_id,
            requested_by: row.requested_by,
            first_day: row.first_day,
            last_day: row.last_day,
            submitted_on: row.submitted_on,
            reason: row.reason,
            employer_statement: row.employer_statement,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            decision_reason: row.decision_reason,
            officer_recorded_by: row.officer_recorded_by,
            officer_recorded_at: row.officer_recorded_at,
            officer_reason: row.officer_reason,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

impl StoredLeave {
    /// The request as the rule engine reads it.
    pub fn request(&self) -> LeaveRequest {
        LeaveRequest {
            kind: self.kind,
            first_day: self.first_day,
            last_day: self.last_day,
            submitted_on: self.submitted_on,
            reason: self.reason.clone(),
            employer_statement: self.employer_statement.clone(),
            minutes_per_week: self.minutes_per_week,
        }
    }

    /// The request as an earlier one of the pupil, for the rules of a later one.
    pub fn earlier(&self) -> EarlierRequest {
        EarlierRequest {
            kind: self.kind,
            first_day: self.first_day,
            last_day: self.last_day,
            state: self.state,
            minutes_per_week: self.minutes_per_week,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_read_back_and_a_missing_line_is_corrupt() {
        let stored = vec![
            Warning {
                code: "a".into(),
                nl: "een\tregel".into(),
                en: "one".into(),
            },
            Warning {
                code: "b".into(),
                nl: "twee".into(),
                en: "two".into(),
            },
        ];
        let (codes, lines) = warning_columns(&stored);
        assert_eq!(codes, "a,b");
        let back = warnings(&codes, &lines).unwrap();
        assert_eq!(back[0].nl, "een regel");
        assert_eq!(back[1], stored[1]);
        assert!(warnings("", "").unwrap().is_empty());
        assert!(matches!(
            warnings("a,b", "x\ty"),
            Err(RepoError::Corrupt(_))
        ));
        assert!(matches!(
            warnings("a", "no tab"),
            Err(RepoError::Corrupt(_))
        ));
    }
}
