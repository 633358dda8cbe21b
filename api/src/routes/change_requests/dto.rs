//! The contract's shapes of change requests, with typed enums, and their conversions to and from
//! the domain's.

use chrono::{DateTime, Utc};
use domain::change_request::{self as domain_cr, Field, Outcome, Status, SubjectKind};
use domain::mail::Language;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// A detail a guardian can ask the school to change. A child's e-mail and phone are the
/// guardians' own; the portal holds no postal address, so `address` is passed to the school as
/// proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestField {
    FirstName,
    NamePrefix,
    LastName,
    Email,
    Phone,
    Address,
}
same_enum!(
    RequestField,
    Field,
    [FirstName, NamePrefix, LastName, Email, Phone, Address]
);

/// Where a request stands: `resolved` when a sync brought every value, `replaced` when a newer
/// request took its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Processed,
    PartlyProcessed,
    Rejected,
    Resolved,
    Replaced,
}
same_enum!(
    RequestStatus,
    Status,
    [
        Open,
        Processed,
        PartlyProcessed,
        Rejected,
        Resolved,
        Replaced
    ]
);

/// What became of one field: `applied_by_sync` when the LAS brought the proposed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldOutcome {
    Pending,
    Processed,
    Rejected,
    AppliedBySync,
}
same_enum!(
    FieldOutcome,
    Outcome,
    [Pending, Processed, Rejected, AppliedBySync]
);

/// Whose data a request is about: the requester's own guardian record, or a child's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    Guardian,
    Pupil,
}
same_enum!(SubjectType, SubjectKind, [Guardian, Pupil]);

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposedChange {
    pub field: RequestField,
    /// The new value; empty or absent clears an optional detail (name prefix, phone, e-mail).
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub value: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestInput {
    #[schema(min_items = 1, max_items = 6)]
    #[validate(length(min = 1, max = 6), nested)]
    pub changes: Vec<ProposedChange>,
    /// Anything the school should know, in the guardian's words.
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub remark: Option<String>,
}

impl ChangeRequestInput {
    /// The command for a subject.
    pub fn command(&self, subject_kind: SubjectKind, subject_id: Uuid) -> domain_cr::SubmitChange {
        domain_cr::SubmitChange {
            subject_kind,
            subject_id,
            changes: self
                .changes
                .iter()
                .map(|c| (Field::from(c.field), c.value.clone()))
                .collect(),
            remark: self.remark.clone(),
        }
    }
}

/// Whose data a request is about.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RequestSubject {
    pub kind: SubjectType,
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    pub field: RequestField,
    /// What the school held when the request was made.
    #[schema(max_length = 500)]
    pub current_value: Option<String>,
    #[schema(max_length = 500)]
    pub proposed_value: Option<String>,
    /// What the school holds now (absent for details the portal does not hold).
    #[schema(max_length = 500)]
    pub held_now: Option<String>,
    /// The school's value changed since the request was made: look again before acting on it.
    pub stale: bool,
    pub outcome: FieldOutcome,
    /// Why it was rejected.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangeRequest {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    pub subject: RequestSubject,
    /// The guardian record of the requester.
    #[schema(format = Uuid, max_length = 36)]
    pub requested_by: String,
    pub status: RequestStatus,
    /// What this status means for the guardian, in the language of the answer.
    #[schema(max_length = 500)]
    pub message: String,
    #[schema(max_length = 500)]
    pub remark: Option<String>,
    #[schema(max_items = 6)]
    pub fields: Vec<FieldChange>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<domain_cr::ChangeRequest> for ChangeRequest {
    fn from(request: domain_cr::ChangeRequest) -> Self {
        ChangeRequest::new(request, crate::i18n::current())
    }
}

impl ChangeRequest {
    /// The request as the API shows it, its message in `language`.
    pub fn new(request: domain_cr::ChangeRequest, language: Language) -> Self {
        let fields = request
            .fields
            .iter()
            .map(|f| FieldChange {
                field: f.field.into(),
                stale: request.is_stale(f),
                held_now: request.held_now(f.field).map(str::to_owned),
                current_value: f.current.clone(),
                proposed_value: f.proposed.clone(),
                outcome: f.outcome.into(),
                reason: f.reason.clone(),
            })
            .collect();
        ChangeRequest {
            subject: RequestSubject {
                kind: request.subject_kind.into(),
                id: request.subject_id,
            },
            status: request.status.into(),
            message: domain_cr::status_message(request.status, language).to_owned(),
            id: request.id,
            school_id: request.school_id,
            requested_by: request.requested_by,
            remark: request.remark,
            fields,
            created_at: request.created_at.and_utc(),
            decided_at: request.decided_at.map(|t| t.and_utc()),
        }
    }
}

/// A staff decision on a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Changed in the LAS; the next sync brings it.
    Processed,
    Rejected,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDecision {
    pub field: RequestField,
    pub outcome: Decision,
    /// Required when rejecting: the guardian sees it.
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schema(min_items = 1, max_items = 6)]
    #[validate(length(min = 1, max = 6), nested)]
    pub decisions: Vec<FieldDecision>,
}

impl DecisionInput {
    pub fn decisions(&self) -> Vec<domain_cr::Decision> {
        self.decisions
            .iter()
            .map(|d| {
                let outcome = match d.outcome {
                    Decision::Processed => Outcome::Processed,
                    Decision::Rejected => Outcome::Rejected,
                };
                (Field::from(d.field), outcome, d.reason.clone())
            })
            .collect()
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// How many requests to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
    /// Only requests in this status (the queue: `open`).
    #[param(inline)]
    pub status: Option<RequestStatus>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestSettings {
    /// The details guardians may ask to change at this school (all by default).
    #[schema(max_items = 6)]
    #[validate(length(max = 6))]
    pub requestable_fields: Vec<RequestField>,
}

impl ChangeRequestSettings {
    pub fn fields(&self) -> std::collections::BTreeSet<Field> {
        self.requestable_fields
            .iter()
            .map(|f| Field::from(*f))
            .collect()
    }
}

impl From<std::collections::BTreeSet<Field>> for ChangeRequestSettings {
    fn from(fields: std::collections::BTreeSet<Field>) -> Self {
        ChangeRequestSettings {
            requestable_fields: fields.into_iter().map(RequestField::from).collect(),
        }
    }
}
