//! The stored shapes of purposes and decisions, read into the domain's values: a value this
//! version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::consent::{Code, Subject};
use domain::legal_basis::LegalBasis;

use crate::error::RepoError;
use crate::schema::consent_purposes;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_purposes)]
pub struct PurposeRow {
    pub id: String,
    pub school_id: String,
    pub code: Option<String>,
    pub subject: String,
    pub title: String,
    pub description: Option<String>,
    pub legal_basis: String,
    pub yearly_renewal: bool,
    pub from_las: bool,
    pub retired_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub las_imported_at: Option<NaiveDateTime>,
}

/// A purpose read into the domain's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub id: String,
    pub school_id: String,
    pub code: Option<Code>,
    pub subject: Subject,
    pub title: String,
    pub description: Option<String>,
    pub legal_basis: LegalBasis,
    pub yearly_renewal: bool,
    pub from_las: bool,
    /// When the LAS last sent this purpose (for one it keeps).
    pub las_imported_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
}

fn corrupt(what: &str, value: &str) -> RepoError {
    RepoError::Corrupt(format!("consent purpose {what} {value}"))
}

impl TryFrom<PurposeRow> for Purpose {
    type Error = RepoError;

    fn try_from(row: PurposeRow) -> Result<Purpose, RepoError> {
        let code = match row.code.as_deref() {
            None => None,
            Some(code) => Some(Code::parse(code).ok_or_else(|| corrupt("code", code))?),
        };
        Ok(Purpose {
            subject: Subject::parse(&row.subject)
                .ok_or_else(|| corrupt("subject", &row.subject))?,
            legal_basis: LegalBasis::parse(&row.legal_basis)
                .ok_or_else(|| corrupt("legal basis", &row.legal_basis))?,
            id: row.id,
            school_id: row.school_id,
            code,
            title: row.title,
            description: row.description,
            yearly_renewal: row.yearly_renewal,
            from_las: row.from_las,
            las_imported_at: row.las_imported_at,
            retired_at: row.retired_at,
        })
    }
}
