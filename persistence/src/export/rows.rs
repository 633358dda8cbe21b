//! The export's section rows: what each section holds, serialized as is into the document. Times
//! are UTC on the wire (RFC 3339 with `Z`); ids of other people stay ids (never their names,
//! except a child's guardians' names, which the family knows).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::Queryable;
use serde::{Serialize, Serializer};

/// Writes a stored UTC time as RFC 3339 with `Z`.
fn utc<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(
        &at.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

fn utc_opt<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, s),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct GuardianRecord {
    pub id: String,
    pub school_id: String,
    pub school_name: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(serialize_with = "utc_opt")]
    pub deactivated_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct PupilRecord {
    pub id: String,
    pub school_id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub parents_separated: bool,
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct GroupRecord {
    #[serde(skip)]
    pub pupil_id: String,
    pub group_id: String,
    pub name: String,
    pub year_group: Option<i32>,
    pub school_year: String,
}

/// A child's guardian: names and relationship only.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct CoGuardian {
    #[serde(skip)]
    pub pupil_id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub relationship: String,
    pub parental_authority: bool,
}

/// A consent as it holds now, or one decision of its history.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ConsentRecord {
    pub subject_id: String,
    pub purpose_id: String,
    pub purpose_code: Option<String>,
    pub purpose_title: String,
    pub legal_basis: String,
    pub given: bool,
    #[serde(serialize_with = "utc")]
    pub decided_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct MedicalNoteRecord {
    #[serde(skip)]
    pub pupil_id: String,
    pub note: String,
    #[serde(serialize_with = "utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AbsenceRecord {
    pub id: String,
    pub school_id: String,
    pub pupil_id: String,
    pub source: String,
    pub reported_by: Option<String>,
    pub reason: String,
    pub kind: Option<String>,
    pub note: Option<String>,
    pub first_day: NaiveDate,
    pub last_day: Option<NaiveDate>,
    pub expected_return: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    pub minutes: Option<i32>,
    pub late: bool,
    #[serde(serialize_with = "utc_opt")]
    pub withdrawn_at: Option<NaiveDateTime>,
    pub leave_request_id: Option<String>,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AbsenceChange {
    #[serde(skip)]
    pub absence_id: String,
    pub field: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub changed_by: Option<String>,
    #[serde(serialize_with = "utc")]
    pub changed_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct LeaveRecord {
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
    pub school_days: i32,
    pub state: String,
    #[serde(serialize_with = "utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct BookingRecord {
    pub id: String,
    pub round_id: String,
    pub round_name: String,
    pub pupil_id: String,
    pub household: String,
    pub booked_by: Option<String>,
    pub state: String,
    #[serde(serialize_with = "utc")]
    pub starts_at: NaiveDateTime,
    #[serde(serialize_with = "utc")]
    pub ends_at: NaiveDateTime,
    pub cancel_reason: Option<String>,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

/// A household's response; `answers` is the stored JSON text, parsed by the service.
#[derive(Debug, Clone, Queryable)]
pub struct ResponseRecord {
    pub id: String,
    pub form_id: String,
    pub form_title: String,
    pub household: String,
    pub responded_by: Option<String>,
    pub answers: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct SignupRecord {
    pub id: String,
    pub form_id: String,
    pub option_id: String,
    pub option_label: String,
    pub response_id: String,
    pub pupil_id: Option<String>,
    pub state: String,
    pub preference: Option<i32>,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ChangeRequestRecord {
    pub id: String,
    pub school_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub requested_by: String,
    pub status: String,
    pub remark: Option<String>,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ChangeRequestField {
    #[serde(skip)]
    pub request_id: String,
    pub field: String,
    pub current_value: Option<String>,
    pub proposed_value: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct NewsRead {
    pub post_id: String,
    pub post_title: String,
    pub guardian_id: String,
    #[serde(serialize_with = "utc")]
    pub read_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct NewsConfirmation {
    pub post_id: String,
    pub post_title: String,
    pub pupil_id: String,
    pub guardian_id: String,
    #[serde(serialize_with = "utc")]
    pub confirmed_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct NewsComment {
    pub id: String,
    pub post_id: String,
    pub guardian_id: String,
    pub body: String,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "utc_opt")]
    pub hidden_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Notification {
    pub id: String,
    pub school_id: String,
    pub kind: String,
    pub object_id: String,
    pub title: String,
    pub body: String,
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "utc_opt")]
    pub read_at: Option<NaiveDateTime>,
}

/// An audit event about the family or by the account; whose account acted stays out (another
/// person's id), `by_you` says whether it was this one.
#[derive(Debug, Clone, Queryable)]
pub struct AuditRecord {
    pub id: String,
    pub at: NaiveDateTime,
    pub account_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub school_id: Option<String>,
    pub outcome: String,
}
