//! The stored shape of an absence and its history, and their conversion into the domain's values:
//! a value this version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::absence::{AbsenceKind, AbsenceReason, ReasonKind, ReportState, Source};

use crate::error::RepoError;
use crate::schema::{absence_history, absences};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = absences)]
pub struct AbsenceRow {
    pub id: String,
    pub school_id: String,
    pub pupil_id: String,
    pub source: String,
    pub reported_by: Option<String>,
    /// `sick`, `appointment`, `other`, or `leave` for granted leave.
    pub reason: String,
    pub kind: Option<String>,
    pub note: Option<String>,
    pub first_day: NaiveDate,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    pub minutes: Option<i32>,
    pub late: bool,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub leave_request_id: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = absence_history)]
pub struct HistoryRow {
    pub id: String,
    pub absence_id: String,
    pub field: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: NaiveDateTime,
}

fn corrupt(column: &str, value: &str) -> RepoError {
    RepoError::Corrupt(format!("absences.{column} = {value:?}"))
}

impl AbsenceRow {
    pub fn source(&self) -> Result<Source, RepoError> {
        Source::parse(&self.source).ok_or_else(|| corrupt("source", &self.source))
    }

    /// The reason; `None` for granted leave (its reason is the leave request's).
    pub fn reason(&self) -> Result<Option<AbsenceReason>, RepoError> {
        if self.reason == "leave" {
            return Ok(None);
        }
        let kind =
            ReasonKind::parse(&self.reason).ok_or_else(|| corrupt("reason", &self.reason))?;
        Ok(Some(AbsenceReason {
            kind,
            note: self.note.clone(),
        }))
    }

    pub fn kind(&self) -> Result<Option<AbsenceKind>, RepoError> {
        self.kind
            .as_deref()
            .map(|k| AbsenceKind::parse(k).ok_or_else(|| corrupt("kind", k)))
            .transpose()
    }

    pub fn state(&self) -> ReportState {
        if self.withdrawn_at.is_some() {
            ReportState::Withdrawn
        } else if self.returned_on.is_some() {
            ReportState::Returned
        } else {
            ReportState::Reported
        }
    }

    /// The minutes given, as the domain counts them.
    pub fn given_minutes(&self) -> Option<u32> {
        self.minutes.and_then(|m| u32::try_from(m).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_this_version_does_not_know_is_corrupt_not_a_default() {
        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        let row = AbsenceRow {
            id: String::new(),
            school_id: String::new(),
            pupil_id: String::new(),
            source: "pigeon".to_owned(),
            reported_by: None,
            reason: "bored".to_owned(),
            kind: Some("excused".to_owned()),
            note: None,
            first_day: at.date(),
            last_day: None,
            expected_return: None,
            returned_on: None,
            minutes: None,
            late: false,
            withdrawn_at: None,
            leave_request_id: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        assert!(matches!(row.source(), Err(RepoError::Corrupt(_))));
        assert!(matches!(row.reason(), Err(RepoError::Corrupt(_))));
        assert!(matches!(row.kind(), Err(RepoError::Corrupt(_))));
    }
}
