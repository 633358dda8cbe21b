//! A school's purposes: the defaults every school starts with, those it adds, changes and retires.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::consent::{Code, NewPurpose, PurposeChanges};
use domain::legal_basis::LegalBasis;

use super::rows::{Purpose, PurposeRow};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::consent_purposes;

/// Gives a new school the default purposes (SPEC §10), in the transaction that creates it.
pub fn insert_defaults(
    conn: &mut AnyConnection,
    school_id: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let at = now.naive_utc();
    let rows: Vec<PurposeRow> = Code::ALL
        .into_iter()
        .map(|code| {
            let (title, description) = code.texts();
            PurposeRow {
                id: new_id(),
                school_id: school_id.to_owned(),
                code: Some(code.as_str().to_owned()),
                subject: code.subject().as_str().to_owned(),
                title: title.to_owned(),
                description: Some(description.to_owned()),
                legal_basis: LegalBasis::Consent.as_str().to_owned(),
                yearly_renewal: code.yearly_renewal(),
                from_las: false,
                retired_at: None,
                created_at: at,
                updated_at: at,
                las_imported_at: None,
            }
        })
        .collect();
    batch_insert!(conn, consent_purposes::table, &rows)?;
    Ok(())
}

/// The school's purposes in the order they were made (retired ones too: their history stays).
pub fn list_purposes(conn: &mut AnyConnection, school_id: &str) -> Result<Vec<Purpose>, RepoError> {
    let rows: Vec<PurposeRow> = consent_purposes::table
        .filter(consent_purposes::school_id.eq(school_id))
        .select(PurposeRow::as_select())
        .order((
            consent_purposes::created_at.asc(),
            consent_purposes::id.asc(),
        ))
        .load(conn)?;
    rows.into_iter().map(Purpose::try_from).collect()
}

/// The purpose `id` of the school; [`RepoError::NotFound`] for another school's.
pub fn find_purpose(
    conn: &mut AnyConnection,
    school_id: &str,
    id: &str,
) -> Result<Purpose, RepoError> {
    let row: PurposeRow = consent_purposes::table
        .filter(consent_purposes::id.eq(id))
        .filter(consent_purposes::school_id.eq(school_id))
        .select(PurposeRow::as_select())
        .get_result(conn)?;
    Purpose::try_from(row)
}

/// Adds a purpose of the school's own; [`RepoError::Conflict`] past the school's bound.
pub fn insert_purpose(
    conn: &mut AnyConnection,
    school_id: &str,
    new: &NewPurpose,
    now: DateTime<Utc>,
) -> Result<Purpose, RepoError> {
    let held: i64 = consent_purposes::table
        .filter(consent_purposes::school_id.eq(school_id))
        .count()
        .get_result(conn)?;
    if usize::try_from(held).unwrap_or(usize::MAX) >= domain::consent::MAX_PURPOSES {
        return Err(RepoError::Conflict("consent_purposes_bound".into()));
    }
    let at = now.naive_utc();
    let row = PurposeRow {
        id: new_id(),
        school_id: school_id.to_owned(),
        code: None,
        subject: new.subject.as_str().to_owned(),
        title: new.title.clone(),
        description: new.description.clone(),
        legal_basis: new.legal_basis.as_str().to_owned(),
        yearly_renewal: new.yearly_renewal,
        from_las: false,
        retired_at: None,
        created_at: at,
        updated_at: at,
        las_imported_at: None,
    };
    diesel::insert_into(consent_purposes::table)
        .values(&row)
        .execute(conn)?;
    Purpose::try_from(row)
}

#[derive(AsChangeset)]
#[diesel(table_name = consent_purposes)]
struct Changes<'a> {
    title: Option<&'a str>,
    description: Option<Option<&'a str>>,
    yearly_renewal: Option<bool>,
    retired_at: Option<Option<chrono::NaiveDateTime>>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies `changes` to the purpose (read by the caller at its school) and returns it as it is now.
pub fn update_purpose(
    conn: &mut AnyConnection,
    purpose: &Purpose,
    changes: &PurposeChanges,
    now: DateTime<Utc>,
) -> Result<Purpose, RepoError> {
    let at = now.naive_utc();
    // Retiring keeps the first retirement's time; bringing back clears it.
    let retired_at = match changes.retired {
        Some(true) => Some(Some(purpose.retired_at.unwrap_or(at))),
        Some(false) => Some(None),
        None => None,
    };
    diesel::update(consent_purposes::table.find(&purpose.id))
        .set(&Changes {
            title: changes.title.as_deref(),
            description: changes.description.as_ref().map(|d| d.as_deref()),
            yearly_renewal: changes.yearly_renewal,
            retired_at,
            updated_at: at,
        })
        .execute(conn)?;
    find_purpose(conn, &purpose.school_id, &purpose.id)
}
