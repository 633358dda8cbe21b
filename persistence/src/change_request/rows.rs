//! The stored shape of a change request, and its conversion into the domain's: a value this
//! version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::change_request::{ChangeRequest, Field, FieldChange, Outcome, Status, SubjectKind};
use domain::mail::Language;

use crate::error::RepoError;
use crate::schema::{change_request_fields, change_requests};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_requests)]
pub struct RequestRow {
    pub id: String,
    pub school_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    /// Set when the subject is a pupil, for the foreign key and the guardians' scope.
    pub pupil_id: Option<String>,
    pub requested_by: String,
    /// The requester's household with the pupil, for separated parents.
    pub household: Option<String>,
    pub status: String,
    pub remark: Option<String>,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_request_fields)]
pub struct FieldRow {
    pub request_id: String,
    pub field: String,
    pub current_value: Option<String>,
    pub proposed_value: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
}

fn read<T>(parsed: Option<T>, column: &str, value: &str) -> Result<T, RepoError> {
    parsed.ok_or_else(|| RepoError::Corrupt(format!("{column} = {value:?}")))
}

pub(super) fn status(value: &str) -> Result<Status, RepoError> {
    read(Status::parse(value), "change_requests.status", value)
}

pub(super) fn outcome(value: &str) -> Result<Outcome, RepoError> {
    read(
        Outcome::parse(value),
        "change_request_fields.outcome",
        value,
    )
}

/// The request without its fields and held values (`queries::complete` adds them).
impl TryFrom<RequestRow> for ChangeRequest {
    type Error = RepoError;

    fn try_from(row: RequestRow) -> Result<Self, RepoError> {
        Ok(ChangeRequest {
            subject_kind: read(
                SubjectKind::parse(&row.subject_kind),
                "change_requests.subject_kind",
                &row.subject_kind,
            )?,
            status: status(&row.status)?,
            language: read(
                Language::parse(&row.language),
                "change_requests.language",
                &row.language,
            )?,
            id: row.id,
            school_id: row.school_id,
            subject_id: row.subject_id,
            requested_by: row.requested_by,
            household: row.household,
            remark: row.remark,
            fields: Vec::new(),
            held_now: std::collections::HashMap::new(),
            created_at: row.created_at,
            decided_at: row.decided_at,
        })
    }
}

impl TryFrom<FieldRow> for FieldChange {
    type Error = RepoError;

    fn try_from(row: FieldRow) -> Result<Self, RepoError> {
        Ok(FieldChange {
            field: read(
                Field::parse(&row.field),
                "change_request_fields.field",
                &row.field,
            )?,
            outcome: outcome(&row.outcome)?,
            current: row.current_value,
            proposed: row.proposed_value,
            reason: row.reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str) -> RequestRow {
        let at = chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc();
        RequestRow {
            id: "r".into(),
            school_id: "s".into(),
            subject_kind: "pupil".into(),
            subject_id: "p".into(),
            pupil_id: Some("p".into()),
            requested_by: "g".into(),
            household: None,
            status: status.into(),
            remark: None,
            language: "nl".into(),
            created_at: at,
            updated_at: at,
            decided_at: None,
            decided_by: None,
        }
    }

    #[test]
    fn a_stored_value_this_version_does_not_know_is_an_error_not_a_default() {
        assert_eq!(
            ChangeRequest::try_from(row("open")).map(|r| r.status).ok(),
            Some(Status::Open)
        );
        assert!(matches!(
            ChangeRequest::try_from(row("archived")),
            Err(RepoError::Corrupt(_))
        ));
        let field = FieldRow {
            request_id: "r".into(),
            field: "first_name".into(),
            current_value: None,
            proposed_value: None,
            outcome: "maybe".into(),
            reason: None,
        };
        assert!(matches!(
            FieldChange::try_from(field),
            Err(RepoError::Corrupt(_))
        ));
    }
}
